import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { boundingBox, haversineKm, round1 } from '../domain/distance.ts';
import { PUBLIC } from '../http/access.ts';
import { badRequest, notFound } from '../http/problem.ts';
import { ProblemSchema } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import type { PostcodeDirectory } from '../reference/postcodes.ts';
import { resolveOrigin, resolveSpecialty } from '../reference/resolve.ts';
import { ServiceSchema } from './schemas.ts';
import { toServiceView } from './queries.ts';
import type { DirectoryCache } from './snapshot.ts';

const ServicesQuery = z.object({
  specialty: z.string().trim().min(1, 'is required').max(8).describe('treatment function code, "110" or "C_110"'),
  postcode: z.string().trim().min(1).max(16).optional().describe('adds distanceKm and sorts nearest first'),
  maxDistanceKm: z.coerce.number().positive('must be more than 0').max(2000, 'must be 2000 or less').optional(),
});

const ServicesAnswer = z.object({
  services: z.array(ServiceSchema.extend({ distanceKm: z.number().optional() })),
});

const directoryAccess = { access: PUBLIC('the directory of services is public information') };

export function directoryRoutes({ directory, postcodes }: { directory: DirectoryCache; postcodes: PostcodeDirectory }) {
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    api.get(
      '/services',
      {
        config: directoryAccess,
        schema: {
          tags: ['directory'],
          summary: 'Every active, accredited service of a specialty, within a distance when given',
          querystring: ServicesQuery,
          response: { 200: ServicesAnswer, 400: ProblemSchema, 422: ProblemSchema },
        },
      },
      async (request) => {
        const { postcode, maxDistanceKm } = request.query;
        if (maxDistanceKm !== undefined && postcode === undefined) {
          throw badRequest('maxDistanceKm needs a postcode to measure from.', [
            { field: 'postcode', message: 'Give a postcode with maxDistanceKm' },
          ]);
        }
        const [snapshot, origin] = await Promise.all([
          directory.current(),
          postcode === undefined ? undefined : resolveOrigin(postcodes, postcode),
        ]);
        const specialty = resolveSpecialty(snapshot.specialties, request.query.specialty);
        const box = origin && maxDistanceKm !== undefined ? boundingBox(origin, maxDistanceKm) : undefined;
        const services = box ? snapshot.inBox(specialty.code, box) : snapshot.ofSpecialty(specialty.code).candidates;
        if (!origin) return { services: services.map((c) => toServiceView(c.row)).sort((a, b) => a.name.localeCompare(b.name)) };
        const measured = services
          .map((c) => ({ ...toServiceView(c.row), exactKm: haversineKm(origin, c) }))
          .filter((s) => maxDistanceKm === undefined || s.exactKm <= maxDistanceKm)
          .sort((a, b) => a.exactKm - b.exactKm || a.id.localeCompare(b.id));
        return { services: measured.map(({ exactKm, ...s }) => ({ ...s, distanceKm: round1(exactKm) })) };
      },
    );

    api.get(
      '/services/:id',
      {
        config: directoryAccess,
        schema: {
          tags: ['directory'],
          summary: 'One listed service',
          params: z.object({ id: z.string().max(100) }),
          response: { 200: ServiceSchema, 404: ProblemSchema },
        },
      },
      async (request) => {
        const service = (await directory.current()).byId.get(request.params.id);
        if (!service) throw notFound(`There is no listed service with id "${request.params.id.slice(0, 100)}".`);
        return toServiceView(service.row);
      },
    );
  };
}
