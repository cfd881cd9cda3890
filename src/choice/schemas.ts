// The shapes of the choice measures' API answers (shared/design/api.md "Choice measured and assured").
import { z } from 'zod';
import { EXTRACT_COLUMNS, FEWER_KEYS, SHARE_KEYS } from './measures.ts';
import { GROUP_BY } from './metrics.ts';

const count = z.number().int().nullable();

export const ShareSchema = z.object({
  count: z.number().int(),
  denominator: z.number().int(),
  value: z.number().nullable().describe('count / denominator; null when the denominator is 0'),
  low: z.number().nullable().describe('95% Wilson score interval, lower bound'),
  high: z.number().nullable().describe('95% Wilson score interval, upper bound'),
});

export const ChoiceMetricsSchema = z.object({
  odsCode: z.string().nullable().describe('the group\'s ODS code; null for the "none" group (not from a practice, not through a referral centre, no provider yet)'),
  name: z.string(),
  referrals: count.describe('referrals made in the period (not waiting-list imports or transfers)'),
  offeredAtLeast5: count.describe('of those whose options are known, offered 5 or more'),
  meanOptionsOffered: z.number().nullable(),
  patientChoseProvider: count,
  bookedByPatient: count,
  appointmentSlotIssues: count.describe('ever deferred to the provider for want of a slot'),
  rejected: count,
  suppressed: z.boolean().describe('publication=true only: some count of 1 to 9 is hidden (null)'),
  withOptions: count.describe('referrals whose options are known (not awaiting triage): the options measures\' denominator'),
  optionsOffered: count.describe('options offered in all, over withOptions'),
  noOptions: count,
  fewerThan5: z.object(Object.fromEntries(FEWER_KEYS.map((k) => [k, count])) as Record<(typeof FEWER_KEYS)[number], typeof count>)
    .describe('offered 1 to 4 options, by coded reason'),
  electronic: count,
  paper: count.describe('recorded from a paper referral (MS7)'),
  booked: count.describe('with an appointment booked now, by anyone'),
  fasterAlternativeOffered: count,
  fasterAlternativeTaken: count,
  pidmasInvited: count,
  pidmasOptedIn: count,
  pidmasMoved: count,
  asiPer10000: z.number().nullable().describe('appointment slot issues per 10,000 referrals'),
  shares: z.object(Object.fromEntries(SHARE_KEYS.map((k) => [k, ShareSchema.nullable()])) as Record<(typeof SHARE_KEYS)[number], z.ZodNullable<typeof ShareSchema>>),
});

const IcbSchema = z.object({ odsCode: z.string(), name: z.string() });

export const MetricsAnswerSchema = z.object({
  from: z.string(),
  to: z.string(),
  groupBy: z.enum(GROUP_BY),
  icb: IcbSchema,
  specialty: z.string().nullable(),
  publication: z.boolean(),
  rows: z.array(ChoiceMetricsSchema),
});

export const ExtractRowSchema = z.object({
  week_start: z.string().describe('the ISO week\'s Monday, YYYY-MM-DD'),
  icb_code: z.string(),
  specialty_code: z.string().describe('treatment function code'),
  specialty_name: z.string(),
  referrals: count.describe('referrals made that week'),
  bookings: count.describe('of those, with an appointment booked now'),
  appointment_slot_issues: count.describe('of those, ever deferred to the provider for want of a slot'),
  asi_per_10000_referrals: z.number().nullable().describe('appointment_slot_issues / referrals × 10,000, to one decimal place'),
  offered_at_least_5: count,
  patient_chose_provider: count,
  suppressed: z.boolean().describe('some count of 1 to 9 on this row is hidden (null)'),
}) satisfies z.ZodType<Record<(typeof EXTRACT_COLUMNS)[number], unknown>>;

export const ExtractAnswerSchema = z.object({ from: z.string(), to: z.string(), icb: IcbSchema, rows: z.array(ExtractRowSchema) });

const dateText = z.string().max(40).optional();

export const MetricsQuerySchema = z.object({
  from: dateText.describe('first day, YYYY-MM-DD (inclusive), on the day the referral was made'),
  to: dateText.describe('last day, YYYY-MM-DD (inclusive); less than 5 years after from'),
  groupBy: z.enum(GROUP_BY, { error: `must be one of ${GROUP_BY.join(', ')}` }).default('icb'),
  icb: z.string().max(20).optional().describe('an admin names the ICB (ODS code, like QWO); a commissioner sees their own'),
  specialty: z.string().trim().regex(/^(C_)?\d{3}$/i, 'must be a treatment function code such as "110"').optional(),
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).optional().describe('csv: the same rows as text/csv (or send Accept: text/csv)'),
  publication: z.enum(['true', 'false'], { error: 'must be true or false' }).optional().transform((v) => v === 'true')
    .describe('true: hide counts of 1 to 9 as for publication; never needed by the ICB\'s own staff'),
});

export const ExtractQuerySchema = z.object({
  from: dateText.describe('first day, YYYY-MM-DD: widened to its week\'s Monday'),
  to: dateText.describe('last day, YYYY-MM-DD: widened to its week\'s Sunday'),
  icb: z.string().max(20).optional(),
  format: z.enum(['json', 'csv'], { error: 'must be json or csv' }).optional(),
});
