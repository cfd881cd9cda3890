// ServiceRequest: OpenChoice's referrals (README, "FHIR R4"). Wiring only: read, search and create, each over the
// JSON API's own services (./service-request-read.ts, ./service-request-search.ts, ./service-request-create.ts).
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { optionalIdempotencyOf } from '../http/idempotency.ts';
import { auditReads, READS } from '../http/read-audit.ts';
import { sendResource } from './bundle.ts';
import { FHIR_PREFIX } from './platform.ts';
import { createServiceRequest } from './service-request-create.ts';
import { readServiceRequest } from './service-request-read.ts';
import { searchQuery } from './search-parameters.ts';
import { parseSearch, SEARCH_PARAMS, SERVICE_REQUEST_SEARCH, searchBundle, searchServiceRequests } from './service-request-search.ts';

/** Who may read a referral: as GET /api/v1/referrals/{ubrn}. */
const READERS = ROLES('referrer', 'referral-centre', 'provider', 'patient');

export function serviceRequestRoutes(fhir: FastifyInstance, deps: Deps): void {
  const baseUrl = `${deps.config.publicUrl}${FHIR_PREFIX}`;

  fhir.get<{ Params: { ubrn: string } }>(
    '/ServiceRequest/:ubrn',
    {
      config: {
        access: READERS,
        audit: READS('referral'),
        fhir: { resource: 'ServiceRequest', interaction: 'read', documentation: 'A referral by its UBRN, to those who may read it in the JSON API (404 for anyone else)' },
      },
      schema: { hide: true },
    },
    async (request, reply) => {
      const { referral, resource } = await readServiceRequest(deps, request.principal!, request.params.ubrn);
      auditReads(request, [{ ubrn: referral.ubrn, nhsNumber: referral.patient.nhsNumber }]);
      return sendResource(reply, resource);
    },
  );

  fhir.get(
    '/ServiceRequest',
    {
      config: {
        access: READERS,
        audit: READS('referrals'),
        fhir: { resource: 'ServiceRequest', interaction: 'search-type', searchParams: SEARCH_PARAMS, documentation: 'The referrals you may read: by UBRN, NHS number, status, or a worklist as e-RS names it (_query)' },
      },
      schema: { hide: true },
    },
    async (request) => {
      const search = parseSearch(searchQuery(request, SERVICE_REQUEST_SEARCH));
      const page = await searchServiceRequests(deps, request.principal!, search);
      auditReads(request, page.referrals.map((r) => ({ ubrn: r.ubrn, nhsNumber: r.patient.nhsNumber })));
      return searchBundle(baseUrl, request, page, search);
    },
  );

  fhir.post(
    '/ServiceRequest',
    {
      config: {
        access: ROLES('referrer', 'referral-centre'),
        fhir: { resource: 'ServiceRequest', interaction: 'create', documentation: 'Refer a patient (the same validation as POST /api/v1/referrals; Idempotency-Key honoured). The 201 carries the patient\'s access code, once' },
      },
      schema: { hide: true },
    },
    async (request, reply) => {
      const staff = staffOf(request);
      const resource = await createServiceRequest(deps, staff, request.body, optionalIdempotencyOf(request, staff));
      reply.header('location', `${baseUrl}/ServiceRequest/${resource.id}`);
      return sendResource(reply, resource, 201);
    },
  );
}
