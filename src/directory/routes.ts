import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { boundingBox, haversineKm, round1 } from '../domain/distance.ts';
import type { Database } from '../db/database.ts';
import { isCalendarDate } from '../domain/dates.ts';
import { PUBLIC, ROLES, staffOf } from '../http/access.ts';
import { badRequest, notFound, unprocessable } from '../http/problem.ts';
import { PreviewVersionField } from '../http/preview.ts';
import { ProblemSchema } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import type { PostcodeDirectory } from '../reference/postcodes.ts';
import { resolveOrigin, resolveSpecialty } from '../reference/resolve.ts';
import { createListing, editListing, type Listing, listingHistory, listingOf, MAX_AGE_YEARS, previewListingWithdrawal, relistListing, withdrawListing } from './listings.ts';
import { ListingSchema, ServiceSchema } from './schemas.ts';
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
const providerAccess = { access: ROLES('provider') };

const age = z.number().int().min(0).max(MAX_AGE_YEARS).nullable();
const shortText = (max: number) => z.string().trim().min(1, 'must not be empty').max(max);
const ListingFieldsBody = {
  name: shortText(200).optional(),
  clinicType: shortText(100).nullable().optional(),
  directlyBookable: z.boolean().optional(),
  minAge: age.optional(),
  maxAge: age.optional(),
  sex: z.enum(['any', 'female', 'male']).optional(),
  consultantTeam: shortText(200).nullable().optional(),
  accessibility: shortText(2000).nullable().optional(),
  indicativeWait: z.strictObject({
    weeks: z.number().min(0).max(260),
    asOf: z.string().refine(isCalendarDate, 'must be a date, YYYY-MM-DD'),
  }).nullable().optional(),
};
const EditBody = z.strictObject({
  ...ListingFieldsBody,
  active: z.boolean().optional().describe('false withdraws the listing from the directory (give withdrawnReason); true lists it again'),
  withdrawnReason: shortText(500).optional(),
  previewVersion: PreviewVersionField.optional().describe('with active: false, the previewVersion of POST /services/{id}/preview: refused (409) when the patients relying on the listing changed since'),
});
const ListingPreviewSchema = z.object({
  id: z.string(), name: z.string(), active: z.boolean().describe('listed in the directory now'),
  withdraws: z.boolean().describe('the call would withdraw the listing (active: false on a listed service)'),
  patientsChoosing: z.number().int().describe('open referrals waiting to be booked with the service on their shortlist: they can no longer book it'),
  appointmentsBooked: z.number().int().describe('appointments with the service from now on: they are kept (cancel them through the slots)'),
  previewVersion: z.string(),
});
const CreateBody = z.strictObject({
  specialtyCode: z.string().trim().min(1).max(8).describe('treatment function code, e.g. "110"'),
  siteOdsCode: z.string().trim().min(1).max(20).describe('one of the provider\'s sites'),
  ...ListingFieldsBody,
});
const ListingParams = z.object({ id: z.string().max(100) });

const listingAnswer = (listing: Listing, history: Awaited<ReturnType<typeof listingHistory>>) => ({
  ...listing,
  withdrawnAt: listing.withdrawnAt?.toISOString() ?? null,
  history: history.map((h) => ({ ...h, at: h.at.toISOString() })),
});

export function directoryRoutes({ directory, postcodes, database }: { directory: DirectoryCache; postcodes: PostcodeDirectory; database: Database }) {
  const { db } = database;
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

    api.get(
      '/services/:id/listing',
      {
        config: providerAccess,
        schema: {
          tags: ['directory'],
          summary: "One of the caller's organisation's listings, withdrawn or not, with its history of changes",
          params: ListingParams,
          response: { 200: ListingSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (request) => {
        const listing = await listingOf(db, staffOf(request), request.params.id);
        return listingAnswer(listing, await listingHistory(db, listing.id));
      },
    );

    api.post(
      '/services/:id/preview',
      {
        config: providerAccess,
        schema: {
          tags: ['directory'],
          summary: 'Preview of PATCH /services/{id} with the same body: whether it withdraws the listing and how many patients rely on it, changing nothing; confirm with its previewVersion',
          params: ListingParams,
          body: EditBody,
          response: { 200: ListingPreviewSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema },
        },
      },
      async (request) => {
        const p = await previewListingWithdrawal(db, staffOf(request), request.params.id);
        return {
          id: p.id, name: p.name, active: p.active, withdraws: p.active && request.body.active === false,
          patientsChoosing: p.reliance.choosing, appointmentsBooked: p.reliance.booked, previewVersion: p.version,
        };
      },
    );

    api.patch(
      '/services/:id',
      {
        config: providerAccess,
        schema: {
          tags: ['directory'],
          summary: "Change a listing of the caller's organisation, withdraw it from the directory or list it again",
          params: ListingParams,
          body: EditBody,
          response: { 200: ListingSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 404: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema },
        },
      },
      async (request) => {
        const staff = staffOf(request);
        const { active, withdrawnReason, previewVersion, ...fields } = request.body;
        if (active === false && !withdrawnReason) {
          throw unprocessable('Say why the listing is withdrawn.', [{ field: 'withdrawnReason', message: 'is required when active is false' }]);
        }
        if (withdrawnReason !== undefined && active !== false) {
          throw unprocessable('A withdrawal reason goes with active: false.', [{ field: 'active', message: 'must be false when a withdrawnReason is given' }]);
        }
        let listing = await listingOf(db, staff, request.params.id);
        if (Object.keys(fields).length > 0) listing = await editListing(db, staff, listing.id, fields);
        if (active === false) listing = await withdrawListing(db, staff, listing.id, withdrawnReason!, previewVersion);
        if (active === true && !listing.active) listing = await relistListing(db, staff, listing.id);
        // This instance's shortlists and searches see the change at once; others within DIRECTORY_REFRESH_MS.
        await directory.refresh();
        return listingAnswer(listing, await listingHistory(db, listing.id));
      },
    );

    api.post(
      '/services',
      {
        config: providerAccess,
        schema: {
          tags: ['directory'],
          summary: "List a specialty at one of the caller's organisation's sites (awaits the ICB's accreditation before patients are offered it)",
          body: CreateBody,
          response: { 201: ListingSchema, 400: ProblemSchema, 401: ProblemSchema, 403: ProblemSchema, 409: ProblemSchema, 422: ProblemSchema },
        },
      },
      async (request, reply) => {
        const listing = await createListing(db, staffOf(request), request.body);
        await directory.refresh();
        reply.code(201).header('location', `/api/v1/services/${encodeURIComponent(listing.id)}/listing`);
        return listingAnswer(listing, await listingHistory(db, listing.id));
      },
    );
  };
}
