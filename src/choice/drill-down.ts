// The referrals behind a figure of the dashboard: those of an ICB made in a period (and a specialty, a practice, a
// referral centre or a provider) that a measure counts, a page at a time. Each measure's condition is the one its
// count in metrics.ts uses (COUNT_COLUMNS), so the list is exactly the referrals counted; pages.test.ts proves it.
// What it shows is what a commissioner may see: UBRN, dates, specialty, practice, provider, options, reason and
// status; never the patient's name, NHS number, address or clinical text (choice_fact holds none of them).
import { type ExpressionBuilder, type Kysely, sql } from 'kysely';
import type { DB, FewerOptionsCode } from '../db/schema.ts';
import { isCalendarDate } from '../domain/dates.ts';
import type { ReferralStatus } from '../domain/referral-status.ts';
import { STATUS_FOR_STAFF } from '../referrals/wording.ts';
import type { FieldError } from '../web/forms.ts';
import { MAX_PERIOD_DAYS } from './dashboard.ts';
import type { Icb } from './icb-scope.ts';
import { FEWER_OPTIONS_CODES } from './metrics.ts';
import { FEWER_OPTIONS_WORDS, isMeasure, type Measure } from './wording.ts';

export const DRILL_DOWN_PAGE_SIZE = 50;

export type Reason = FewerOptionsCode | 'NOT_RECORDED';
const isReason = (s: string): s is Reason => s === 'NOT_RECORDED' || (FEWER_OPTIONS_CODES as readonly string[]).includes(s);

export interface DrillDownQuery {
  from: string;
  to: string;
  specialty: string | null;
  /** at most one of these: whose referrals */
  practice: string | null;
  referralCentre: string | null;
  provider: string | null;
  measure: Measure;
  /** for fewerThan5: only this reason */
  reason: Reason | null;
  page: number;
}

export type DrillDownValues = Record<'from' | 'to' | 'specialty' | 'practice' | 'referralCentre' | 'provider' | 'measure' | 'reason' | 'page', string>;

const first = (v: unknown): string => {
  const x = Array.isArray(v) ? v[0] : v;
  return typeof x === 'string' ? x.trim().slice(0, 40) : '';
};
const ODS = /^[A-Z0-9]{3,10}$/;

/** Reads the drill-down's query string; a problem is an error for the error summary, never an exception. */
export function readDrillDownQuery(query: unknown): { ok: true; values: DrillDownValues; query: DrillDownQuery } | { ok: false; values: DrillDownValues; errors: FieldError[] } {
  const q = (query && typeof query === 'object' ? query : {}) as Record<string, unknown>;
  const values = Object.fromEntries(['from', 'to', 'specialty', 'practice', 'referralCentre', 'provider', 'measure', 'reason', 'page'].map((k) => [k, first(q[k])])) as DrillDownValues;
  const errors: FieldError[] = [];
  const fail = (field: string, message: string) => void errors.push({ field, href: `#${field}`, message });
  const dateOk = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v) && isCalendarDate(v);
  if (!dateOk(values.from)) fail('from', 'The start date must be a real date, written like 2026-01-31');
  if (!dateOk(values.to)) fail('to', 'The end date must be a real date, written like 2026-12-31');
  if (dateOk(values.from) && dateOk(values.to)) {
    if (values.to < values.from) fail('to', 'The end date must be the same as or after the start date');
    else if ((Date.parse(values.to) - Date.parse(values.from)) / 86_400_000 > MAX_PERIOD_DAYS) fail('to', 'The period must be 5 years or shorter');
  }
  if (values.specialty && !/^\d{3}$/.test(values.specialty)) fail('specialty', 'The specialty must be a treatment function code, like 110');
  const orgs = (['practice', 'referralCentre', 'provider'] as const).filter((k) => values[k]);
  for (const k of orgs) if (!ODS.test(values[k].toUpperCase())) fail(k, `The ${k === 'referralCentre' ? 'referral centre' : k} must be an ODS code, like B86025`);
  if (orgs.length > 1) fail(orgs[1]!, 'Choose the referrals of one practice, referral centre or provider at a time');
  const measure = values.measure || 'referrals';
  if (!isMeasure(measure)) fail('measure', 'Choose one of the dashboard\'s figures');
  if (values.reason && (!isReason(values.reason) || measure !== 'fewerThan5')) fail('reason', 'A reason goes with the referrals offered 1 to 4 options only, and must be one of the coded reasons');
  const page = values.page ? Number(values.page) : 1;
  if (!/^\d{1,6}$/.test(values.page || '1') || page < 1) fail('page', 'The page must be a whole number from 1');
  if (errors.length) return { ok: false, values, errors };
  return {
    ok: true, values,
    query: {
      from: values.from, to: values.to, specialty: values.specialty || null,
      practice: values.practice.toUpperCase() || null, referralCentre: values.referralCentre.toUpperCase() || null, provider: values.provider.toUpperCase() || null,
      measure: measure as Measure, reason: (values.reason || null) as Reason | null, page,
    },
  };
}

type Facts = ExpressionBuilder<DB, 'choice_fact'>;

/** The condition of each measure, as metrics.ts counts it (every one of them is of referrals made: source REFERRAL). */
function measureCondition(eb: Facts, measure: Measure, reason: Reason | null) {
  const known = eb('choice_fact.awaiting_options', '=', false);
  switch (measure) {
    case 'referrals': return eb.lit(true);
    case 'offeredAtLeast5': return eb.and([known, eb('choice_fact.options_offered', '>=', 5)]);
    case 'fewerThan5': return eb.and([known, eb('choice_fact.options_offered', '>=', 1), eb('choice_fact.options_offered', '<=', 4),
      ...(reason === null ? [] : [reason === 'NOT_RECORDED' ? eb('choice_fact.fewer_options_code', 'is', null) : eb('choice_fact.fewer_options_code', '=', reason)])]);
    case 'noOptions': return eb.and([known, eb('choice_fact.options_offered', '=', 0)]);
    case 'awaitingOptions': return eb('choice_fact.awaiting_options', '=', true);
    case 'patientChose': return eb('choice_fact.patient_chose', '=', true);
    case 'bookedByPatient': return eb('choice_fact.booked_by_patient', '=', true);
    case 'asi': return eb('choice_fact.appointment_slot_issue', '=', true);
    case 'rejected': return eb('choice_fact.rejected', '=', true);
    case 'paper': return eb('choice_fact.electronic', '=', false);
  }
}

export interface DrillDownRow {
  ubrn: string;
  madeOn: string;
  specialty: string;
  practice: string | null;
  provider: string | null;
  optionsOffered: number;
  awaitingOptions: boolean;
  reason: string | null;
  status: string;
}

export interface DrillDown {
  total: number;
  page: number;
  pages: number;
  rows: DrillDownRow[];
  /** the names of the practice, centre or provider asked for */
  organisation: string | null;
  specialty: string | null;
}

/** One page of the referrals a measure counts, newest first. */
export async function drillDown(db: Kysely<DB>, icb: Icb, q: DrillDownQuery): Promise<DrillDown> {
  const base = db
    .selectFrom('choice_fact')
    .where('choice_fact.icb_code', '=', icb.odsCode)
    .where('choice_fact.source', '=', 'REFERRAL')
    .where(sql<boolean>`choice_fact.made_on between ${q.from}::date and ${q.to}::date`)
    .$if(q.specialty !== null, (w) => w.where('choice_fact.specialty_code', '=', q.specialty!))
    .$if(q.practice !== null, (w) => w.where('choice_fact.practice_ods_code', '=', q.practice!))
    .$if(q.referralCentre !== null, (w) => w.where('choice_fact.referral_centre_ods_code', '=', q.referralCentre!))
    .$if(q.provider !== null, (w) => w.where('choice_fact.provider_ods_code', '=', q.provider!))
    .where((eb) => measureCondition(eb, q.measure, q.reason));
  const { total } = await base.select((eb) => eb.fn.countAll<string>().as('total')).executeTakeFirstOrThrow();
  const count = Number(total);
  const pages = Math.max(1, Math.ceil(count / DRILL_DOWN_PAGE_SIZE));
  const page = Math.min(q.page, pages);
  const rows = await base
    .leftJoin('organisation as practice', 'practice.ods_code', 'choice_fact.practice_ods_code')
    .leftJoin('organisation as provider', 'provider.ods_code', 'choice_fact.provider_ods_code')
    .leftJoin('specialty', 'specialty.code', 'choice_fact.specialty_code')
    .select([
      'choice_fact.ubrn', sql<string>`choice_fact.made_on::text`.as('made_on'), 'choice_fact.specialty_code', 'specialty.name as specialty_name',
      'choice_fact.practice_ods_code', 'practice.name as practice_name', 'choice_fact.provider_ods_code', 'provider.name as provider_name',
      'choice_fact.options_offered', 'choice_fact.awaiting_options', 'choice_fact.fewer_options_code', 'choice_fact.status',
    ])
    .orderBy('choice_fact.made_on', 'desc')
    .orderBy('choice_fact.ubrn')
    .limit(DRILL_DOWN_PAGE_SIZE)
    .offset((page - 1) * DRILL_DOWN_PAGE_SIZE)
    .execute();
  const orgCode = q.practice ?? q.referralCentre ?? q.provider;
  const [org, specialty] = await Promise.all([
    orgCode ? db.selectFrom('organisation').select('name').where('ods_code', '=', orgCode).executeTakeFirst() : undefined,
    q.specialty ? db.selectFrom('specialty').select('name').where('code', '=', q.specialty).executeTakeFirst() : undefined,
  ]);
  return {
    total: count, page, pages,
    organisation: orgCode ? (org?.name ?? orgCode) : null,
    specialty: q.specialty ? (specialty?.name ?? q.specialty) : null,
    rows: rows.map((r) => ({
      ubrn: r.ubrn, madeOn: r.made_on, specialty: r.specialty_name ?? r.specialty_code,
      practice: r.practice_ods_code ? `${r.practice_name ?? r.practice_ods_code} (${r.practice_ods_code})` : null,
      provider: r.provider_ods_code ? `${r.provider_name ?? r.provider_ods_code} (${r.provider_ods_code})` : null,
      optionsOffered: r.options_offered, awaitingOptions: r.awaiting_options,
      reason: r.options_offered >= 1 && r.options_offered <= 4 && !r.awaiting_options ? FEWER_OPTIONS_WORDS[r.fewer_options_code ?? 'NOT_RECORDED'] : null,
      status: STATUS_FOR_STAFF[r.status as ReferralStatus] ?? r.status,
    })),
  };
}
