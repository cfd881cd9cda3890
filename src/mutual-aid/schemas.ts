// The DMAS API's contract (docs/api.md, "Waiting too long") as zod schemas: what may be sent, and what each answer
// may carry. An answer's schema is its allow-list: a field not named here never leaves.
import { z } from 'zod';
import { PreviewVersionField } from '../http/preview.ts';
import { isCalendarDate } from '../domain/dates.ts';
import { TRANSFER_STATUSES } from '../domain/transfer-status.ts';
import { DECLINE_REASONS, type DeclineReason } from './transfers.ts';

const date = z.string().refine(isCalendarDate, 'must be a date like 2026-12-31');
const Complexity = z.enum(['ROUTINE', 'ROUTINE_AND_COMPLEX']);
const Specialty = z.object({ code: z.string(), name: z.string() });
const count = z.number().int().nonnegative();

export const IdParams = z.object({ id: z.coerce.number().int().positive() });

export const RequestBody = z.object({
  specialty: z.string().min(1).max(10),
  patients: z.number().int().min(1).max(100000),
  neededBy: date,
  constraints: z.string().trim().max(1000).default(''),
});

export const OfferBody = z.object({
  serviceId: z.string().min(1).max(200),
  capacityPerWeek: z.number().int().min(1).max(10000),
  startsOn: date,
  endsOn: date,
  minAge: z.number().int().min(0).max(130).nullable().default(null),
  maxAge: z.number().int().min(0).max(130).nullable().default(null),
  complexity: Complexity.default('ROUTINE'),
  notes: z.string().trim().max(1000).default(''),
});

export const DecisionBody = z.object({
  decision: z.enum(['ACCEPT', 'DECLINE']),
  reason: z.enum(Object.keys(DECLINE_REASONS) as [DeclineReason, ...DeclineReason[]]).nullable().default(null),
});

export const OwnMutualAid = z.object({
  requests: z.array(z.object({
    id: z.number().int(),
    specialty: Specialty,
    patients: z.number().int(),
    neededBy: z.string(),
    constraints: z.string(),
    status: z.enum(['OPEN', 'CLOSED']),
  })),
  offers: z.array(z.object({
    id: z.number().int(),
    specialty: Specialty,
    service: z.string(),
    capacityPerWeek: z.number().int(),
    startsOn: z.string(),
    endsOn: z.string(),
    minAge: z.number().int().nullable(),
    maxAge: z.number().int().nullable(),
    complexity: Complexity,
    notes: z.string(),
    status: z.enum(['OPEN', 'WITHDRAWN']),
    capacityLeft: count.describe('places per week for the weeks left, less the places live proposals hold'),
    placesUsed: count,
  })),
});

export const RequestPosted = z.object({ id: z.number().int(), status: z.literal('OPEN') });
export const RequestClosed = z.object({ id: z.number().int(), status: z.literal('CLOSED') });
export const OfferPosted = z.object({ id: z.number().int(), status: z.literal('OPEN'), capacity: count.describe('places for the whole period left') });
export const OfferWithdrawn = z.object({
  id: z.number().int(), status: z.literal('WITHDRAWN'),
  proposalsReturned: z.number().int().describe('patients proposed into the offer who went back to the pool'),
});
/** The optional body of withdrawing an offer or closing a request: the version of the preview confirmed. */
export const ConfirmBody = z.strictObject({ previewVersion: PreviewVersionField.optional() }).nullish(); // Fastify hands null for no body
export const OfferWithdrawalPreview = z.object({
  id: z.number().int(), service: z.string(), status: z.enum(['OPEN', 'WITHDRAWN']),
  proposalsReturned: z.number().int().describe('patients proposed into the offer, not yet put to them: they go back to the pool'),
  patientsOffered: z.number().int().describe('patients already offered a place from it: while any are, it cannot be withdrawn (409)'),
  previewVersion: z.string(),
});
export const RequestClosingPreview = z.object({
  id: z.number().int(), specialty: z.string(), patients: z.number().int(), neededBy: z.string(), status: z.enum(['OPEN', 'CLOSED']), previewVersion: z.string(),
});

const Transfer = z.object({
  id: z.number().int(),
  status: z.enum(TRANSFER_STATUSES),
  scope: z.enum(['ICB', 'NATIONAL']),
  ubrn: z.string(),
  specialty: z.string(),
  fromProvider: z.string(),
  toProvider: z.string(),
  toService: z.string(),
  site: z.string(),
  distanceKm: z.number(),
  waitWeeks: z.number(),
  explanation: z.object({
    why: z.array(z.string()),
    alternatives: z.array(z.object({ offerId: z.string(), provider: z.string(), distanceKm: z.number() })),
  }),
  createdAt: z.string(),
});
export const Transfers = z.object({ incoming: z.array(Transfer), outgoing: z.array(Transfer) });
export const TransferDecided = z.object({ id: z.number().int(), status: z.enum(['OFFERED', 'PROVIDER_DECLINED']) });

export const Board = z.object({
  rows: z.array(z.object({
    specialty: Specialty,
    region: z.string(),
    requests: count,
    patientsRequested: count,
    offers: count,
    weeklyCapacityOffered: count,
    patientsWaitingToMove: count,
    proposed: count,
    moved: count,
  })),
});

export const RunSummary = z.object({
  runId: z.number().int().nullable().describe('null when nobody was waiting for a place, so nothing was run'),
  patients: count,
  offers: count,
  proposed: count,
  proposedWithinIcb: count,
  noMatch: count,
  unchanged: z.boolean().describe('the inputs were those of the last run: nothing new was proposed'),
});

export const RecentRuns = z.object({
  runs: z.array(z.object({
    id: z.number().int(),
    trigger: z.string().describe("'job', or the username of who ran it"),
    startedAt: z.string(),
    summary: z.object({
      patients: count,
      offers: count,
      proposed: count,
      proposedWithinIcb: count,
      noMatch: count,
      waitWeeksMatched: z.number(),
      distanceKm: z.number(),
    }).nullable(),
  })),
});
