// The shortlist's HTTP contract as zod schemas: validated on the way in, documented in openapi.json.
import { z } from 'zod';
import { ServiceSchema } from '../directory/schemas.ts';

export const ShortlistBody = z.object({
  specialty: z
    .string()
    .trim()
    .regex(/^(C_)?\d{3}$/i, 'must be a treatment function code such as "110" (or "C_110")')
    .describe('treatment function code'),
  postcode: z.string().trim().min(1, 'is required').max(16, 'is too long for a postcode').describe('the origin: home or another postcode'),
  sortBy: z.enum(['WAIT', 'DISTANCE', 'BALANCED']).default('WAIT'),
  maxDistanceKm: z
    .number()
    .positive('must be more than 0')
    .max(2000, 'must be 2000 or less')
    .nullable()
    .optional()
    .describe('absent: 80 km (setting DEFAULT_MAX_DISTANCE_KM); null: no limit'),
  maxWaitWeeks: z.number().min(0, 'must be 0 or more').max(520).nullable().default(null),
  priority: z.enum(['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT']).default('ROUTINE'),
  limit: z.number().int('must be a whole number').min(1, 'must be between 1 and 20').max(20, 'must be between 1 and 20').default(5),
  age: z.number().int().min(0).max(130).nullable().default(null),
  sex: z.enum(['female', 'male']).nullable().default(null),
});

/**
 * The parts of the answer written once and reused (compileWithFragments): each option's service is the directory
 * snapshot's frozen view of it (serviceViewOf), the same object on every shortlist until the directory reloads.
 */
export const ShortlistAnswerFragments = ['options.service'] as const;

export const ShortlistAnswerSchema = z.object({
  origin: z.object({
    postcode: z.string(),
    latitude: z.number(),
    longitude: z.number(),
    precision: z.enum(['postcode', 'sector', 'outcode']),
  }),
  specialty: z.object({ code: z.string(), name: z.string() }),
  sortBy: z.enum(['WAIT', 'DISTANCE', 'BALANCED']),
  maxDistanceKm: z.number().nullable(),
  eligibleCount: z.number().int().describe('every service that met the filters'),
  options: z.array(
    z.object({
      rank: z.number().int(),
      service: ServiceSchema,
      distanceKm: z.number(),
      distanceMiles: z.number(),
      indicativeWaitWeeks: z.number().nullable(),
      earliestSlot: z.string().nullable().describe('earliest free slot, where the service publishes slots'),
      travel: z.object({ estimatedCostGbp: z.number(), basis: z.string() }),
      reasons: z.array(z.string()),
    }),
  ),
  shortfall: z
    .object({
      reason: z.string(),
      suggestion: z.string(),
      widen: z
        .object({
          distanceKm: z.number().nullable().describe('the smallest maxDistanceKm that finds 5, the other limits unchanged; null when none would'),
          anyDistanceCount: z.number().int().describe('how many match with maxDistanceKm null'),
          withoutWaitLimitCount: z.number().int().nullable().describe('how many match with maxWaitWeeks null; null when no wait limit was set'),
        })
        .describe('what would widen the list, as searches to run again'),
    })
    .nullable(),
});
