// The API's shapes for listings that need attention: the response schemas are the allow-list of what leaves (dates,
// counts and rates about services; nothing of a patient).
import { z } from 'zod';
import { FLAG_KINDS } from '../domain/listing-upkeep.ts';

const Day = z.string().describe('YYYY-MM-DD');
const Instant = z.string().describe('an ISO 8601 instant');
const when = { since: Instant.describe('when the flag was first raised'), lastSeen: Instant.describe('the last daily check that found it'), days: z.number().int().describe('days flagged, to today') };

export const OpenFlagSchema = z.discriminatedUnion('flag', [
  z.object({
    flag: z.literal('STALE_WAIT'), ...when,
    evidence: z.object({ source: z.enum(['RTT', 'PROVIDER']), waitAsOf: Day, latestPublication: Day.nullable(), ageDays: z.number().int(), maxAgeDays: z.number().int().nullable() }),
  }),
  z.object({
    flag: z.literal('NO_SLOTS'), ...when,
    evidence: z.object({ nextSlotStartsAt: Instant.nullable(), lastPublishedAt: Instant.nullable(), aheadWeeks: z.number().int(), publishedWithinWeeks: z.number().int() }),
  }),
  z.object({
    flag: z.literal('HIGH_ASI'), ...when,
    evidence: z.object({
      slotIssues: z.number().int(), referrals: z.number().int(), rate: z.number(), low: z.number(), high: z.number(), from: Day,
      windowWeeks: z.number().int(), rateAbove: z.number(), minCount: z.number().int(),
    }),
  }),
]);

export const FlaggedListingSchema = z.object({
  id: z.string(),
  name: z.string(),
  specialty: z.object({ code: z.string(), name: z.string() }),
  site: z.object({ odsCode: z.string(), name: z.string() }),
  flags: z.array(OpenFlagSchema),
});

export const ProviderListingFlags = z.object({ listings: z.array(FlaggedListingSchema) });

export const IcbListingFlags = z.object({
  icb: z.object({ odsCode: z.string(), name: z.string() }),
  providers: z.array(z.object({ odsCode: z.string(), name: z.string(), listings: z.array(FlaggedListingSchema) })),
});

export const IcbFlagsQuery = z.object({
  icb: z.string().optional().describe('the ICB\'s ODS code: an admin must name one; a commissioner sees their own'),
  flag: z.string().optional().describe(`one of ${FLAG_KINDS.join(', ')}, or none for all`),
  provider: z.string().optional().describe('a provider\'s ODS code'),
});
