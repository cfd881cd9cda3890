// The referral's HTTP contract (shared/design/api.md, "Referrals") as zod schemas.
import { z } from 'zod';
import { isCalendarDate } from '../domain/dates.ts';
import { REFERRAL_STATUSES } from '../domain/referral-status.ts';
import { ShortlistAnswerSchema } from '../shortlist/schemas.ts';

const calendarDate = z.string().refine(isCalendarDate, 'must be a date written YYYY-MM-DD');
import { UK_MOBILE } from '../domain/communication-needs.ts';

export { UK_MOBILE };
const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional().transform((v) => v ?? null);

export const CreateReferralBody = z.object({
  patient: z.object({
    nhsNumber: z
      .string()
      .transform((s) => s.replace(/[\s-]/g, ''))
      .pipe(z.string().regex(/^\d{10}$/, 'must be 10 digits')),
    givenName: z.string().trim().min(1, 'is required').max(100),
    familyName: z.string().trim().min(1, 'is required').max(100),
    dateOfBirth: calendarDate,
    postcode: z.string().trim().min(1, 'is required').max(16),
    addressLines: optional(
      z
        .array(z.string().trim().min(1, 'must not be empty').max(100))
        .min(1, 'must have 1 to 5 lines')
        .max(5, 'must have 1 to 5 lines')
        .describe('postal address without the postcode, for letters'),
    ),
    email: optional(z.email('must be an email address').max(254)),
    mobile: optional(z.string().trim().regex(UK_MOBILE, 'must be a UK mobile number, like 07700 900123')),
  }),
  specialty: z.string().trim().regex(/^(C_)?\d{3}$/i, 'must be a treatment function code such as "110"'),
  priority: z.enum(['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT']),
  clinicalSummary: z.string().trim().min(1, 'is required').max(10_000),
  preferences: z
    .object({
      sortBy: z.enum(['WAIT', 'DISTANCE', 'BALANCED']).default('WAIT'),
      maxDistanceKm: z.number().positive().max(2000).nullable().optional(),
      originPostcode: optional(z.string().trim().min(1).max(16)),
    })
    .default({ sortBy: 'WAIT', originPostcode: null }),
  shortlist: optional(
    z
      .array(z.string().min(1).max(100))
      .min(1, 'must list 1 to 20 services')
      .max(20, 'must list 1 to 20 services')
      .refine((ids) => new Set(ids).size === ids.length, 'lists a service twice'),
  ),
});
export type CreateReferral = z.infer<typeof CreateReferralBody>;

const Option = ShortlistAnswerSchema.shape.options.element;

export const CreatedReferral = z.object({
  ubrn: z.string(),
  accessCode: z.string().describe('shown this once: the patient needs it with the UBRN to manage their referral'),
  status: z.enum(REFERRAL_STATUSES),
  rttClockStart: z.string(),
  optionsOffered: z.number().int(),
  fewerOptionsReason: z.string().nullable(),
  shortlist: z.array(Option),
});

export const ReferralSchema = z.object({
  ubrn: z.string(),
  status: z.enum(REFERRAL_STATUSES),
  priority: z.enum(['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT']),
  specialty: z.object({ code: z.string(), name: z.string() }),
  patient: z.object({
    nhsNumber: z.string(),
    givenName: z.string(),
    familyName: z.string(),
    dateOfBirth: z.string(),
    postcode: z.string(),
    addressLines: z.array(z.string()).nullable(),
    email: z.string().nullable(),
    mobile: z.string().nullable(),
  }),
  clinicalSummary: z.string(),
  referringOrganisation: z.object({ odsCode: z.string(), name: z.string() }),
  rttClockStart: z.string(),
  optionsOffered: z.number().int(),
  fewerOptionsReason: z.string().nullable(),
  patientChose: z.boolean(),
  shortlist: z.array(Option),
  appointment: z.object({ id: z.string(), serviceId: z.string(), slotId: z.string(), start: z.string(), end: z.string() }).nullable(),
  deferral: z.object({ serviceId: z.string(), contactBy: z.string() }).nullable().describe('while deferred to a provider'),
  history: z.array(
    z.object({ at: z.string(), from: z.enum(REFERRAL_STATUSES).nullable(), to: z.enum(REFERRAL_STATUSES), by: z.string(), reason: z.string() }),
  ),
});
export type Referral = z.infer<typeof ReferralSchema>;
