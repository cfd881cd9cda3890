// The referral's HTTP contract (shared/design/api.md, "Referrals") as zod schemas.
import { z } from 'zod';
import { UK_MOBILE } from '../domain/communication-needs.ts';
import { isCalendarDate } from '../domain/dates.ts';
import { REFERRAL_STATUSES } from '../domain/referral-status.ts';
import { REJECTION_REASON_CODES } from '../domain/rejection.ts';
import { TRIAGE_OUTCOMES } from '../domain/triage.ts';
import type { FewerOptionsCode } from '../db/schema.ts';
import { ShortlistAnswerSchema } from '../shortlist/schemas.ts';

const calendarDate = z.string().refine(isCalendarDate, 'must be a date written YYYY-MM-DD');
export { UK_MOBILE };
const optional = <T extends z.ZodType>(schema: T) => schema.nullable().optional().transform((v) => v ?? null);

/** A UK phone number, landline or mobile: 0…, or +44 …, 10 or 11 digits, spaces allowed. */
export const UK_PHONE = /^(\+44\s?\d|0\d)[\d\s]{8,12}$/;

const CarerSchema = z
  .object({
    name: z.string().trim().min(1, 'is required').max(100),
    phone: z.string().trim().regex(UK_PHONE, 'must be a UK phone number, like 0113 496 0000').nullable().optional().transform((v) => v ?? null),
    email: z.email('must be an email address').max(254).nullable().optional().transform((v) => v ?? null),
  })
  .refine((c) => c.phone !== null || c.email !== null, { message: 'needs a phone number or an email address, to be contacted', path: ['phone'] })
  .describe('someone to contact too: they get a copy of every message (by email, and by text to a mobile)');

export const CommunicationNeedsBody = z
  .object({
    largePrint: z.boolean().default(false).describe('letters in large print (a PDF printed at 18 point)'),
    easyRead: z.boolean().default(false).describe('letters and messages in easy read'),
    language: z
      .string()
      .trim()
      .toLowerCase()
      .regex(/^[a-z]{2,3}$/, 'must be an ISO 639 language code, like "cy" for Welsh')
      .nullable()
      .optional()
      .transform((v) => (v === 'en' || v === undefined ? null : v))
      .describe('the language the patient reads and speaks, when not English: "cy" gets letters in Welsh, any other an interpreter'),
    britishSignLanguage: z.boolean().default(false).describe('a British Sign Language interpreter at appointments'),
    carer: CarerSchema.nullable().optional().transform((v) => v ?? null),
  })
  .describe('Accessible Information Standard: how the patient needs to be told things');

export const CommunicationNeedsSchema = z.object({
  largePrint: z.boolean(),
  easyRead: z.boolean(),
  language: z.string().nullable(),
  britishSignLanguage: z.boolean(),
  carer: z.object({ name: z.string(), phone: z.string().nullable(), email: z.string().nullable() }).nullable(),
});

/** The services of a shortlist as the referrer or the referral centre chooses them: 1 to 20, none twice. */
export const ServiceIdList = z
  .array(z.string().min(1).max(100))
  .min(1, 'must list 1 to 20 services')
  .max(20, 'must list 1 to 20 services')
  .refine((ids) => new Set(ids).size === ids.length, 'lists a service twice');

/** How a referral reached OpenChoice: made in it, or recorded from paper by a referral centre. */
export const RECEIVED_VIA = ['ELECTRONIC', 'PAPER'] as const;
/** The coded reasons for offering fewer than 5 options (referral.fewer_options_code). */
export const FEWER_OPTIONS_CODES = ['FEWER_WITHIN_REACH', 'PATIENT_ASKED', 'CLINICALLY_SPECIALIST', 'URGENT_CAPACITY', 'REFERRER_CHOSE', 'OTHER'] as const satisfies readonly FewerOptionsCode[];

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
  shortlist: optional(ServiceIdList),
  triage: optional(
    z
      .object({ rasId: z.string().trim().min(1, 'is required').max(100).describe('a referral assessment service of the practice\'s ICB that assesses the specialty (GET /api/v1/assessment-services)') })
      .describe('send the referral to a referral assessment service instead of offering a shortlist now: it is made AWAITING_TRIAGE, and the service offers the shortlist if the patient needs a consultant'),
  ),
  communicationNeeds: CommunicationNeedsBody.nullable().optional().transform((v) => v ?? null),
  receivedVia: z.enum(RECEIVED_VIA, { error: 'must be ELECTRONIC or PAPER' }).optional().transform((v) => v ?? 'ELECTRONIC')
    .describe('PAPER: the referral reached the referral centre on paper and is recorded here (the choice measures count it, MS7); default ELECTRONIC'),
  fewerOptionsReason: z.enum(FEWER_OPTIONS_CODES, { error: `must be one of ${FEWER_OPTIONS_CODES.join(', ')}` }).nullable().optional().transform((v) => v ?? null)
    .describe('with a shortlist of 1 to 4 services you chose with the patient: why fewer than 5 (PATIENT_ASKED, CLINICALLY_SPECIALIST …); default REFERRER_CHOSE'),
});
export type CreateReferral = z.infer<typeof CreateReferralBody>;

const Option = ShortlistAnswerSchema.shape.options.element;

/** Where a referral sent to a referral assessment service stands in its triage. */
export const ReferralTriageSchema = z.object({
  assessmentService: z.object({ id: z.string(), name: z.string(), organisation: z.object({ odsCode: z.string(), name: z.string() }) }),
  sentOn: z.string(),
  dueOn: z.string(),
  outcome: z.enum(TRIAGE_OUTCOMES).nullable().describe('null until triaged'),
  reasonCode: z.string().nullable().describe('REJECT: the rejection reason; NEEDS_CONSULTANT: why fewer than 5 providers were offered, if they were'),
  reason: z.string().nullable().describe('the reason code in words'),
  detail: z.string().nullable().describe('ADVICE: the advice to the referrer; REDIRECT: the community service; otherwise the centre\'s note'),
  triagedAt: z.string().nullable(),
  triagedBy: z.string().nullable(),
});
export type ReferralTriage = z.infer<typeof ReferralTriageSchema>;

export const CreatedReferral = z.object({
  ubrn: z.string(),
  accessCode: z.string().describe('shown this once: the patient needs it with the UBRN to manage their referral'),
  status: z.enum(REFERRAL_STATUSES),
  rttClockStart: z.string(),
  optionsOffered: z.number().int(),
  fewerOptionsReason: z.string().nullable(),
  shortlist: z.array(Option),
  triage: ReferralTriageSchema.nullable().describe('when sent to a referral assessment service'),
});

/** Whether the reader sees who the patient is (src/domain/least-data.ts). */
export const PATIENT_DETAILS = ['SHOWN', 'WITHHELD_UNTIL_CHOSEN'] as const;

export const ReferralSchema = z.object({
  ubrn: z.string(),
  status: z.enum(REFERRAL_STATUSES),
  priority: z.enum(['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT']),
  specialty: z.object({ code: z.string(), name: z.string() }),
  patientDetails: z.enum(PATIENT_DETAILS).describe(
    'WITHHELD_UNTIL_CHOSEN: you are a provider on the shortlist that the patient has not chosen (booked with, deferred to, holding the pathway, or the one service offered): the patient\'s identity, contact details, communication needs and clinical summary are null until they choose you',
  ),
  patient: z.object({
    nhsNumber: z.string().nullable().describe('null while withheld (patientDetails)'),
    givenName: z.string().nullable().describe('null while withheld (patientDetails)'),
    familyName: z.string().nullable().describe('null while withheld (patientDetails)'),
    dateOfBirth: z.string().nullable().describe('null while withheld (patientDetails)'),
    postcode: z.string().nullable().describe('null while withheld (patientDetails)'),
    addressLines: z.array(z.string()).nullable(),
    email: z.string().nullable(),
    mobile: z.string().nullable(),
  }),
  clinicalSummary: z.string().nullable().describe('null while withheld (patientDetails)'),
  referringOrganisation: z.object({ odsCode: z.string(), name: z.string() }),
  registeredPractice: z.object({ odsCode: z.string(), name: z.string() }).nullable().describe('the patient\'s GP practice, when known'),
  registeredPracticeSource: z.enum(['REFERRING_PRACTICE', 'REPORTED_BY_PROVIDER']).nullable()
    .describe('REFERRING_PRACTICE: the practice made the referral; REPORTED_BY_PROVIDER: a provider\'s waiting-list import named it, unchecked (show it as "Reported by" registeredPracticeReportedBy)'),
  registeredPracticeReportedBy: z.object({ odsCode: z.string(), name: z.string() }).nullable().describe('the provider that reported the practice'),
  rttClockStart: z.string(),
  optionsOffered: z.number().int(),
  fewerOptionsReason: z.string().nullable(),
  patientChose: z.boolean(),
  receivedVia: z.enum(RECEIVED_VIA).describe('PAPER: recorded from a paper referral'),
  shortlist: z.array(Option),
  appointment: z.object({ id: z.string(), serviceId: z.string(), slotId: z.string(), start: z.string(), end: z.string() }).nullable(),
  deferral: z.object({ serviceId: z.string(), contactBy: z.string() }).nullable().describe('while deferred to a provider'),
  rejection: z
    .object({
      reason: z.enum(REJECTION_REASON_CODES),
      reasonText: z.string(),
      note: z.string().nullable(),
      at: z.string(),
      by: z.string(),
      clock: z.enum(['KEEPS_RUNNING', 'STOPS']).describe('what the rejection did to the RTT clock: wrongly directed keeps it running, clinically inappropriate stops it'),
      nextStep: z.string(),
    })
    .nullable()
    .optional()
    .describe('the provider\'s rejection, while the referral stands rejected (or was closed after it); cleared when re-referred'),
  triage: ReferralTriageSchema.nullable().describe('when sent to a referral assessment service: its triage, and the outcome once triaged'),
  communicationNeeds: CommunicationNeedsSchema.nullable().describe('null when none were recorded'),
  history: z.array(
    z.object({ at: z.string(), from: z.enum(REFERRAL_STATUSES).nullable(), to: z.enum(REFERRAL_STATUSES), by: z.string(), reason: z.string() }),
  ),
});
export type Referral = z.infer<typeof ReferralSchema>;
