// Reading the listings that need attention (the open rows of listing_flag): the provider's own, and those an ICB's
// patients are offered. The pages and the API read here; only the job (evaluate.ts) writes.
//
// "Offered to the ICB's patients" is: every service of a provider whose organisation.icb_code is the ICB, and every
// service that was on the shortlist of a referral made by one of the ICB's practices in the last 12 months
// (choice_fact.icb_code, made_on from today − 365 days). It is what the ICB's patients were actually shown, plus its
// own providers' listings whether shown yet or not.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { londonDate } from '../domain/dates.ts';
import { addDays, FLAG_KINDS, FLAG_WORDS, type FlagEvidence, type ListingFlagKind } from '../domain/listing-upkeep.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { badRequest } from '../http/problem.ts';

export const OFFERED_WITHIN_DAYS = 365;

export type OpenFlag = FlagEvidence & {
  tag: string;
  sentence: string;
  /** ISO 8601 instants */
  since: string;
  lastSeen: string;
  /** whole days from the first day flagged (London) to today */
  days: number;
};

export interface FlaggedListing {
  id: string;
  name: string;
  specialty: { code: string; name: string };
  site: { odsCode: string; name: string };
  flags: OpenFlag[];
}

export interface FlaggedProvider {
  odsCode: string;
  name: string;
  listings: FlaggedListing[];
}

export interface FlagFilter {
  flag: ListingFlagKind | null;
  provider: string | null;
}

const ODS = /^[A-Z0-9]{3,5}$/;

/** Reads `flag=` and `provider=` (either may be empty); anything else is refused, 400, with the field. */
export function readFlagFilter(query: { flag?: unknown; provider?: unknown }): FlagFilter {
  const one = (v: unknown) => (Array.isArray(v) ? v[0] : v);
  const flagText = String(one(query.flag) ?? '').trim().toUpperCase();
  const providerText = String(one(query.provider) ?? '').trim().toUpperCase();
  if (flagText !== '' && !(FLAG_KINDS as readonly string[]).includes(flagText)) {
    throw badRequest(`"${String(one(query.flag))}" is not a kind of flag: use ${FLAG_KINDS.join(', ')}, or none for all.`, [{ field: 'flag', message: `must be one of ${FLAG_KINDS.join(', ')}` }]);
  }
  if (providerText !== '' && !ODS.test(providerText)) {
    throw badRequest(`"${String(one(query.provider))}" is not a provider's ODS code (3 to 5 letters and digits, like RR8).`, [{ field: 'provider', message: 'must be a provider ODS code, like RR8' }]);
  }
  return { flag: (flagText || null) as ListingFlagKind | null, provider: providerText || null };
}

const DAY_MS = 86_400_000;

function openFlagsQuery(db: Kysely<DB>) {
  return db
    .selectFrom('listing_flag as f')
    .innerJoin('service as s', 's.id', 'f.service_id')
    .innerJoin('specialty as sp', 'sp.code', 's.specialty_code')
    .innerJoin('site as st', 'st.ods_code', 's.site_ods_code')
    .innerJoin('organisation as o', 'o.ods_code', 's.provider_ods_code')
    .select([
      'f.flag', 'f.first_flagged_at', 'f.last_seen_at', 'f.evidence', 's.id', 's.name', 's.specialty_code', 'sp.name as specialty_name',
      's.site_ods_code', 'st.name as site_name', 's.provider_ods_code', 'o.name as provider_name',
    ])
    .where('f.cleared_at', 'is', null)
    .orderBy('o.name').orderBy('s.provider_ods_code').orderBy('s.name').orderBy('s.id').orderBy('f.flag');
}

type Row = Awaited<ReturnType<ReturnType<typeof openFlagsQuery>['execute']>>[number];

function grouped(rows: Row[], now: Date): FlaggedProvider[] {
  const providers = new Map<string, FlaggedProvider>();
  const listings = new Map<string, FlaggedListing>();
  for (const r of rows) {
    let p = providers.get(r.provider_ods_code);
    if (!p) providers.set(r.provider_ods_code, (p = { odsCode: r.provider_ods_code, name: r.provider_name, listings: [] }));
    let l = listings.get(r.id);
    if (!l) {
      l = { id: r.id, name: r.name, specialty: { code: r.specialty_code, name: r.specialty_name }, site: { odsCode: r.site_ods_code, name: r.site_name }, flags: [] };
      listings.set(r.id, l);
      p.listings.push(l);
    }
    const since = new Date(r.first_flagged_at);
    const lastSeen = new Date(r.last_seen_at);
    l.flags.push({
      ...({ flag: r.flag, evidence: r.evidence ?? {} } as FlagEvidence), ...FLAG_WORDS[r.flag], since: since.toISOString(), lastSeen: lastSeen.toISOString(),
      days: Math.max(0, Math.round((Date.parse(londonDate(now)) - Date.parse(londonDate(since))) / DAY_MS)),
    });
  }
  return [...providers.values()];
}

/** The provider's own listings that need attention (its organisation's). */
export async function providerFlags(db: Kysely<DB>, staff: StaffPrincipal, now: Date = new Date()): Promise<FlaggedListing[]> {
  const rows = await openFlagsQuery(db).where('s.provider_ods_code', '=', staff.organisation.odsCode).execute();
  return grouped(rows, now).flatMap((p) => p.listings);
}

/** The listings needing attention that the ICB's patients are offered (see the head of this file), by provider. */
export async function icbFlags(db: Kysely<DB>, icb: string, filter: FlagFilter, now: Date = new Date()): Promise<FlaggedProvider[]> {
  const from = addDays(londonDate(now), -OFFERED_WITHIN_DAYS);
  let q = openFlagsQuery(db).where((eb) =>
    eb.or([
      eb('o.icb_code', '=', icb),
      // Per flagged listing (there are few), its shortlists by referral_option's service index, not the ICB's year of referrals.
      eb.exists(eb.selectFrom('referral_option as ro').innerJoin('choice_fact as cf', 'cf.ubrn', 'ro.ubrn').select(eb.lit(1).as('one'))
        .whereRef('ro.service_id', '=', 'f.service_id').where('cf.icb_code', '=', icb).where('cf.made_on', '>=', from)),
    ]));
  if (filter.flag) q = q.where('f.flag', '=', filter.flag);
  if (filter.provider) q = q.where('s.provider_ods_code', '=', filter.provider);
  return grouped(await q.execute(), now);
}

/** The providers with a flagged listing the ICB's patients are offered, whatever the filter, for its picker. */
export async function icbFlaggedProviders(db: Kysely<DB>, icb: string, now: Date = new Date()): Promise<{ odsCode: string; name: string }[]> {
  return (await icbFlags(db, icb, { flag: null, provider: null }, now)).map((p) => ({ odsCode: p.odsCode, name: p.name }));
}
