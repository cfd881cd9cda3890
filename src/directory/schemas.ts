// A listed service as the API answers it (shared/design/api.md, "Directory"), as a zod schema.
import { z } from 'zod';

export const ServiceSchema = z.object({
  id: z.string(),
  name: z.string(),
  specialty: z.object({ code: z.string(), name: z.string() }),
  provider: z.object({ odsCode: z.string(), name: z.string() }),
  site: z.object({
    odsCode: z.string(),
    name: z.string(),
    postcode: z.string().nullable(),
    latitude: z.number(),
    longitude: z.number(),
  }),
  serviceType: z.string(),
  directlyBookable: z.boolean(),
  indicativeWait: z
    .object({ weeks: z.number(), asOf: z.string().describe('the date the figures describe') })
    .nullable(),
});

/** A provider's own listing: everything it may change, its standing in the directory, and its history. */
export const ListingSchema = z.object({
  id: z.string(),
  name: z.string(),
  specialty: z.object({ code: z.string(), name: z.string() }),
  site: z.object({ odsCode: z.string(), name: z.string(), postcode: z.string().nullable() }),
  clinicType: z.string().nullable(),
  directlyBookable: z.boolean(),
  minAge: z.number().int().nullable(),
  maxAge: z.number().int().nullable(),
  sex: z.enum(['any', 'female', 'male']),
  consultantTeam: z.string().nullable(),
  accessibility: z.string().nullable(),
  indicativeWait: z.object({ weeks: z.number(), asOf: z.string() }).nullable(),
  accreditationStatus: z.string().describe('PENDING: awaiting the ICB\'s accreditation, not yet offered to patients'),
  active: z.boolean().describe('false: withdrawn from the directory'),
  withdrawnReason: z.string().nullable(),
  withdrawnAt: z.string().nullable(),
  history: z.array(z.object({
    action: z.enum(['LISTED', 'EDITED', 'WITHDRAWN', 'RELISTED']),
    changes: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })),
    reason: z.string().nullable(),
    at: z.string(),
    by: z.string().describe('the username of who changed it'),
  })),
});
