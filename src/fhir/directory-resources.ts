// OpenChoice's directory as UK Core shapes it: a listed service as HealthcareService, a site as Location, a
// provider as Organization, and a shortlist option as a HealthcareService carrying why it is where it is.
// The mapping table is in README ("FHIR R4"); ids follow the shared conventions (service id, ODS site code, ODS
// organisation code).
import type { Extension, HealthcareService, Location, Organization, OperationOutcome, Quantity } from '@medplum/fhirtypes';
import { type ServiceRow, toServiceView } from '../directory/queries.ts';
import type { ServiceView } from '../directory/types.ts';
import type { ShortlistAnswer, ShortlistOption } from '../shortlist/types.ts';
import type { OrganisationRow, SiteRow } from './directory-queries.ts';
import { codeSystemUrl, extensionUrl, ODS_ORGANISATION_SYSTEM, ODS_SITE_SYSTEM, OPENCHOICE_FHIR_BASE, TREATMENT_FUNCTION_SYSTEM } from './extensions.ts';

export const SERVICE_ID_SYSTEM = `${OPENCHOICE_FHIR_BASE}/Id/service`;
export const SERVICE_TYPE_SYSTEM = codeSystemUrl('service-type');
export const ORGANISATION_KIND_SYSTEM = codeSystemUrl('organisation-kind');
const UCUM = 'http://unitsofmeasure.org';

export const DIRECTORY_EXTENSIONS = {
  indicativeWait: extensionUrl('indicative-wait'),
  directlyBookable: extensionUrl('directly-bookable'),
  eligibility: extensionUrl('service-eligibility'),
  shortlistOption: extensionUrl('shortlist-option'),
  siteSector: extensionUrl('site-sector'),
} as const;

const SERVICE_TYPES: Record<string, string> = {
  FIRST_OUTPATIENT: 'First outpatient appointment',
  ASSESSMENT: 'Referral assessment service',
  DIAGNOSTIC: 'Diagnostic service',
  ADVICE_AND_GUIDANCE: 'Advice and guidance',
};

const weeks = (value: number): Quantity => ({ value, unit: 'weeks', system: UCUM, code: 'wk' });
const km = (value: number): Quantity => ({ value, unit: 'km', system: UCUM, code: 'km' });
const miles = (value: number): Quantity => ({ value, unit: 'miles', system: UCUM, code: '[mi_i]' });

/** Who the service sees, where it says: the shortlist's own eligibility fields (min_age, max_age, sex). */
export interface ServiceEligibility { minAge: number | null; maxAge: number | null; sex: 'any' | 'female' | 'male'; waitBasis: string | null }

export const eligibilityOf = (row: ServiceRow): ServiceEligibility => ({ minAge: row.min_age, maxAge: row.max_age, sex: row.sex, waitBasis: row.indicative_wait_basis });

function indicativeWait(wait: ServiceView['indicativeWait'], basis: string | null): Extension[] {
  if (!wait) return [];
  return [{
    url: DIRECTORY_EXTENSIONS.indicativeWait,
    extension: [
      { url: 'wait', valueQuantity: weeks(wait.weeks) },
      { url: 'asOf', valueDate: wait.asOf },
      ...(basis ? [{ url: 'basis', valueString: basis }] : []),
    ],
  }];
}

function eligibility(e: ServiceEligibility | undefined): Extension[] {
  if (!e || (e.minAge === null && e.maxAge === null && e.sex === 'any')) return [];
  const parts: Extension[] = [];
  if (e.minAge !== null || e.maxAge !== null) {
    parts.push({
      url: 'age',
      valueRange: {
        ...(e.minAge !== null ? { low: { value: e.minAge, unit: 'years', system: UCUM, code: 'a' } } : {}),
        ...(e.maxAge !== null ? { high: { value: e.maxAge, unit: 'years', system: UCUM, code: 'a' } } : {}),
      },
    });
  }
  if (e.sex !== 'any') parts.push({ url: 'sex', valueCode: e.sex });
  return [{ url: DIRECTORY_EXTENSIONS.eligibility, extension: parts }];
}

function eligibilityText(e: ServiceEligibility | undefined): string | null {
  if (!e) return null;
  const words: string[] = [];
  if (e.minAge !== null && e.maxAge !== null) words.push(`ages ${e.minAge} to ${e.maxAge}`);
  else if (e.minAge !== null) words.push(`ages ${e.minAge} and over`);
  else if (e.maxAge !== null) words.push(`ages up to ${e.maxAge}`);
  if (e.sex !== 'any') words.push(`${e.sex} patients only`);
  return words.length === 0 ? null : `Sees ${words.join(', ')}`;
}

/**
 * A listed service. `eligibility` is given where the directory row is at hand (the JSON service view leaves it
 * out); the service is always `active`, since only listed services are served (as GET /api/v1/services/{id}).
 */
export function healthcareService(view: ServiceView, more: { eligibility?: ServiceEligibility | undefined; phone?: string | undefined; extensions?: Extension[] } = {}): HealthcareService {
  const extra = more.eligibility;
  const extension = [
    ...indicativeWait(view.indicativeWait, extra?.waitBasis ?? null),
    { url: DIRECTORY_EXTENSIONS.directlyBookable, valueBoolean: view.directlyBookable },
    ...eligibility(extra),
    ...(more.extensions ?? []),
  ];
  const comment = eligibilityText(extra);
  return {
    resourceType: 'HealthcareService',
    id: view.id,
    extension,
    identifier: [{ system: SERVICE_ID_SYSTEM, value: view.id }],
    active: true,
    providedBy: { reference: `Organization/${view.provider.odsCode}`, display: view.provider.name },
    type: [{ coding: [{ system: SERVICE_TYPE_SYSTEM, code: view.serviceType, display: SERVICE_TYPES[view.serviceType] ?? view.serviceType }] }],
    specialty: [{ coding: [{ system: TREATMENT_FUNCTION_SYSTEM, code: view.specialty.code, display: view.specialty.name }] }],
    location: [{ reference: `Location/${view.site.odsCode}`, display: view.site.name }],
    name: view.name,
    ...phone(more.phone ?? null),
    ...(comment ? { eligibility: [{ comment }] } : {}),
    // NHS-funded elective care, referred electronically, seen by appointment.
    serviceProvisionCode: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/service-provision-conditions', code: 'free', display: 'Free' }] }],
    referralMethod: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/service-referral-method', code: 'elec', display: 'Secure Messaging' }] }],
    appointmentRequired: true,
  };
}

export const healthcareServiceOfRow = (row: ServiceRow, phone?: string): HealthcareService => healthcareService(toServiceView(row), { eligibility: eligibilityOf(row), phone });

/** Where the option stands and why: rank, distance, wait, reasons, earliest slot and travel cost, as the JSON shortlist. */
export function shortlistOptionExtension(option: ShortlistOption): Extension {
  return {
    url: DIRECTORY_EXTENSIONS.shortlistOption,
    extension: [
      { url: 'rank', valuePositiveInt: option.rank },
      { url: 'distance', valueQuantity: km(option.distanceKm) },
      { url: 'distanceMiles', valueQuantity: miles(option.distanceMiles) },
      ...(option.indicativeWaitWeeks === null ? [] : [{ url: 'wait', valueQuantity: weeks(option.indicativeWaitWeeks) }]),
      ...option.reasons.map((reason) => ({ url: 'reason', valueString: reason })),
      ...(option.earliestSlot ? [{ url: 'earliestSlot', valueDateTime: option.earliestSlot }] : []),
      { url: 'travelCost', valueMoney: { value: option.travel.estimatedCostGbp, currency: 'GBP' } },
      { url: 'travelCostBasis', valueString: option.travel.basis },
    ],
  };
}

/** A searchset's score for a rank: 1 for the first, falling with rank, so sorting by score gives the shortlist's order. */
export const scoreOfRank = (rank: number) => Math.round((1 / rank) * 1e6) / 1e6;

/** What the shortlist says about itself (origin, limits, shortfall), as the searchset's informational outcome. */
export function shortlistOutcome(answer: ShortlistAnswer): OperationOutcome {
  const { origin } = answer;
  const precision = origin.precision === 'postcode' ? 'the postcode' : origin.precision === 'sector' ? 'the postcode sector' : 'the postcode district';
  const limit = answer.maxDistanceKm === null ? 'at any distance' : `within ${answer.maxDistanceKm} km`;
  const issue: OperationOutcome['issue'] = [{
    severity: 'information',
    code: 'informational',
    diagnostics: `${answer.eligibleCount} ${answer.specialty.name} services ${limit} of ${origin.postcode} (measured from the centre of ${precision}), ordered by ${answer.sortBy.toLowerCase()}.`,
  }];
  if (answer.shortfall) issue.push({ severity: 'information', code: 'informational', diagnostics: `${answer.shortfall.reason} ${answer.shortfall.suggestion}` });
  return { resourceType: 'OperationOutcome', issue };
}

function address(text: string | null, postcode: string | null) {
  if (!text && !postcode) return undefined;
  const line = (text ?? '').split(',').map((l) => l.trim()).filter((l) => l.length > 0 && l !== postcode);
  return { use: 'work' as const, ...(text ? { text } : {}), ...(line.length > 0 ? { line } : {}), ...(postcode ? { postalCode: postcode } : {}) };
}

const phone = (value: string | null) => (value ? { telecom: [{ system: 'phone' as const, value, use: 'work' as const }] } : {});

export function location(site: SiteRow): Location {
  const where = address(site.address, site.postcode);
  return {
    resourceType: 'Location',
    id: site.ods_code,
    extension: [{ url: DIRECTORY_EXTENSIONS.siteSector, valueCode: site.sector === 'NHS' ? 'nhs' : 'independent' }],
    identifier: [{ system: ODS_SITE_SYSTEM, value: site.ods_code }],
    status: 'active',
    name: site.name,
    mode: 'instance',
    ...phone(site.phone),
    ...(where ? { address: where } : {}),
    physicalType: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/location-physical-type', code: 'si', display: 'Site' }] },
    position: { latitude: site.latitude, longitude: site.longitude },
    managingOrganization: { reference: `Organization/${site.provider_ods_code}` },
  };
}

const KINDS: Record<OrganisationRow['kind'], { display: string; hl7: 'prov' | 'pay' }> = {
  NHS_TRUST: { display: 'NHS trust', hl7: 'prov' },
  INDEPENDENT_PROVIDER: { display: 'Independent sector provider', hl7: 'prov' },
  GP_PRACTICE: { display: 'GP practice', hl7: 'prov' },
  REFERRAL_CENTRE: { display: 'Referral centre', hl7: 'prov' },
  // ICBs commission (pay for) care.
  ICB: { display: 'Integrated care board', hl7: 'pay' },
};

/** Active while ODS lists it open: the active flag, and no close date passed. */
export function organisation(org: OrganisationRow, today = new Date().toISOString().slice(0, 10)): Organization {
  const kind = KINDS[org.kind];
  const where = address(null, org.postcode);
  return {
    resourceType: 'Organization',
    id: org.ods_code,
    identifier: [{ use: 'official', system: ODS_ORGANISATION_SYSTEM, value: org.ods_code }],
    active: org.active && (org.close_date === null || org.close_date > today),
    type: [{
      coding: [
        { system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: kind.hl7, display: kind.hl7 === 'prov' ? 'Healthcare Provider' : 'Payer' },
        { system: ORGANISATION_KIND_SYSTEM, code: org.kind, display: kind.display },
      ],
    }],
    name: org.name,
    ...phone(org.phone),
    ...(where ? { address: [where] } : {}),
  };
}
