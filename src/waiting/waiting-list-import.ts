// Pathways from a provider's existing waiting list (a patient tracking list export), so that patients referred
// before OpenChoice have RTT clocks too and can ask for a faster alternative or to move (PIDMAS).
//
// CSV with a header. Required: nhs_number, provider (ODS code), specialty (TFC, 'C_110' accepted), clock_start
// (YYYY-MM-DD). Optional: next_appointment_date, date_of_birth, postcode, given_name, family_name, registered_gp
// (ODS code of the GP practice), priority (ROUTINE, URGENT, TWO_WEEK_WAIT), service_id (else the provider's first
// listed service of the specialty), tertiary (yes/no). Date of birth and postcode are needed for the patient to sign
// in and for distances; rows without them are imported and say so.
//
// All or nothing: every row is checked first and any error is reported by line, with nothing imported. Rows
// already imported (same NHS number, provider, specialty and clock start) are skipped, so a file can be loaded again.
import { insertReferral } from '../referrals/history.ts';
import { hashAccessCode } from '../auth/access-codes.ts';
import type { Database } from '../db/database.ts';
import { isCalendarDate, londonDate } from '../domain/dates.ts';
import { isValidNhsNumber } from '../domain/nhs-number.ts';
import { normalisePostcode } from '../domain/postcode.ts';
import { generateAccessCode, generateUbrn } from '../domain/ubrn.ts';
import { Columns, parseCsvLine } from '../importers/csv.ts';
import { servicesWithDetails, toCandidate } from '../directory/queries.ts';
import { optionAt } from '../shortlist/service.ts';
import type { ShortlistOption } from '../shortlist/types.ts';

export interface WaitingListReport {
  rows: number;
  imported: number;
  skipped: number;
  errors: { line: number; message: string }[];
  warnings: { line: number; message: string }[];
}

interface Row {
  line: number;
  nhsNumber: string;
  provider: string;
  specialty: string;
  clockStart: string;
  nextDate: string | null;
  dateOfBirth: string;
  postcode: string;
  givenName: string;
  familyName: string;
  gp: string | null;
  priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';
  serviceId: string;
  tertiary: boolean;
}

const PRIORITIES = ['ROUTINE', 'URGENT', 'TWO_WEEK_WAIT'] as const;

/**
 * Imports the rows of `csv` for `onlyProvider` (a provider may load only its own list; null for an operator).
 * `accountId` is recorded as who created the pathways.
 */
export async function importWaitingList(
  database: Database,
  csv: string,
  options: { accountId: number; onlyProvider: string | null; accessCodeSecret: string; travelCostPencePerMile: number },
): Promise<WaitingListReport> {
  const lines = csv.replace(/^\uFEFF/, '').split(/\r?\n/);
  const report: WaitingListReport = { rows: 0, imported: 0, skipped: 0, errors: [], warnings: [] };
  if (!lines[0]?.trim()) return { ...report, errors: [{ line: 1, message: 'the file is empty: it needs a header line and one line per patient' }] };
  const columns = new Columns(parseCsvLine(lines[0]));
  const col = (...names: string[]) => columns.find(...names);
  const required = { nhs: col('nhs_number', 'nhs number'), provider: col('provider', 'provider_ods_code'), specialty: col('specialty', 'treatment_function_code', 'tfc'), start: col('clock_start', 'rtt_clock_start') };
  const missing = Object.entries(required).filter(([, i]) => i === undefined).map(([k]) => ({ nhs: 'nhs_number', provider: 'provider', specialty: 'specialty', start: 'clock_start' })[k]);
  if (missing.length > 0) return { ...report, errors: [{ line: 1, message: `no column named ${missing.join(', ')}` }] };
  const optional = {
    next: col('next_appointment_date'), dob: col('date_of_birth'), postcode: col('postcode'), given: col('given_name'), family: col('family_name'),
    gp: col('registered_gp', 'gp_practice'), priority: col('priority'), service: col('service_id'), tertiary: col('tertiary'),
  };
  const today = londonDate();

  const [specialties, services, organisations] = await Promise.all([
    database.db.selectFrom('specialty').select('code').execute(),
    database.db.selectFrom('service').select(['id', 'provider_ods_code', 'specialty_code']).where('active', '=', true).where('accreditation_status', '=', 'ACCREDITED').orderBy('id').execute(),
    database.db.selectFrom('organisation').select(['ods_code', 'kind']).execute(),
  ]);
  const knownSpecialties = new Set(specialties.map((s) => s.code));
  const orgKind = new Map(organisations.map((o) => [o.ods_code, o.kind]));
  const serviceById = new Map(services.map((s) => [s.id, s]));
  const firstService = new Map<string, string>();
  for (const s of services) if (!firstService.has(`${s.provider_ods_code}|${s.specialty_code}`)) firstService.set(`${s.provider_ods_code}|${s.specialty_code}`, s.id);

  const rows: Row[] = [];
  for (let i = 1; i < lines.length; i++) {
    const text = lines[i]!;
    if (!text.trim()) continue;
    const line = i + 1;
    report.rows++;
    const f = parseCsvLine(text);
    const get = (index: number | undefined) => (index === undefined ? '' : (f[index] ?? '').trim());
    const problems: string[] = [];
    const nhsNumber = get(required.nhs).replace(/\s/g, '');
    if (!isValidNhsNumber(nhsNumber)) problems.push(`"${nhsNumber.slice(0, 12)}" is not a valid NHS number`);
    const provider = get(required.provider).toUpperCase();
    if (!orgKind.has(provider) || !['NHS_TRUST', 'INDEPENDENT_PROVIDER'].includes(orgKind.get(provider)!)) problems.push(`"${provider.slice(0, 10)}" is not a provider in the directory`);
    else if (options.onlyProvider && provider !== options.onlyProvider) problems.push(`the provider is ${provider}, but you can load only your own organisation's (${options.onlyProvider}) list`);
    const specialty = get(required.specialty).replace(/^C_/i, '');
    if (!knownSpecialties.has(specialty)) problems.push(`"${specialty.slice(0, 10)}" is not a treatment function code`);
    const clockStart = get(required.start);
    if (!isCalendarDate(clockStart)) problems.push(`clock_start "${clockStart.slice(0, 12)}" is not a date like 2026-01-31`);
    else if (clockStart > today) problems.push('clock_start is in the future');
    const nextDate = get(optional.next) || null;
    if (nextDate && !isCalendarDate(nextDate)) problems.push(`next_appointment_date "${nextDate.slice(0, 12)}" is not a date like 2026-01-31`);
    const dateOfBirth = get(optional.dob);
    if (dateOfBirth && (!isCalendarDate(dateOfBirth) || dateOfBirth > today)) problems.push(`date_of_birth "${dateOfBirth.slice(0, 12)}" is not a past date like 1970-01-31`);
    const postcodeText = get(optional.postcode);
    const postcode = postcodeText ? normalisePostcode(postcodeText) : '';
    if (postcodeText && !postcode) problems.push(`"${postcodeText.slice(0, 10)}" is not a UK postcode`);
    const gp = get(optional.gp).toUpperCase() || null;
    if (gp && orgKind.get(gp) !== 'GP_PRACTICE') problems.push(`registered_gp "${gp.slice(0, 10)}" is not a GP practice in the directory`);
    const priority = (get(optional.priority).toUpperCase() || 'ROUTINE') as Row['priority'];
    if (!PRIORITIES.includes(priority)) problems.push(`priority must be one of ${PRIORITIES.join(', ')}`);
    let serviceId = get(optional.service) || null;
    if (serviceId) {
      const s = serviceById.get(serviceId);
      if (!s || s.provider_ods_code !== provider || s.specialty_code !== specialty) problems.push(`service_id "${serviceId.slice(0, 40)}" is not a listed service of ${provider} in ${specialty}`);
    } else if (problems.length === 0) {
      serviceId = firstService.get(`${provider}|${specialty}`) ?? null;
      if (!serviceId) problems.push(`${provider} has no listed service in specialty ${specialty}; add one to the directory first or give service_id`);
    }
    const tertiary = /^(y|yes|true|1)$/i.test(get(optional.tertiary));
    for (const message of problems) report.errors.push({ line, message });
    if (problems.length > 0) continue;
    if (!dateOfBirth || !postcode) report.warnings.push({ line, message: 'no date of birth or postcode: the patient cannot sign in, and distances cannot be worked out, until they are added' });
    rows.push({
      line, nhsNumber, provider, specialty, clockStart, nextDate, dateOfBirth: dateOfBirth || '1900-01-01', postcode: postcode || 'ZZ99 3WZ',
      givenName: get(optional.given) || 'Not known', familyName: get(optional.family) || 'Not known', gp, priority, serviceId: serviceId!, tertiary,
    });
  }
  if (report.errors.length > 0) return report;

  const importer = { kind: 'system' as const, label: 'waiting list import', accountId: options.accountId };
  const offeredOf = await waitingListOptions(database, rows, options.travelCostPencePerMile);
  await database.db.transaction().execute(async (trx) => {
    for (const row of rows) {
      const exists = await trx
        .selectFrom('referral as r')
        .innerJoin('service as s', 's.id', 'r.current_service_id')
        .select('r.ubrn')
        .where('r.source', '=', 'WAITING_LIST')
        .where('r.patient_nhs_number', '=', row.nhsNumber)
        .where('s.provider_ods_code', '=', row.provider)
        .where('r.specialty_code', '=', row.specialty)
        .where('r.rtt_clock_start', '=', row.clockStart)
        .executeTakeFirst();
      if (exists) {
        report.skipped++;
        continue;
      }
      const ubrn = generateUbrn();
      await insertReferral(
        trx,
        {
          ubrn,
          // Nobody holds this code: a PIDMAS invitation or a letter from the provider issues a fresh one.
          access_code_hash: hashAccessCode(options.accessCodeSecret, generateAccessCode()),
          status: 'ACCEPTED',
          priority: row.priority,
          specialty_code: row.specialty,
          clinical_summary: 'Imported from the provider\'s waiting list.',
          patient_nhs_number: row.nhsNumber,
          patient_given_name: row.givenName,
          patient_family_name: row.familyName,
          patient_date_of_birth: row.dateOfBirth,
          patient_postcode: row.postcode,
          patient_address_lines: null,
          patient_email: null,
          patient_mobile: null,
          preferences: JSON.stringify({ sortBy: 'WAIT', maxDistanceKm: 80, originPostcode: null }),
          referring_organisation_ods_code: row.gp ?? row.provider,
          registered_gp_ods_code: row.gp,
          created_by_account_id: options.accountId,
          rtt_clock_start: row.clockStart,
          options_offered: 1,
          fewer_options_reason: 'Imported from the provider\'s waiting list: the patient was referred before OpenChoice.',
          next_appointment_date: row.nextDate,
          current_service_id: row.serviceId,
          source: 'WAITING_LIST',
          tertiary: row.tertiary,
        },
        importer,
        `Imported from ${row.provider}'s waiting list (line ${row.line}); RTT clock started ${row.clockStart}`,
      );
      await trx
        .insertInto('referral_option')
        .values({ ubrn, rank: 1, service_id: row.serviceId, offered: JSON.stringify(offeredOf(row)) })
        .execute();
      report.imported++;
    }
  });
  return report;
}

/** Already on this service's waiting list: the one option an imported pathway has. */
const ALREADY_WAITING = 'Already on this service\'s waiting list';

/**
 * The option each imported pathway is offered: the service it waits at, with its wait, distance from the patient's
 * postcode and travel cost worked out as a shortlist works them out (so the patient's page does not show a
 * published service as unpublished, 0 miles away and free to reach). Without a known postcode there is no distance.
 */
async function waitingListOptions(database: Database, rows: readonly Row[], pencePerMile: number): Promise<(row: Row) => Omit<ShortlistOption, 'service'>> {
  const serviceIds = [...new Set(rows.map((r) => r.serviceId))];
  const postcodes = [...new Set(rows.map((r) => r.postcode))];
  const [services, places] = await Promise.all([
    serviceIds.length ? servicesWithDetails(database.db).where('s.id', 'in', serviceIds).execute() : [],
    postcodes.length ? database.db.selectFrom('postcode').select(['postcode', 'latitude', 'longitude']).where('postcode', 'in', postcodes).execute() : [],
  ]);
  const candidateOf = new Map(services.map((s) => [s.id, toCandidate(s)]));
  const placeOf = new Map(places.map((p) => [p.postcode, p]));
  return (row) => {
    const candidate = candidateOf.get(row.serviceId)!;
    const home = placeOf.get(row.postcode);
    if (home) {
      const { service: _, ...offered } = optionAt(candidate, home, 1, ALREADY_WAITING, pencePerMile);
      return offered;
    }
    return {
      rank: 1, distanceKm: 0, distanceMiles: 0, indicativeWaitWeeks: candidate.waitWeeks, earliestSlot: null,
      travel: { estimatedCostGbp: 0, basis: 'Not worked out: the waiting list gave no postcode for the patient' },
      reasons: [ALREADY_WAITING],
    };
  };
}
