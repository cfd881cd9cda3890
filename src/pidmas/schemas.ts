// The HTTP contract of PIDMAS (docs/api.md): what each route answers, as zod schemas. They are the allow-list of
// what leaves and what /api/v1/openapi.json describes; eligibility is explained in the API's words.
import { z } from 'zod';
import type { ProposedTransferStatus } from '../db/schema.ts';
import { ELIGIBILITY_RULES, type Eligibility, explainEligibility } from '../domain/pidmas-eligibility.ts';
import { PIDMAS_STATUSES } from '../domain/pidmas-status.ts';
import { TRAVEL_LIMITS } from '../domain/travel-limits.ts';
import { API_WORDING } from '../domain/wording.ts';
import { problems } from '../http/schemas.ts';
import type { InvitationCandidate, PidmasView } from './service.ts';

export const PROBLEMS = problems(400, 401, 403, 404, 409, 422);

const TRANSFER_STATUSES = ['PROPOSED', 'PROVIDER_DECLINED', 'OFFERED', 'ACCEPTED', 'DECLINED', 'WITHDRAWN'] as const satisfies readonly ProposedTransferStatus[];

const EligibilitySchema = z.object({
  eligible: z.boolean(),
  rules: z.array(z.object({ rule: z.enum(ELIGIBILITY_RULES), passed: z.boolean(), explanation: z.string() })),
});

export const PidmasViewSchema = z.object({
  ubrn: z.string(),
  eligibility: EligibilitySchema,
  thresholdWeeks: z.number(),
  weeksWaited: z.number(),
  currentProvider: z.object({ odsCode: z.string(), name: z.string() }).nullable(),
  request: z
    .object({
      id: z.number().int(),
      status: z.enum(PIDMAS_STATUSES),
      travel: z.enum(TRAVEL_LIMITS).nullable(),
      unavailableDates: z.string(),
      supportNeeded: z.array(z.string()),
      interpreterLanguage: z.string().nullable(),
      contactPreference: z.string().nullable(),
      notSuitableReason: z.string().nullable(),
      outcome: z.string().nullable().describe('what happens next, written to the patient'),
    })
    .nullable(),
  offer: z
    .object({
      transferId: z.number().int(),
      status: z.enum(TRANSFER_STATUSES),
      provider: z.string(),
      site: z.string(),
      service: z.string(),
      distanceKm: z.number(),
      distanceMiles: z.number(),
      expectedFrom: z.string(),
      newUbrn: z.string().nullable(),
    })
    .nullable(),
});

export const OfferAnsweredSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('ACCEPTED'), previousUbrn: z.string(), ubrn: z.string(), accessCode: z.string().describe('shown this once, with the new UBRN'), service: z.string() }),
  z.object({ status: z.literal('DECLINED'), ubrn: z.string() }),
]);

export const CandidatesSchema = z.object({
  candidates: z.array(
    z.object({
      ubrn: z.string(),
      patientName: z.string(),
      specialty: z.string(),
      weeksWaited: z.number(),
      eligibility: EligibilitySchema,
      requestStatus: z.enum(PIDMAS_STATUSES).nullable(),
    }),
  ),
});

export const InvitedSchema = z.object({ ubrn: z.string(), accessCode: z.string().describe('shown this once, for a printed letter'), status: z.literal('INVITED') });

export const ValidationListSchema = z.object({
  requests: z.array(
    z.object({
      id: z.number().int(),
      ubrn: z.string(),
      patientName: z.string(),
      specialty: z.string(),
      weeksWaited: z.number(),
      travel: z.enum(TRAVEL_LIMITS).nullable(),
      supportNeeded: z.array(z.string()),
      unavailableDates: z.string(),
      optedInAt: z.string(),
    }),
  ),
});

export const ValidatedSchema = z.object({ id: z.number().int(), status: z.enum(['VALIDATED', 'NOT_SUITABLE']) });

const eligibilityAnswer = (e: Eligibility) => explainEligibility(e, API_WORDING);

export const pidmasAnswer = (view: PidmasView): z.input<typeof PidmasViewSchema> => ({ ...view, eligibility: eligibilityAnswer(view.eligibility) });

export const candidatesAnswer = (candidates: InvitationCandidate[]): z.input<typeof CandidatesSchema> => ({
  candidates: candidates.map((c) => ({ ...c, eligibility: eligibilityAnswer(c.eligibility) })),
});
