// What the directory's FHIR searches read beyond the common forms (./search-parameters.ts): treatment function
// codes, ODS codes as identifiers and references, and the shortlist's quantity limits, each refused with a 400
// naming the parameter when malformed. Values become the JSON API's own inputs (the shortlist request), so ranking
// and eligibility stay in src/shortlist/.
import type { Priority, ShortlistRequest, SortBy } from '../shortlist/types.ts';
import { TREATMENT_FUNCTION_SYSTEM } from './extensions.ts';
import { countParameter, oneSearchValue, type Query, referenceParameter, refuseParameter as refuse, tokenCode } from './search-parameters.ts';

const SPECIALTY_CODE = /^(C_)?\d{3}$/i;

/** `110`, `C_110`, `|110` or `<treatment function system>|110` → 110. */
export function specialtyCode(value: string, name = 'specialty'): string {
  const code = tokenCode(value, TREATMENT_FUNCTION_SYSTEM);
  if (code === null) refuse(name, `must be a treatment function code, in the system ${TREATMENT_FUNCTION_SYSTEM}`);
  if (!SPECIALTY_CODE.test(code!)) refuse(name, 'must be a treatment function code such as 110 (or system|110)');
  return code!.toUpperCase().replace(/^C_/, '');
}

const ODS_CODE = /^[A-Z0-9]{1,20}$/i;

/** A reference value naming a `type` by its ODS code (`X`, `Type/X` or a URL ending in `Type/X`) → X, upper case as ODS codes are. */
export function odsReference(value: string, type: string, name: string): string {
  const id = referenceParameter(value, type, name);
  if (!ODS_CODE.test(id)) refuse(name, `must name a ${type} by its ODS code`);
  return id.toUpperCase();
}

/** An identifier search value: `value` or `system|value`, where the system (if given) must be this one; null for another system. */
export function identifierValue(value: string, system: string, name = 'identifier'): string | null {
  const code = tokenCode(value, system);
  if (code === null) return null;
  if (!ODS_CODE.test(code)) refuse(name, `must be an ODS code, or ${system}|code`);
  return code.toUpperCase();
}

const UCUM = 'http://unitsofmeasure.org';

/**
 * An upper limit as a FHIR quantity: `30`, `le30`, `30||km`, `le30|http://unitsofmeasure.org|km`. Only `le` (or no
 * prefix) makes sense for a limit. Returns the value in the unit's multiple of `units`' first (default) unit.
 */
function limitQuantity(query: Query, name: string, units: Record<string, number>, what: string): number | undefined {
  const value = oneSearchValue(query, name);
  if (value === undefined) return undefined;
  const match = /^(le|eq)?(\d+(?:\.\d+)?)(?:\|([^|]*)\|([^|]+))?$/.exec(value.trim());
  if (!match) refuse(name, `must be ${what}, such as ${name}=le${Object.keys(units)[0] === 'km' ? '30' : '18'} or ${name}=le30|${UCUM}|${Object.keys(units)[0]}`);
  const [, , number, system, unit] = match!;
  if (system && system !== UCUM) refuse(name, `must be in UCUM units (${UCUM})`);
  const factor = unit === undefined ? 1 : units[unit];
  if (factor === undefined) refuse(name, `must be in ${Object.keys(units).join(' or ')}`);
  return Number(number) * factor!;
}

const SORTS: Record<string, SortBy> = { distance: 'DISTANCE', wait: 'WAIT', balanced: 'BALANCED' };

const PRIORITIES: Record<string, Priority> = {
  routine: 'ROUTINE',
  urgent: 'URGENT',
  'two-week-wait': 'TWO_WEEK_WAIT',
  // FHIR request priority's and e-RS's name for a two-week-wait (suspected cancer) referral.
  asap: 'TWO_WEEK_WAIT',
  two_week_wait: 'TWO_WEEK_WAIT',
};
const REQUEST_PRIORITY_SYSTEM = 'http://hl7.org/fhir/request-priority';

export const SHORTLIST_PARAMETERS = ['_query', 'specialty', 'postcode', 'priority', 'distance', 'wait', 'age', 'gender', '_sort', '_count'] as const;

/** The e-RS service-search criteria of `_query=shortlist` as the JSON shortlist's request (POST /api/v1/shortlists). */
export function shortlistRequest(query: Query): ShortlistRequest {
  const specialty = oneSearchValue(query, 'specialty');
  if (specialty === undefined || specialty.trim() === '') refuse('specialty', 'is required: the treatment function code to search, such as 110');
  if (specialty!.includes(',')) refuse('specialty', 'must be one treatment function code for a shortlist');
  const postcode = oneSearchValue(query, 'postcode')?.trim();
  if (!postcode) refuse('postcode', 'is required: where the patient travels from, such as LS1 4AP');
  if (postcode!.length > 16) refuse('postcode', 'is too long for a postcode');

  let priority: Priority = 'ROUTINE';
  const priorityValue = oneSearchValue(query, 'priority');
  if (priorityValue !== undefined) {
    const code = tokenCode(priorityValue, REQUEST_PRIORITY_SYSTEM)?.toLowerCase();
    if (code === undefined) refuse('priority', `must be a code of ${REQUEST_PRIORITY_SYSTEM} or routine, urgent, two-week-wait`);
    const found = Object.hasOwn(PRIORITIES, code!) ? PRIORITIES[code!] : undefined;
    if (!found) refuse('priority', 'must be routine, urgent or two-week-wait (asap, as FHIR request priority names it)');
    priority = found!;
  }

  const maxDistanceKm = limitQuantity(query, 'distance', { km: 1, m: 0.001, '[mi_i]': 1.609344, mi: 1.609344 }, 'a distance limit (km unless a unit is given)');
  if (maxDistanceKm !== undefined && (maxDistanceKm <= 0 || maxDistanceKm > 2000)) refuse('distance', 'must be more than 0 and at most 2000 km');
  const maxWaitWeeks = limitQuantity(query, 'wait', { wk: 1, d: 1 / 7 }, 'an indicative wait limit (weeks unless a unit is given)');
  if (maxWaitWeeks !== undefined && maxWaitWeeks > 520) refuse('wait', 'must be at most 520 weeks');

  let age: number | null = null;
  const ageValue = oneSearchValue(query, 'age');
  if (ageValue !== undefined) {
    if (!/^\d{1,3}$/.test(ageValue.trim()) || Number(ageValue) > 130) refuse('age', 'must be the patient\'s age in whole years, 0 to 130');
    age = Number(ageValue);
  }

  let sex: ShortlistRequest['sex'] = null;
  const gender = oneSearchValue(query, 'gender');
  if (gender !== undefined) {
    if (gender === 'female' || gender === 'male') sex = gender;
    else if (gender === 'other' || gender === 'unknown') {
      refuse('gender', 'can only be female or male here', 'The shortlist matches services that see only female or only male patients; for other or unknown, leave gender out.');
    } else refuse('gender', 'must be female or male (administrative gender)');
  }

  let sortBy: SortBy = 'WAIT';
  const sort = oneSearchValue(query, '_sort');
  if (sort !== undefined) {
    if (sort.startsWith('-')) refuse('_sort', 'cannot be descending: the shortlist puts the best first');
    const found = SORTS[sort];
    if (!found) refuse('_sort', 'must be distance, wait or balanced');
    sortBy = found!;
  }

  const limit = countParameter(query, { fallback: 5, min: 1, max: 20 });

  return {
    specialty: specialtyCode(specialty!),
    postcode: postcode!,
    sortBy,
    ...(maxDistanceKm === undefined ? {} : { maxDistanceKm }),
    maxWaitWeeks: maxWaitWeeks ?? null,
    priority,
    limit,
    age,
    sex,
  };
}
