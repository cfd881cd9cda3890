// A provider's return of its mental health pathways: CSV (as trusts export them) or JSON rows, checked whole before
// anything is written, then stored in one transaction, all or nothing. Idempotent by the provider's own pathway id:
// the same return twice changes nothing, a later one with a first treatment updates the row. The pathway id is kept
// only as a hash; no patient identifier is read or stored.
//
// CSV columns (a header line, names in any case, spaces or underscores alike; order free):
//   pathway_id          the provider's own id for the pathway (required; never an NHS number)
//   service             EIP or TALKING_THERAPIES (IAPT and "Talking therapies" are read as TALKING_THERAPIES)
//   referred_on         the clock start: the date the referral was received (required)
//   first_treatment_on  the first treatment (empty while waiting)
//   ended_on, ended_reason   how the pathway ended without treatment, or after it (optional)
//   practice            the patient's GP practice's ODS code (optional)
//   icb                 the patient's ICB ODS code (required unless the practice names it)
// Dates are YYYY-MM-DD or DD/MM/YYYY.
import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/database.ts';
import type { DB, MentalHealthPathwayTable } from '../db/schema.ts';
import { isCalendarDate } from '../domain/dates.ts';
import { isValidNhsNumber } from '../domain/nhs-number.ts';
import { CsvSyntaxError, parseCsvText } from '../importers/csv-records.ts';
import type { ServiceKind } from './standards.ts';

/** One row as sent, before it is checked: every value as text. */
export interface PathwayRowInput {
  pathwayId?: string | null;
  service?: string | null;
  referredOn?: string | null;
  firstTreatmentOn?: string | null;
  endedOn?: string | null;
  endedReason?: string | null;
  practice?: string | null;
  icb?: string | null;
}

export interface LineError {
  /** the CSV line the record starts on, or the JSON row's number (from 1) */
  line: number;
  message: string;
}

export interface ImportReport {
  received: number;
  inserted: number;
  updated: number;
  unchanged: number;
}

export type ImportResult = { ok: true; report: ImportReport } | { ok: false; errors: LineError[] };

export const MAX_ROWS = 50_000;

const COLUMNS: Record<keyof PathwayRowInput, string[]> = {
  pathwayId: ['pathway_id', 'pathway id', 'local pathway id', 'id'],
  service: ['service', 'service_kind', 'service kind'],
  referredOn: ['referred_on', 'referral_received', 'clock_start', 'referred'],
  firstTreatmentOn: ['first_treatment_on', 'first_treatment', 'treatment_start'],
  endedOn: ['ended_on', 'ended', 'discharged_on'],
  endedReason: ['ended_reason', 'end_reason', 'discharge_reason'],
  practice: ['practice', 'practice_ods_code', 'gp_practice'],
  icb: ['icb', 'icb_code', 'icb_ods_code'],
};

const squash = (name: string) => name.trim().toLowerCase().replace(/[\s_-]+/g, '');

/** The CSV's rows with the line each starts on; a syntax error or a missing column is the file's one error. */
export async function rowsFromCsv(text: string): Promise<{ ok: true; rows: { line: number; row: PathwayRowInput }[] } | { ok: false; errors: LineError[] }> {
  let records;
  try {
    records = await parseCsvText(text);
  } catch (err) {
    if (err instanceof CsvSyntaxError) return { ok: false, errors: [{ line: err.line, message: err.message }] };
    throw err;
  }
  const [header, ...body] = records;
  if (!header) return { ok: false, errors: [{ line: 1, message: 'the file is empty: send a header line and one line for each pathway' }] };
  const names = header.fields.map(squash);
  const index = {} as Record<keyof PathwayRowInput, number | undefined>;
  for (const [key, aliases] of Object.entries(COLUMNS) as [keyof PathwayRowInput, string[]][]) {
    const i = aliases.map(squash).map((a) => names.indexOf(a)).find((x) => x >= 0);
    index[key] = i;
  }
  const missing = (['pathwayId', 'service', 'referredOn'] as const).filter((k) => index[k] === undefined);
  if (missing.length > 0) {
    return { ok: false, errors: [{ line: header.line, message: `the header has no ${missing.map((k) => `"${COLUMNS[k][0]}"`).join(', ')} column` }] };
  }
  return {
    ok: true,
    rows: body.map((r) => ({
      line: r.line,
      row: Object.fromEntries(Object.entries(index).map(([key, i]) => [key, i === undefined ? null : (r.fields[i] ?? null)])) as PathwayRowInput,
    })),
  };
}

interface CheckedRow {
  line: number;
  pathwayId: string;
  kind: ServiceKind;
  referredOn: string;
  firstTreatmentOn: string | null;
  endedOn: string | null;
  endedReason: string | null;
  practice: string | null;
  icb: string | null;
}

const SERVICE_WORDS: Record<string, ServiceKind> = {
  eip: 'EIP', earlyinterventioninpsychosis: 'EIP',
  talkingtherapies: 'TALKING_THERAPIES', nhstalkingtherapies: 'TALKING_THERAPIES', iapt: 'TALKING_THERAPIES', tt: 'TALKING_THERAPIES',
};

/** A date as YYYY-MM-DD, from YYYY-MM-DD or DD/MM/YYYY; null for an empty value; undefined when it is no real date. */
export function readDate(raw: string | null | undefined): string | null | undefined {
  const v = (raw ?? '').trim();
  if (v === '') return null;
  const uk = /^(\d{1,2})\/(\d{1,2})\/(\d{4})$/.exec(v);
  const iso = uk ? `${uk[3]}-${uk[2]!.padStart(2, '0')}-${uk[1]!.padStart(2, '0')}` : v;
  return isCalendarDate(iso) ? iso : undefined;
}

const ODS = /^[A-Z0-9]{3,6}$/;

/** Checks one row on its own; the messages name the column, as the provider's file does. */
function checkRow(line: number, row: PathwayRowInput, today: string): CheckedRow | LineError[] {
  const errors: string[] = [];
  const pathwayId = (row.pathwayId ?? '').trim();
  if (!pathwayId) errors.push('pathway_id is empty');
  else if (pathwayId.length > 100) errors.push('pathway_id is longer than 100 characters');
  else if (isValidNhsNumber(pathwayId)) errors.push('pathway_id looks like an NHS number: send your own pathway id, never a patient identifier');
  const service = SERVICE_WORDS[squash(row.service ?? '')];
  if (!service) errors.push(`service "${(row.service ?? '').trim()}" is not EIP or TALKING_THERAPIES`);
  const dates = { referred_on: readDate(row.referredOn), first_treatment_on: readDate(row.firstTreatmentOn), ended_on: readDate(row.endedOn) };
  for (const [name, value] of Object.entries(dates)) {
    const raw = (name === 'referred_on' ? row.referredOn : name === 'first_treatment_on' ? row.firstTreatmentOn : row.endedOn) ?? '';
    if (value === undefined) errors.push(`${name} "${raw.trim()}" is not a real date (use YYYY-MM-DD or DD/MM/YYYY)`);
    else if (value !== null && value > today) errors.push(`${name} ${value} is in the future`);
  }
  const { referred_on: referredOn, first_treatment_on: firstTreatmentOn, ended_on: endedOn } = dates;
  if (referredOn === null) errors.push('referred_on is empty: it is the clock start, the date the referral was received');
  if (referredOn && firstTreatmentOn && firstTreatmentOn < referredOn) errors.push(`first_treatment_on ${firstTreatmentOn} is before referred_on ${referredOn}`);
  if (referredOn && endedOn && endedOn < referredOn) errors.push(`ended_on ${endedOn} is before referred_on ${referredOn}`);
  if (firstTreatmentOn && endedOn && endedOn < firstTreatmentOn) errors.push(`ended_on ${endedOn} is before first_treatment_on ${firstTreatmentOn}`);
  const endedReason = (row.endedReason ?? '').trim() || null;
  if (endedReason && !endedOn && endedOn !== undefined) errors.push('ended_reason is given without ended_on');
  if (endedReason && endedReason.length > 200) errors.push('ended_reason is longer than 200 characters');
  const practice = (row.practice ?? '').trim().toUpperCase() || null;
  if (practice && !ODS.test(practice)) errors.push(`practice "${practice}" is not an ODS code`);
  const icb = (row.icb ?? '').trim().toUpperCase() || null;
  if (icb && !ODS.test(icb)) errors.push(`icb "${icb}" is not an ODS code`);
  if (!icb && !practice) errors.push('icb is empty: give the patient\'s ICB, or their practice');
  if (errors.length > 0) return errors.map((message) => ({ line, message }));
  return { line, pathwayId, kind: service!, referredOn: referredOn!, firstTreatmentOn: firstTreatmentOn ?? null, endedOn: endedOn ?? null, endedReason, practice, icb };
}

/** The hash a pathway is known by: its provider and its own id, never the id itself. */
export const pathwayHash = (providerOdsCode: string, pathwayId: string): string =>
  createHash('sha256').update(`openchoice:mental-health-pathway:${providerOdsCode}:${pathwayId}`).digest('hex');

export interface ImportOptions {
  providerOdsCode: string;
  accountId: number | null;
  source: MentalHealthPathwayTable['source'];
  /** London's date today: no date may be after it */
  today: string;
}

/**
 * Checks every row (on its own, then against the directory: practices and ICBs that exist), and only when none has
 * a problem stores them all in one transaction. Errors come back by line, in order, at most 200.
 */
export async function importPathways(database: Database, rows: readonly { line: number; row: PathwayRowInput }[], options: ImportOptions): Promise<ImportResult> {
  if (rows.length === 0) return { ok: false, errors: [{ line: 1, message: 'there are no pathways to load: send one line (or row) for each' }] };
  if (rows.length > MAX_ROWS) return { ok: false, errors: [{ line: 1, message: `send at most ${MAX_ROWS} pathways at a time (this had ${rows.length})` }] };
  const errors: LineError[] = [];
  const checked: CheckedRow[] = [];
  const seen = new Map<string, number>();
  for (const { line, row } of rows) {
    const result = checkRow(line, row, options.today);
    if (Array.isArray(result)) {
      errors.push(...result);
      continue;
    }
    const first = seen.get(result.pathwayId);
    if (first !== undefined) {
      errors.push({ line, message: `pathway_id "${result.pathwayId}" is on line ${first} already: send each pathway once` });
      continue;
    }
    seen.set(result.pathwayId, line);
    checked.push(result);
  }
  const db = database.db;
  const practices = await practiceIcbs(db, [...new Set(checked.map((r) => r.practice).filter((p): p is string => p !== null))]);
  const icbs = await knownIcbs(db, [...new Set(checked.map((r) => r.icb).filter((c): c is string => c !== null))]);
  for (const r of checked) {
    if (r.practice && !practices.has(r.practice)) errors.push({ line: r.line, message: `practice ${r.practice} is not a GP practice in the directory` });
    else if (r.icb && !icbs.has(r.icb)) errors.push({ line: r.line, message: `icb ${r.icb} is not an ICB's ODS code` });
    else if (!r.icb && r.practice && !practices.get(r.practice)) errors.push({ line: r.line, message: `practice ${r.practice} has no ICB in the directory: give the icb` });
  }
  if (errors.length > 0) return { ok: false, errors: errors.sort((a, b) => a.line - b.line).slice(0, 200) };

  const values = checked.map((r) => ({
    service_kind: r.kind,
    provider_ods_code: options.providerOdsCode,
    local_id_hash: pathwayHash(options.providerOdsCode, r.pathwayId),
    icb_code: r.icb ?? practices.get(r.practice!)!,
    practice_ods_code: r.practice,
    referred_on: r.referredOn,
    first_treatment_on: r.firstTreatmentOn,
    ended_on: r.endedOn,
    ended_reason: r.endedReason,
    source: options.source,
    created_by_account_id: options.accountId,
  }));
  let inserted = 0;
  let updated = 0;
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < values.length; i += 2000) {
      const written = await trx
        .insertInto('mental_health_pathway')
        .values(values.slice(i, i + 2000))
        .onConflict((oc) =>
          oc.columns(['provider_ods_code', 'local_id_hash']).doUpdateSet((eb) => ({
            service_kind: eb.ref('excluded.service_kind'),
            icb_code: eb.ref('excluded.icb_code'),
            practice_ods_code: eb.ref('excluded.practice_ods_code'),
            referred_on: eb.ref('excluded.referred_on'),
            first_treatment_on: eb.ref('excluded.first_treatment_on'),
            ended_on: eb.ref('excluded.ended_on'),
            ended_reason: eb.ref('excluded.ended_reason'),
            source: eb.ref('excluded.source'),
            updated_at: sql<Date>`now()`,
          }))
            // A row returned again as it was is left alone (and counted unchanged).
            .where(sql<boolean>`(mental_health_pathway.service_kind, mental_health_pathway.icb_code, mental_health_pathway.practice_ods_code, mental_health_pathway.referred_on, mental_health_pathway.first_treatment_on, mental_health_pathway.ended_on, mental_health_pathway.ended_reason)
              is distinct from (excluded.service_kind, excluded.icb_code, excluded.practice_ods_code, excluded.referred_on, excluded.first_treatment_on, excluded.ended_on, excluded.ended_reason)`),
        )
        .returning(sql<boolean>`(xmax = 0)`.as('inserted'))
        .execute();
      for (const w of written) if (w.inserted) inserted++; else updated++;
    }
  });
  return { ok: true, report: { received: values.length, inserted, updated, unchanged: values.length - inserted - updated } };
}

/** Each practice named that is a GP practice, with its ICB (null when the directory has none). */
async function practiceIcbs(db: Kysely<DB>, codes: string[]): Promise<Map<string, string | null>> {
  if (codes.length === 0) return new Map();
  const rows = await db.selectFrom('organisation').select(['ods_code', 'icb_code']).where('kind', '=', 'GP_PRACTICE').where('ods_code', 'in', codes).execute();
  return new Map(rows.map((r) => [r.ods_code, r.icb_code]));
}

/** The codes named that are ICBs: with a row of their own, or named as a practice's ICB. */
async function knownIcbs(db: Kysely<DB>, codes: string[]): Promise<Set<string>> {
  if (codes.length === 0) return new Set();
  const own = await db.selectFrom('organisation').select('ods_code as code').where('kind', '=', 'ICB').where('ods_code', 'in', codes).execute();
  const named = await db.selectFrom('organisation').select('icb_code as code').distinct().where('kind', '=', 'GP_PRACTICE').where('icb_code', 'in', codes).execute();
  return new Set([...own, ...named].map((r) => r.code!));
}
