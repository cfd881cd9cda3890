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
