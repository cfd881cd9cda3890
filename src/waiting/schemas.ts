// The HTTP contract of waiting too long (docs/api.md): what each route answers, as zod schemas. They are the
// allow-list of what leaves and what /api/v1/openapi.json describes; the answers are written in the API's words.
import { z } from 'zod';
import { FORECAST_BASES, explainEighteenWeeks } from '../domain/rtt-clock.ts';
import { API_WORDING } from '../domain/wording.ts';
import { problems } from '../http/schemas.ts';
import { ServiceSchema } from '../directory/schemas.ts';
import { ShortlistAnswerSchema } from '../shortlist/schemas.ts';
import { type FoundAlternatives, withSoonerReason } from './alternatives.ts';

export const PROBLEMS = problems(400, 401, 403, 404, 409, 422);

const PathwaySchema = z.object({
  rttClockStart: z.string(),
  weeksWaited: z.number(),
  breachDate: z.string().describe('the day the clock passes 18 weeks'),
  forecastFirstAppointment: z.string().nullable(),
  forecastBasis: z.enum(FORECAST_BASES),
  mayAskForAlternative: z.boolean(),
  explanation: z.string(),
  currentServiceId: z.string().nullable(),
});

const AlternativeSchema = ShortlistAnswerSchema.shape.options.element.extend({
  expectedBy: z.string().describe('when the patient could expect to be seen there'),
  soonerByWeeks: z.number().nullable().describe('how much sooner than where they wait now, when known'),
});

export const AlternativesSchema = z.object({ ubrn: z.string(), pathway: PathwaySchema, alternatives: z.array(AlternativeSchema) });

export const MovedSchema = z.object({
  previousUbrn: z.string(),
  ubrn: z.string(),
  accessCode: z.string().describe('shown this once: the patient needs it with the new UBRN'),
  status: z.literal('NOT_BOOKED'),
  service: ServiceSchema,
  rttClockStart: z.string(),
});

const LineProblem = z.object({ line: z.number().int(), message: z.string() });
export const WaitingListReportSchema = z.object({
  dryRun: z.boolean().describe('true: a preview, nothing was changed'),
  rows: z.number().int().describe('rows read, not counting the header and blank lines'),
  imported: z.number().int().describe('pathways added (in a preview: that would be added, counting only the rows without errors)'),
  skipped: z.number().int().describe('rows already loaded (same NHS number, provider, specialty and clock start), left as they are: the import never changes a pathway'),
  errors: z.array(LineProblem).describe('by the line each row starts on, as a spreadsheet numbers it (the header is line 1); the first 100'),
  errorsNotShown: z.number().int().describe('errors beyond those listed'),
  warnings: z.array(LineProblem).describe('the first 100'),
  warningsNotShown: z.number().int(),
});

/** The pathway and its alternatives as the API answers them. */
export function alternativesAnswer(found: FoundAlternatives): z.input<typeof AlternativesSchema> {
  const p = found.pathway;
  return {
    ubrn: found.ubrn,
    pathway: {
      rttClockStart: p.clock.start,
      weeksWaited: p.eighteenWeeks.weeksWaited,
      breachDate: p.eighteenWeeks.breachDate,
      forecastFirstAppointment: p.forecast.date,
      forecastBasis: p.forecast.basis,
      mayAskForAlternative: p.eighteenWeeks.mayAskForAlternative,
      explanation: explainEighteenWeeks(p.eighteenWeeks, API_WORDING),
      currentServiceId: p.currentServiceId,
    },
    alternatives: found.alternatives.map((a) => withSoonerReason(a, API_WORDING)),
  };
}
