// Searching referrals as ServiceRequests: by UBRN, by the patient's NHS number, by status, and the worklists as e-RS
// names them (REFERRALS_FOR_REVIEW, APPOINTMENT_SLOT_ISSUES, AWAITING_BOOKING: `_query=referrals-for-review` …).
// Every search runs through the JSON API's own worklist services, which decide who sees which referral and whose
// patient (least data before choice), and every referral found is read as GET /api/v1/referrals/{ubrn} reads it.
import type { FastifyRequest } from 'fastify';
import type { Bundle, ServiceRequest } from '@medplum/fhirtypes';
import type { Deps } from '../deps.ts';
import { londonDate } from '../domain/dates.ts';
import { AWAITING_BOOKING, type ReferralStatus } from '../domain/referral-status.ts';
import { isUbrn } from '../domain/ubrn.ts';
import type { Principal, StaffPrincipal } from '../http/principal.ts';
import { badRequest, forbidden } from '../http/problem.ts';
import { deferralsForProvider } from '../referrals/deferrals.ts';
import { getReferrals } from '../referrals/queries.ts';
import { countToReview, referralsToReview } from '../referrals/review-worklist.ts';
import type { Referral } from '../referrals/schemas.ts';
import { searchWorklist } from '../referrals/worklist.ts';
import { searchset } from './bundle.ts';
import { NHS_NUMBER_SYSTEM, UBRN_SYSTEM } from './extensions.ts';
import type { SearchParamDeclaration } from './interactions.ts';
import { countParameter, offsetParameter, oneSearchValue, type Query, RESULT_PARAMETERS, type SearchRules, tokenCode } from './search-parameters.ts';
import { REQUEST_STATUSES, type RequestStatus, serviceRequestOf, statesWithStatus } from './service-request.ts';
import { recordTimesOf } from './service-request-records.ts';

/** The worklists, by the names e-RS gives them (eRS-ReferralListSelector-1), written as FHIR names a query. */
export const NAMED_QUERIES = {
  'referrals-for-review': 'e-RS REFERRALS_FOR_REVIEW: referrals booked at or deferred to your services that you are to accept or reject (providers), most recently changed first',
  'appointment-slot-issues': 'e-RS APPOINTMENT_SLOT_ISSUES: referrals deferred to your services because no slot was free, with the patient to contact by a date (providers), most urgent first',
  'awaiting-booking': 'e-RS AWAITING_BOOKING: your referrals waiting for an appointment to be booked (referrers and referral centres), most recently changed first',
} as const;
export type NamedQuery = keyof typeof NAMED_QUERIES;

const PATIENT_PARAMS = ['patient.identifier', 'patient:identifier', 'subject.identifier', 'subject:identifier'];
/**
 * What the search reads, exactly as spelt: `patient` is declared but only its NHS-number forms are read, so
 * `patient=Patient/…` is not served. Referrals are patient data: anything else is refused by default.
 */
export const SERVICE_REQUEST_SEARCH: SearchRules = { served: ['identifier', '_id', ...PATIENT_PARAMS, 'status', '_query', '_count', '_offset'], data: 'patient' };
export const DEFAULT_COUNT = 50;
export const MAX_COUNT = 200;

export const SEARCH_PARAMS: readonly SearchParamDeclaration[] = [
  { name: 'identifier', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/clinical-identifier', documentation: `the UBRN: ${UBRN_SYSTEM}|{ubrn}; a Bundle holding the referral for those who may read it, empty for anyone else` },
  { name: '_id', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/Resource-id', documentation: 'the UBRN, as the resource id' },
  { name: 'patient', type: 'reference', definition: 'http://hl7.org/fhir/SearchParameter/clinical-patient', documentation: `by the patient's NHS number only, chained or with :identifier: patient.identifier=${NHS_NUMBER_SYSTEM}|{nhsNumber} (also patient:identifier, subject.identifier, subject:identifier). A provider the patient has not chosen finds nothing by it` },
  { name: 'status', type: 'token', definition: 'http://hl7.org/fhir/SearchParameter/ServiceRequest-status', documentation: 'active, on-hold, revoked or completed (several separated by commas); each stands for some e-RS states (README, "FHIR R4")' },
  { name: '_query', type: 'special', documentation: `a worklist, as e-RS names it: ${Object.entries(NAMED_QUERIES).map(([n, d]) => `${n} (${d})`).join('; ')}. Given alone (with _count and _offset)` },
  { name: '_count', type: 'number', documentation: `how many a page holds: ${DEFAULT_COUNT} unless given, at most ${MAX_COUNT}; 0 gives the total only` },
  { name: '_offset', type: 'number', documentation: 'how many to skip, for the next page (the Bundle\'s next link carries it)' },
];

export interface ServiceRequestSearch {
  /** the UBRN asked for; null: an identifier that no referral can have (another system, not 12 digits) */
  ubrn?: string | null;
  /** the patient's NHS number asked for; null as for ubrn */
  nhsNumber?: string | null;
  statuses?: ReferralStatus[];
  query?: NamedQuery;
  count: number;
  offset: number;
}

/** The search a query asks for, the query as searchQuery(request, SERVICE_REQUEST_SEARCH) leaves it. */
export function parseSearch(query: Query): ServiceRequestSearch {
  const search: ServiceRequestSearch = { count: countParameter(query, { fallback: DEFAULT_COUNT, min: 0, max: MAX_COUNT }), offset: offsetParameter(query) };
  const named = oneSearchValue(query, '_query');
  if (named !== undefined) {
    const name = named.toLowerCase().replaceAll('_', '-');
    if (!Object.hasOwn(NAMED_QUERIES, name)) throw badRequest(`_query must be one of ${Object.keys(NAMED_QUERIES).join(', ')}.`, [{ field: '_query', message: `must be one of ${Object.keys(NAMED_QUERIES).join(', ')}` }]);
    const others = Object.keys(query).filter((k) => k !== '_query' && !RESULT_PARAMETERS.has(k));
    if (others.length > 0) throw badRequest('A worklist (_query) is searched alone, with _count and _offset only.', others.map((field) => ({ field, message: 'cannot be given with _query' })));
    search.query = name as NamedQuery;
    return search;
  }
  const identifier = oneSearchValue(query, 'identifier');
  const id = oneSearchValue(query, '_id');
  const wanted = [...(identifier !== undefined ? [tokenCode(identifier, UBRN_SYSTEM)] : []), ...(id !== undefined ? [id] : [])];
  // Both given must name the same referral; anything that is not a UBRN names none.
  if (wanted.length > 0) search.ubrn = wanted.every((u) => u !== null && isUbrn(u) && u === wanted[0]) ? wanted[0]! : null;
  const patients = PATIENT_PARAMS.map((p) => oneSearchValue(query, p)).filter((v) => v !== undefined);
  if (patients.length > 1) throw badRequest('Give the patient\'s NHS number once.', [{ field: 'patient.identifier', message: 'is given more than once' }]);
  if (patients.length === 1) {
    // Without its system a bare value could be any identifier the patient has: the NHS number must be named as one.
    const value = patients[0]!;
    if (!value.includes('|')) throw badRequest(`Name the NHS number with its system: patient.identifier=${NHS_NUMBER_SYSTEM}|{nhsNumber}.`, [{ field: 'patient.identifier', message: `must be ${NHS_NUMBER_SYSTEM}|{nhsNumber}` }]);
    const nhs = tokenCode(value, NHS_NUMBER_SYSTEM);
    search.nhsNumber = nhs !== null && /^\d{10}$/.test(nhs) ? nhs : null;
  }
  const status = oneSearchValue(query, 'status');
  if (status !== undefined) {
    const codes = status.split(',').map((s) => s.trim());
    const bad = codes.filter((c) => !(REQUEST_STATUSES as readonly string[]).includes(c));
    if (bad.length > 0) throw badRequest(`status must be request statuses (active, on-hold, revoked, completed …), not ${bad.join(', ')}.`, [{ field: 'status', message: 'must be one or more of active, on-hold, revoked, completed, separated by commas' }]);
    // A status no referral takes (draft, entered-in-error, unknown) matches none.
    search.statuses = (codes as RequestStatus[]).flatMap(statesWithStatus);
  }
  return search;
}

const isProvider = (p: Principal): p is StaffPrincipal => p.kind === 'staff' && p.role === 'provider';

/** The UBRNs of one page of a worklist, and how many it holds in all. */
async function worklistPage(deps: Deps, principal: Principal, name: NamedQuery, offset: number, count: number): Promise<{ ubrns: string[]; total: number }> {
  const { db } = deps.database;
  switch (name) {
    case 'referrals-for-review':
    case 'appointment-slot-issues': {
      if (!isProvider(principal)) throw forbidden(`${name} is a provider's worklist.`);
      if (name === 'referrals-for-review') {
        const [items, total] = await Promise.all([referralsToReview(db, principal, offset + count), countToReview(db, principal)]);
        return { ubrns: items.slice(offset).map((i) => i.ubrn), total };
      }
      const items = await deferralsForProvider(db, principal.organisation.odsCode, londonDate());
      return { ubrns: items.slice(offset, offset + count).map((i) => i.ubrn), total: items.length };
    }
    case 'awaiting-booking': {
      if (principal.kind !== 'staff' || (principal.role !== 'referrer' && principal.role !== 'referral-centre')) throw forbidden('awaiting-booking is the worklist of referrers and referral centres.');
      const page = await searchWorklist(db, principal, { statuses: AWAITING_BOOKING, offset, limit: count });
      return { ubrns: page.items.map((i) => i.ubrn), total: page.total };
    }
  }
}

/** One page of the search, as the referrals' worklist finds them for this principal. */
async function searchPage(deps: Deps, principal: Principal, search: ServiceRequestSearch): Promise<{ ubrns: string[]; total: number }> {
  if (search.query) return worklistPage(deps, principal, search.query, search.offset, search.count);
  if (search.ubrn === null || search.nhsNumber === null) return { ubrns: [], total: 0 };
  // The worklist's search text finds a whole UBRN or NHS number (and, for a provider the patient has not chosen, the
  // UBRN only); what it found is then held to exactly what was asked.
  const q = search.ubrn ?? search.nhsNumber;
  const page = await searchWorklist(deps.database.db, principal, { q, statuses: search.statuses, offset: search.offset, limit: search.count });
  const exact = page.items.filter((i) => (search.ubrn === undefined || i.ubrn === search.ubrn) && (search.nhsNumber === undefined || i.patientNhsNumber === search.nhsNumber));
  return { ubrns: exact.map((i) => i.ubrn), total: exact.length === page.items.length ? page.total : exact.length };
}

/** The ServiceRequests of these referrals, each with its record's version. */
export async function serviceRequestsOf(deps: Deps, referrals: readonly Referral[]): Promise<ServiceRequest[]> {
  const times = await recordTimesOf(deps.database.db, referrals.map((r) => r.ubrn));
  return referrals.filter((r) => times.has(r.ubrn)).map((r) => serviceRequestOf(r, times.get(r.ubrn)!));
}

export interface ServiceRequestPage {
  referrals: Referral[];
  resources: ServiceRequest[];
  total: number;
}

export async function searchServiceRequests(deps: Deps, principal: Principal, search: ServiceRequestSearch): Promise<ServiceRequestPage> {
  const { ubrns, total } = await searchPage(deps, principal, search);
  // As the JSON API reads each to this principal, in one query per part for the page; any that changed hands
  // since the page was found is left out.
  const referrals = await getReferrals(deps, principal, ubrns, { reported: true });
  return { referrals, resources: await serviceRequestsOf(deps, referrals), total };
}

/** The page as a searchset Bundle, with a next link while more remain. */
export function searchBundle(baseUrl: string, request: FastifyRequest, page: ServiceRequestPage, search: ServiceRequestSearch): Bundle {
  const bundle = searchset(baseUrl, request, page.resources, { total: page.total });
  const next = search.offset + search.count;
  if (search.count > 0 && next < page.total) {
    const params = new URLSearchParams(request.url.includes('?') ? request.url.slice(request.url.indexOf('?') + 1) : '');
    params.set('_offset', String(next));
    params.set('_count', String(search.count));
    bundle.link = [...(bundle.link ?? []), { relation: 'next', url: `${baseUrl}/ServiceRequest?${params.toString()}` }];
  }
  return bundle;
}
