// The triage API's contract (docs/api.md, "Referral centre") as zod schemas.
import { z } from 'zod';
import { REFERRAL_STATUSES } from '../domain/referral-status.ts';
import { FEWER_PROVIDERS_REASONS, type FewerProvidersReason, TRIAGE_OUTCOMES } from '../domain/triage.ts';
import { REJECTION_REASONS, type RejectionReason } from '../domain/rejection.ts';
import { ServiceIdList } from '../referrals/schemas.ts';

const optionalNote = z.string().trim().max(1000).nullable().optional().transform((v) => v || null);
const keysOf = <K extends string>(o: Record<K, unknown>) => Object.keys(o) as [K, ...K[]];

export const TriageDecisionBody = z.discriminatedUnion('outcome', [
  z.object({
    outcome: z.literal('NEEDS_CONSULTANT'),
    services: ServiceIdList
      .nullable()
      .optional()
      .transform((v) => v ?? null)
      .describe('the services to offer, ranked by the patient\'s preferences whatever the order; default: the best service of each of the best 5 providers'),
    fewerProvidersReason: z
      .enum(keysOf(FEWER_PROVIDERS_REASONS))
      .nullable()
      .optional()
      .transform((v): FewerProvidersReason | null => v ?? null)
      .describe(`required when fewer than 5 providers are offered: ${Object.keys(FEWER_PROVIDERS_REASONS).join(', ')}`),
    note: optionalNote,
  }),
  z.object({ outcome: z.literal('ADVICE'), advice: z.string().trim().min(1, 'is required').max(5000).describe('the advice to the referrer') }),
  z.object({ outcome: z.literal('REDIRECT'), communityService: z.string().trim().min(1, 'is required').max(200).describe('the community service the patient should be referred to'), note: optionalNote }),
  z.object({
    outcome: z.literal('REJECT'),
    reason: z.enum(keysOf(REJECTION_REASONS)).transform((v): RejectionReason => v).describe(Object.keys(REJECTION_REASONS).join(', ')),
    note: optionalNote,
  }),
]);
export type TriageDecision = z.output<typeof TriageDecisionBody>;

export const TriageResultSchema = z.object({
  ubrn: z.string(),
  status: z.enum(REFERRAL_STATUSES),
  outcome: z.enum(TRIAGE_OUTCOMES),
  optionsOffered: z.number().int().describe('NEEDS_CONSULTANT: the services now on the referral\'s shortlist; otherwise 0'),
  providersOffered: z.number().int(),
  fewerOptionsReason: z.string().nullable(),
});

const TriageCaseSchema = z.object({
  ubrn: z.string(),
  priority: z.enum(['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT']),
  specialty: z.string(),
  patientName: z.string(),
  assessmentService: z.object({ id: z.string(), name: z.string() }),
  referringOrganisation: z.object({ odsCode: z.string(), name: z.string() }),
});

export const TriageItemSchema = TriageCaseSchema.extend({
  sentOn: z.string(),
  dueOn: z.string(),
  daysLeft: z.number().int().describe('negative: overdue'),
  overdue: z.boolean(),
});

export const ReturnedItemSchema = TriageCaseSchema.extend({
  outcome: z.enum(TRIAGE_OUTCOMES),
  triagedAt: z.string(),
});

export const AssessmentServiceSchema = z.object({
  id: z.string(),
  name: z.string(),
  organisation: z.object({ odsCode: z.string(), name: z.string() }),
  icbCode: z.string(),
  specialtyCodes: z.array(z.string()),
  targetDays: z.object({ ROUTINE: z.number().int(), URGENT: z.number().int(), TWO_WEEK_WAIT: z.number().int() }),
});
