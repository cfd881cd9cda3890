// The directory over FHIR (issue 13): HealthcareService read and search, the shortlist as a named search
// (_query=shortlist, ranked by src/shortlist/service.ts buildShortlist and never here), and the sites and providers
// the services point at as Location and Organization. The directory is public, as in the JSON API.
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Bundle, HealthcareService, Resource } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import type { Deps } from '../deps.ts';
import type { ServiceCandidate, ServiceRow } from '../directory/queries.ts';
import type { DirectorySnapshot } from '../directory/snapshot.ts';
import { PUBLIC } from '../http/access.ts';
import { badRequest, notFound } from '../http/problem.ts';
import { buildShortlist } from '../shortlist/service.ts';
import type { SearchParamDeclaration } from './interactions.ts';
import { searchset, sendResource } from './bundle.ts';
import { servicePhones } from '../directory/service-phone.ts';
import { findOrganisations, findSites } from './directory-queries.ts';
import { eligibilityOf, healthcareService, healthcareServiceOfRow, location, organisation, scoreOfRank, shortlistOptionExtension, shortlistOutcome } from './directory-resources.ts';
import { identifierValue, odsReference, SHORTLIST_PARAMETERS, shortlistRequest, specialtyCode } from './directory-search.ts';
import { ODS_ORGANISATION_SYSTEM, ODS_SITE_SYSTEM, TREATMENT_FUNCTION_SYSTEM } from './extensions.ts';
import { anyOf, booleanParameter, oneSearchValue, type Query, refuseParameters, type SearchRules, searchQuery } from './search-parameters.ts';

const access = PUBLIC('the directory of services, their sites and providers is public information, as in the JSON API');
const spec = (name: string) => `http://hl7.org/fhir/SearchParameter/${name}`;
const ID_PARAM: SearchParamDeclaration = { name: '_id', type: 'token', definition: spec('Resource-id'), documentation: 'the logical id; a comma-separated list matches any' };

const HEALTHCARE_SERVICE_PARAMS: SearchParamDeclaration[] = [
  ID_PARAM,
  { name: 'specialty', type: 'token', definition: spec('HealthcareService-specialty'), documentation: `treatment function code, as 110 or ${TREATMENT_FUNCTION_SYSTEM}|110 (a list matches any; exactly one with _query=shortlist)` },
  { name: 'organization', type: 'reference', definition: spec('HealthcareService-organization'), documentation: 'the provider, by ODS organisation code: RR8 or Organization/RR8' },
  { name: 'location', type: 'reference', definition: spec('HealthcareService-location'), documentation: 'the site, by ODS site code: RR813 or Location/RR813' },
  { name: 'active', type: 'token', definition: spec('HealthcareService-active'), documentation: 'true or false: only listed (active, accredited) services are served, so false matches none' },
  { name: '_query', type: 'token', documentation: 'shortlist: the ranked, explained shortlist of POST /api/v1/shortlists, taking specialty, postcode, priority, distance, wait, age, gender, _sort and _count' },
  { name: 'postcode', type: 'string', documentation: '_query=shortlist: where the patient travels from (a full postcode, a sector or a district); required' },
  { name: 'priority', type: 'token', documentation: '_query=shortlist: routine, urgent or two-week-wait (asap, as FHIR request priority names it); default routine' },
  { name: 'distance', type: 'quantity', documentation: '_query=shortlist: the distance limit, le30 (km), le20|http://unitsofmeasure.org|[mi_i]; default 80 km' },
  { name: 'wait', type: 'quantity', documentation: '_query=shortlist: the indicative wait limit, le18 (weeks) or le90|http://unitsofmeasure.org|d' },
  { name: 'age', type: 'number', documentation: '_query=shortlist: the patient\'s age in whole years, for services that see some ages only' },
  { name: 'gender', type: 'token', documentation: '_query=shortlist: female or male, for services that see one sex only (other and unknown are refused: leave it out)' },
  { name: '_sort', type: 'special', documentation: '_query=shortlist: wait (default), distance or balanced (OpenChoice\'s balance of wait and travel); entry.search.score follows the rank' },
  { name: '_count', type: 'number', documentation: '_query=shortlist: how many options, 1 to 20; default 5 (Bundle.total counts every eligible service)' },
];
const PLAIN_PARAMETERS = ['_id', 'specialty', 'organization', 'location', 'active'];
const LOCATION_PARAMS: SearchParamDeclaration[] = [
  ID_PARAM,
  { name: 'identifier', type: 'token', definition: spec('Location-identifier'), documentation: `ODS site code, as RR813 or ${ODS_SITE_SYSTEM}|RR813` },
  { name: 'organization', type: 'reference', definition: spec('Location-organization'), documentation: 'the managing provider, by ODS organisation code: RR8 or Organization/RR8' },
];
const ORGANIZATION_PARAMS: SearchParamDeclaration[] = [
  ID_PARAM,
  { name: 'identifier', type: 'token', definition: spec('Organization-identifier'), documentation: `ODS organisation code, as RR8 or ${ODS_ORGANISATION_SYSTEM}|RR8` },
];

/** The directory is public: a parameter a search does not take is ignored unless the client prefers strict handling. */
const rulesOf = (params: readonly SearchParamDeclaration[]): SearchRules => ({ served: params.map((p) => p.name), data: 'public' });
const HEALTHCARE_SERVICE_SEARCH = rulesOf(HEALTHCARE_SERVICE_PARAMS);
const LOCATION_SEARCH = rulesOf(LOCATION_PARAMS);
const ORGANIZATION_SEARCH = rulesOf(ORGANIZATION_PARAMS);
const needOneOf = (query: Query, names: readonly string[], what: string) => {
  if (!names.some((n) => query[n] !== undefined)) {
    throw badRequest(`Search ${what} by ${names.join(', ')}: a search of everything is not served.`, [{ field: names[0]!, message: `give one of ${names.join(', ')}` }]);
  }
};
/** A criterion left out does not narrow; one given keeps what matches any of its values. */
const keep = <T>(values: readonly T[] | undefined, test: (v: T) => boolean) => values === undefined || values.some(test);

export function registerDirectory(fhir: FastifyInstance, deps: Deps, baseUrl: string): void {
  const { db } = deps.database;

  fhir.get<{ Params: { id: string } }>(
    '/HealthcareService/:id',
    { config: { access, fhir: { resource: 'HealthcareService', interaction: 'read', documentation: 'a listed service: the same as GET /api/v1/services/{id}' } }, schema: { hide: true } },
    async (request, reply) => {
      const service = (await deps.directory.current()).byId.get(request.params.id);
      if (!service) throw notFound(`There is no listed service with id "${request.params.id.slice(0, 100)}".`);
      const phones = await servicePhones(db, [service.id]);
      return sendResource(reply, healthcareServiceOfRow(service.row, phones.get(service.id)));
    },
  );

  fhir.get(
    '/HealthcareService',
    {
      config: { access, fhir: { resource: 'HealthcareService', interaction: 'search-type', searchParams: HEALTHCARE_SERVICE_PARAMS, documentation: 'listed services by specialty, provider or site; or the shortlist for a patient (_query=shortlist)' } },
      schema: { hide: true },
    },
    async (request) => {
      const query = searchQuery(request, HEALTHCARE_SERVICE_SEARCH);
      const named = oneSearchValue(query, '_query');
      if (named !== undefined) {
        if (named !== 'shortlist') throw badRequest(`There is no named search "${named.slice(0, 40)}": _query=shortlist is served.`, [{ field: '_query', message: 'must be shortlist' }]);
        refuseParameters(query, PLAIN_PARAMETERS.filter((p) => p !== 'specialty'), 'is not a shortlist criterion (see GET /fhir/R4/metadata)');
        return shortlistSearch(deps, baseUrl, request, query);
      }
      refuseParameters(query, SHORTLIST_PARAMETERS.filter((p) => p !== 'specialty' && p !== '_count' && p !== '_query'), 'belongs to the shortlist: search with _query=shortlist');
      needOneOf(query, ['specialty', 'organization', 'location', '_id'], 'services');
      const criteria = {
        ids: anyOf(query, '_id'),
        specialties: anyOf(query, 'specialty')?.map((s) => specialtyCode(s)),
        providers: anyOf(query, 'organization')?.map((v) => odsReference(v, 'Organization', 'organization')),
        sites: anyOf(query, 'location')?.map((v) => odsReference(v, 'Location', 'location')),
        active: booleanParameter(query, 'active'),
      };
      const found = matchingServices(await deps.directory.current(), criteria);
      const phones = await servicePhones(db, found.map((r) => r.id));
      return searchset(baseUrl, request, found.map((r) => healthcareServiceOfRow(r, phones.get(r.id))));
    },
  );

  fhir.get<{ Params: { id: string } }>(
    '/Location/:id',
    { config: { access, fhir: { resource: 'Location', interaction: 'read', documentation: 'a site, by its ODS site code' } }, schema: { hide: true } },
    async (request, reply) => {
      const [site] = await findSites(db, { codes: [request.params.id.slice(0, 20)] });
      if (!site) throw notFound(`There is no site with ODS site code "${request.params.id.slice(0, 100)}".`);
      return sendResource(reply, location(site));
    },
  );

  fhir.get(
    '/Location',
    { config: { access, fhir: { resource: 'Location', interaction: 'search-type', searchParams: LOCATION_PARAMS, documentation: 'sites by ODS site code or by provider' } }, schema: { hide: true } },
    async (request) => {
      const query = searchQuery(request, LOCATION_SEARCH);
      needOneOf(query, ['identifier', 'organization', '_id'], 'sites');
      const ids = anyOf(query, '_id');
      const identifiers = anyOf(query, 'identifier')?.flatMap((v) => identifierValue(v, ODS_SITE_SYSTEM) ?? []);
      const providers = anyOf(query, 'organization')?.map((v) => odsReference(v, 'Organization', 'organization'));
      const codes = ids && identifiers ? ids.filter((id) => identifiers.includes(id)) : (ids ?? identifiers);
      const sites = await findSites(db, { ...(codes ? { codes } : {}), ...(providers ? { providers } : {}) });
      return searchset(baseUrl, request, sites.map(location));
    },
  );

  fhir.get<{ Params: { id: string } }>(
    '/Organization/:id',
    { config: { access, fhir: { resource: 'Organization', interaction: 'read', documentation: 'a provider (or another organisation ODS lists), by its ODS organisation code' } }, schema: { hide: true } },
    async (request, reply) => {
      const [org] = await findOrganisations(db, [request.params.id.slice(0, 20)]);
      if (!org) throw notFound(`There is no organisation with ODS code "${request.params.id.slice(0, 100)}".`);
      return sendResource(reply, organisation(org));
    },
  );

  fhir.get(
    '/Organization',
    { config: { access, fhir: { resource: 'Organization', interaction: 'search-type', searchParams: ORGANIZATION_PARAMS, documentation: 'organisations by ODS organisation code' } }, schema: { hide: true } },
    async (request) => {
      const query = searchQuery(request, ORGANIZATION_SEARCH);
      needOneOf(query, ['identifier', '_id'], 'organisations');
      const ids = anyOf(query, '_id');
      const identifiers = anyOf(query, 'identifier')?.flatMap((v) => identifierValue(v, ODS_ORGANISATION_SYSTEM) ?? []);
      const codes = ids && identifiers ? ids.filter((id) => identifiers.includes(id)) : (ids ?? identifiers ?? []);
      return searchset(baseUrl, request, (await findOrganisations(db, codes)).map((o) => organisation(o)));
    },
  );
}

/**
 * The listed services matching every criterion given (FHIR ANDs parameters, and ORs a comma list), by name as
 * GET /api/v1/services lists them. Only listed services are in the directory, so active=false matches none.
 */
function matchingServices(
  snapshot: DirectorySnapshot,
  { ids, specialties, providers, sites, active }: { ids?: string[] | undefined; specialties?: string[] | undefined; providers?: string[] | undefined; sites?: string[] | undefined; active?: boolean | undefined },
): ServiceRow[] {
  if (active === false) return [];
  let candidates: readonly ServiceCandidate[];
  if (ids) candidates = [...new Set(ids)].flatMap((id) => snapshot.byId.get(id) ?? []);
  else if (specialties) candidates = [...new Set(specialties)].flatMap((code) => snapshot.ofSpecialty(code).candidates);
  else candidates = [...snapshot.byId.values()];
  return candidates
    .map((c) => c.row)
    .filter((r) => keep(specialties, (s) => s === r.specialty_code) && keep(providers, (p) => p === r.provider_ods_code) && keep(sites, (s) => s === r.site_ods_code))
    .sort((a, b) => a.name.localeCompare(b.name) || a.id.localeCompare(b.id));
}

/**
 * The shortlist as buildShortlist ranks it: each option a HealthcareService carrying its rank, distance, wait
 * and reasons, entry.search.score falling with rank; Bundle.total counts every eligible service; what the
 * shortlist says of itself (origin, shortfall) is the searchset's informational OperationOutcome.
 */
async function shortlistSearch(deps: Deps, baseUrl: string, request: FastifyRequest, query: Query): Promise<Bundle> {
  const answer = await buildShortlist(deps, shortlistRequest(query));
  const [snapshot, phones] = await Promise.all([deps.directory.current(), servicePhones(deps.database.db, answer.options.map((o) => o.service.id))]);
  const resources: HealthcareService[] = answer.options.map((option) => {
    const row = snapshot.byId.get(option.service.id)?.row;
    return healthcareService(option.service, { eligibility: row ? eligibilityOf(row) : undefined, phone: phones.get(option.service.id), extensions: [shortlistOptionExtension(option)] });
  });
  const bundle = searchset<Resource>(baseUrl, request, resources, { total: answer.eligibleCount });
  const entries = bundle.entry ?? [];
  answer.options.forEach((option, i) => {
    entries[i]!.search = { mode: 'match', score: scoreOfRank(option.rank) };
  });
  entries.push({ fullUrl: `urn:uuid:${randomUUID()}`, resource: shortlistOutcome(answer), search: { mode: 'outcome' } });
  return { ...bundle, entry: entries };
}
