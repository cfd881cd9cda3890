// Pathways from a provider's existing waiting list (a patient tracking list export), so that patients referred
// before OpenChoice have RTT clocks too and can ask for a faster alternative or to move (PIDMAS).
//
// CSV with a header. Required: nhs_number, provider (ODS code), specialty (TFC, 'C_110' accepted), clock_start
// (YYYY-MM-DD). Optional: next_appointment_date, date_of_birth, postcode, given_name, family_name, registered_gp
// (ODS code of the GP practice), priority (ROUTINE, URGENT, TWO_WEEK_WAIT), service_id (else the provider's first
// listed service of the specialty), tertiary (yes/no). Date of birth and postcode are needed for the patient to sign
// in and for distances; rows without them are imported and say so.
//
// All or nothing: the file is read as a stream, batch by batch, into one transaction, and any error (a bad row, a
// file that is not CSV, a body too large, a crash) rolls all of it back; every row is still checked, so that the
// errors come by line, several at once. Memory stays bounded by a batch however long the list. Rows already
// imported (same NHS number, provider, specialty and clock start) are left as they are, so a file can be loaded
// again. A dry run does the same work and rolls it back: a preview of exactly what the import would do.
//
// The pathways' choice facts are refreshed once, set-based, at the end of the transaction, not by the row triggers:
// row by row, a long list slowed with every row written (src/choice/fact-refresh.ts says why).
//
// The registered_gp column is the provider's word, not the practice's: it is stored as reported by the provider, and
// the pathway's referring organisation is the provider, so that the practice never sees it as a referral it made.
import type { Kysely, Transaction } from 'kysely';
import { type DeferredChoiceFacts, deferChoiceFacts } from '../choice/fact-refresh.ts';
import { insertReferrals } from '../referrals/history.ts';
import { hashAccessCode } from '../auth/access-codes.ts';
import type { Database } from '../db/database.ts';
import type { DB } from '../db/schema.ts';
import { isCalendarDate, londonDate } from '../domain/dates.ts';
import { isValidNhsNumber } from '../domain/nhs-number.ts';
import { normalisePostcode } from '../domain/postcode.ts';
import { generateAccessCode, generateUbrn } from '../domain/ubrn.ts';
import { Columns } from '../importers/csv.ts';
import { type CsvRecord, CsvSyntaxError, csvRecordBatches } from '../importers/csv-records.ts';
import { servicesWithDetails, toCandidate } from '../directory/queries.ts';
import { optionAt } from '../shortlist/service.ts';
import type { ShortlistOption } from '../shortlist/types.ts';

/** Errors and warnings listed in a report; the rest are counted. */
export const LISTED_PROBLEMS = 100;

export interface LineProblem {
  line: number;
  message: string;
}

export interface WaitingListReport {
  /** a preview: nothing was changed */
  dryRun: boolean;
  rows: number;
  /** pathways added (in a dry run: that would be); 0 when there are errors and it was no dry run */
  imported: number;
  /** rows already loaded, left as they are */
  skipped: number;
  errors: LineProblem[];
  /** errors beyond the first LISTED_PROBLEMS */
  errorsNotShown: number;
  warnings: LineProblem[];
  warningsNotShown: number;
}

/** The CSV: text, or chunks of it as they arrive (a request body). */
export type WaitingListSource = string | AsyncIterable<string | Uint8Array>;

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

interface Directory {
  specialties: Set<string>;
  orgKind: Map<string, string>;
  serviceById: Map<string, { provider_ods_code: string; specialty_code: string }>;
  firstService: Map<string, string>;
}

/** Thrown inside the transaction to roll it back: on errors, and always in a dry run. */
class RollBack extends Error {}

/** The header is unusable: nothing further can be read. */
class StopReading extends Error {}

/**
 * Imports the rows of `source` for `onlyProvider` (a provider may load only its own list; null for an operator).
 * `accountId` is recorded as who created the pathways. With `dryRun`, reports what it would do and changes nothing.
 */
export async function importWaitingList(
  database: Database,
  source: WaitingListSource,
  options: { accountId: number; onlyProvider: string | null; accessCodeSecret: string; travelCostPencePerMile: number; dryRun?: boolean },
): Promise<WaitingListReport> {
  const dryRun = options.dryRun ?? false;
  const report: WaitingListReport = { dryRun, rows: 0, imported: 0, skipped: 0, errors: [], errorsNotShown: 0, warnings: [], warningsNotShown: 0 };
  const addError = (line: number, message: string) => (report.errors.length < LISTED_PROBLEMS ? report.errors.push({ line, message }) : report.errorsNotShown++);
  const addWarning = (line: number, message: string) => (report.warnings.length < LISTED_PROBLEMS ? report.warnings.push({ line, message }) : report.warningsNotShown++);
  const hasErrors = () => report.errors.length > 0;
  const directory = await loadDirectory(database.db);
  const today = londonDate();
  const importer = { kind: 'system' as const, label: 'waiting list import', accountId: options.accountId };

  try {
    await database.db.transaction().execute(async (trx) => {
      let readRow: ((record: CsvRecord) => Row | null) | null = null;
      const facts = await deferChoiceFacts(trx);
      try {
        for await (const records of csvRecordBatches(typeof source === 'string' ? [source] : source)) {
          const rows: Row[] = [];
          for (const record of records) {
            if (record.fields.every((f) => f.trim() === '')) continue;
            if (!readRow) {
              readRow = rowReader(record, directory, today, options.onlyProvider, addError, addWarning);
              continue;
            }
            report.rows++;
            const row = readRow(record);
            if (row) rows.push(row);
          }
          // Once a row is bad nothing will be imported: only a dry run, which reports what the good rows would do,
          // goes on writing them.
          if (rows.length > 0 && (dryRun || !hasErrors())) await importBatch(trx, rows, facts, report, options, importer);
        }
      } catch (err) {
        if (err instanceof CsvSyntaxError) addError(err.line, `the file is not valid CSV: ${err.message}`);
        else if (!(err instanceof StopReading)) throw err;
      }
      if (!readRow && !hasErrors()) addError(1, 'the file is empty: it needs a header line and one line per patient');
      // A dry run refreshes them too: the same work as the import, so its preview fails wherever the import would.
      if (!hasErrors()) await facts.refresh();
      if (hasErrors() || dryRun) throw new RollBack();
    });
  } catch (err) {
    if (!(err instanceof RollBack)) throw err;
  }
  if (hasErrors() && !dryRun) {
    report.imported = 0;
    report.skipped = 0;
  }
  return report;
}

async function loadDirectory(db: Kysely<DB>): Promise<Directory> {
  const [specialties, services, organisations] = await Promise.all([
    db.selectFrom('specialty').select('code').execute(),
    db.selectFrom('service').select(['id', 'provider_ods_code', 'specialty_code']).where('active', '=', true).where('accreditation_status', '=', 'ACCREDITED').orderBy('id').execute(),
    db.selectFrom('organisation').select(['ods_code', 'kind']).execute(),
  ]);
  const firstService = new Map<string, string>();
  for (const s of services) if (!firstService.has(`${s.provider_ods_code}|${s.specialty_code}`)) firstService.set(`${s.provider_ods_code}|${s.specialty_code}`, s.id);
  return {
    specialties: new Set(specialties.map((s) => s.code)),
    orgKind: new Map(organisations.map((o) => [o.ods_code, o.kind])),
    serviceById: new Map(services.map((s) => [s.id, s])),
    firstService,
  };
}

/** From the header record, the reader of every row after it (null for a bad row, whose errors it reports). */
function rowReader(
  header: CsvRecord,
  directory: Directory,
  today: string,
  onlyProvider: string | null,
  addError: (line: number, message: string) => void,
  addWarning: (line: number, message: string) => void,
): (record: CsvRecord) => Row | null {
  const columns = new Columns(header.fields);
  const col = (...names: string[]) => columns.find(...names);
  const required = { nhs: col('nhs_number', 'nhs number'), provider: col('provider', 'provider_ods_code'), specialty: col('specialty', 'treatment_function_code', 'tfc'), start: col('clock_start', 'rtt_clock_start') };
  const missing = Object.entries(required).filter(([, i]) => i === undefined).map(([k]) => ({ nhs: 'nhs_number', provider: 'provider', specialty: 'specialty', start: 'clock_start' })[k]);
  if (missing.length > 0) {
    addError(header.line, `no column named ${missing.join(', ')}`);
    throw new StopReading();
  }
  const optional = {
    next: col('next_appointment_date'), dob: col('date_of_birth'), postcode: col('postcode'), given: col('given_name'), family: col('family_name'),
    gp: col('registered_gp', 'gp_practice'), priority: col('priority'), service: col('service_id'), tertiary: col('tertiary'),
  };
  const { specialties, orgKind, serviceById, firstService } = directory;

  return ({ line, fields }) => {
    // PostgreSQL refuses the NUL character: a file holding one is refused here, by line, not by a failed insert.
    if (fields.some((f) => f.includes('\u0000'))) {
      addError(line, 'the line holds a NUL character (code 0), which is not text: export the list again');
      return null;
    }
    const get = (index: number | undefined) => (index === undefined ? '' : (fields[index] ?? '').trim());
    const problems: string[] = [];
    const nhsNumber = get(required.nhs).replace(/\s/g, '');
    if (!isValidNhsNumber(nhsNumber)) problems.push(`"${nhsNumber.slice(0, 12)}" is not a valid NHS number`);
    const provider = get(required.provider).toUpperCase();
    if (!orgKind.has(provider) || !['NHS_TRUST', 'INDEPENDENT_PROVIDER'].includes(orgKind.get(provider)!)) problems.push(`"${provider.slice(0, 10)}" is not a provider in the directory`);
    else if (onlyProvider && provider !== onlyProvider) problems.push(`the provider is ${provider}, but you can load only your own organisation's (${onlyProvider}) list`);
    const specialty = get(required.specialty).replace(/^C_/i, '');
    if (!specialties.has(specialty)) problems.push(`"${specialty.slice(0, 10)}" is not a treatment function code`);
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
    for (const message of problems) addError(line, message);
    if (problems.length > 0) return null;
    if (!dateOfBirth || !postcode) addWarning(line, 'no date of birth or postcode: the patient cannot sign in, and distances cannot be worked out, until they are added');
    return {
      line, nhsNumber, provider, specialty, clockStart, nextDate, dateOfBirth: dateOfBirth || '1900-01-01', postcode: postcode || 'ZZ99 3WZ',
      givenName: get(optional.given) || 'Not known', familyName: get(optional.family) || 'Not known', gp, priority, serviceId: serviceId!, tertiary,
    };
  };
}

const keyOf = (nhsNumber: string, provider: string, specialty: string, clockStart: string) => `${nhsNumber}|${provider}|${specialty}|${clockStart}`;

/**
 * Writes one batch's new pathways, leaving those already loaded: before, or earlier in this file (the batch's query
 * sees what this transaction wrote), or earlier in this batch. Only this batch's keys are held, so that what the
 * import holds does not grow with the list (a key's text can keep the chunk of the body it came from).
 */
async function importBatch(
  trx: Transaction<DB>,
  rows: readonly Row[],
  facts: DeferredChoiceFacts,
  report: WaitingListReport,
  options: { accountId: number; accessCodeSecret: string; travelCostPencePerMile: number },
  importer: { kind: 'system'; label: string; accountId: number },
): Promise<void> {
  const loaded = await trx
    .selectFrom('referral as r')
    .innerJoin('service as s', 's.id', 'r.current_service_id')
    .select(['r.patient_nhs_number', 's.provider_ods_code', 'r.specialty_code', 'r.rtt_clock_start'])
    .where('r.source', '=', 'WAITING_LIST')
    .where('r.patient_nhs_number', 'in', [...new Set(rows.map((r) => r.nhsNumber))])
    .execute();
  const known = new Set<string>();
  const present = new Set(loaded.map((r) => keyOf(r.patient_nhs_number, r.provider_ods_code, r.specialty_code, r.rtt_clock_start)));
  const fresh: Row[] = [];
  for (const row of rows) {
    const key = keyOf(row.nhsNumber, row.provider, row.specialty, row.clockStart);
    if (present.has(key) || known.has(key)) {
      report.skipped++;
      continue;
    }
    known.add(key);
    fresh.push(row);
  }
  // In slices, so that no statement passes PostgreSQL's 65,535 parameters however large a chunk of the body was.
  for (let from = 0; from < fresh.length; from += WRITE_SLICE) {
    const slice = fresh.slice(from, from + WRITE_SLICE);
    const offeredOf = await waitingListOptions(trx, slice, options.travelCostPencePerMile);
    const pathways = slice.map((row) => ({ offered: offeredOf(row), row: pathwayOf(row, options), reason: `Imported from ${row.provider}'s waiting list (line ${row.line}); RTT clock started ${row.clockStart}` }));
    await insertReferrals(trx, pathways, importer);
    await facts.note(pathways.map((p) => p.row.ubrn));
    await trx.insertInto('referral_option').values(pathways.map((p) => ({ ubrn: p.row.ubrn, rank: 1, service_id: p.row.current_service_id!, offered: JSON.stringify(p.offered) }))).execute();
    report.imported += slice.length;
  }
}

/** Rows written by one statement: a referral row has about 30 columns. */
const WRITE_SLICE = 500;

/** The referral an imported row becomes. */
function pathwayOf(row: Row, options: { accountId: number; accessCodeSecret: string }) {
  return {
    ubrn: generateUbrn(),
    // Nobody holds this code: a PIDMAS invitation or a letter from the provider issues a fresh one.
    access_code_hash: hashAccessCode(options.accessCodeSecret, generateAccessCode()),
    status: 'ACCEPTED' as const,
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
    // The provider reported the pathway, and with it the practice: the practice did not refer.
    referring_organisation_ods_code: row.provider,
    registered_gp_ods_code: row.gp,
    registered_gp_reported_by_ods_code: row.gp ? row.provider : null,
    created_by_account_id: options.accountId,
    rtt_clock_start: row.clockStart,
    options_offered: 1,
    fewer_options_reason: 'Imported from the provider\'s waiting list: the patient was referred before OpenChoice.',
    next_appointment_date: row.nextDate,
    current_service_id: row.serviceId,
    source: 'WAITING_LIST' as const,
    tertiary: row.tertiary,
  };
}

/** Already on this service's waiting list: the one option an imported pathway has. */
const ALREADY_WAITING = 'Already on this service\'s waiting list';

/**
 * The option each imported pathway is offered: the service it waits at, with its wait, distance from the patient's
 * postcode and travel cost worked out as a shortlist works them out (so the patient's page does not show a
 * published service as unpublished, 0 miles away and free to reach). Without a known postcode there is no distance.
 */
async function waitingListOptions(db: Kysely<DB>, rows: readonly Row[], pencePerMile: number): Promise<(row: Row) => Omit<ShortlistOption, 'service'>> {
  const serviceIds = [...new Set(rows.map((r) => r.serviceId))];
  const postcodes = [...new Set(rows.map((r) => r.postcode))];
  const [services, places] = await Promise.all([
    serviceIds.length ? servicesWithDetails(db).where('s.id', 'in', serviceIds).execute() : [],
    postcodes.length ? db.selectFrom('postcode').select(['postcode', 'latitude', 'longitude']).where('postcode', 'in', postcodes).execute() : [],
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
