// The daily listing-upkeep run: reads the facts every rule needs for every listing in four grouped queries, applies
// the rules (src/domain/listing-upkeep.ts), then opens, keeps and clears listing_flag rows in short transactions of
// BATCH listings each (PGlite runs one transaction at a time; no long transaction holds the table). Idempotent: a
// second run the same day opens and clears nothing, and only moves last_seen_at and the evidence. Two runs at once
// cannot open a flag twice (a partial unique index), and the job queue runs one at a time in any case.
import { type Kysely, sql } from 'kysely';
import type { DB } from '../db/schema.ts';
import { londonDate } from '../domain/dates.ts';
import { asiWindowFrom, type FlagEvidence, flagsFor, type ListingFacts, type ListingFlagKind } from '../domain/listing-upkeep.ts';

const BATCH = 200;

export interface UpkeepReport {
  listings: number;
  opened: number;
  kept: number;
  cleared: number;
}

/** The facts of every listing as of `now`, by service id. */
export async function listingFacts(db: Kysely<DB>, now: Date): Promise<Map<string, ListingFacts>> {
  const today = londonDate(now);
  const [services, latest, providers, slots, asi] = await Promise.all([
    db.selectFrom('service')
      .select(['id', 'provider_ods_code', 'directly_bookable', 'active', 'withdrawn_at', 'accreditation_status', 'indicative_wait_as_of', 'indicative_wait_basis'])
      .orderBy('id')
      .execute(),
    db.selectFrom('rtt_wait').select((eb) => eb.fn.max('period').as('period')).executeTakeFirst(),
    db.selectFrom('rtt_wait').select(['provider_ods_code', (eb) => eb.fn.max('period').as('period')]).groupBy('provider_ods_code').execute(),
    db.selectFrom('slot')
      .select([
        'service_id',
        sql<Date | null>`min(starts_at) filter (where withdrawn_at is null and starts_at >= ${now})`.as('next_starts_at'),
        sql<Date | null>`max(created_at)`.as('last_created_at'),
      ])
      .groupBy('service_id')
      .execute(),
    db.selectFrom('choice_fact')
      .select(['service_id', sql<string>`count(*)`.as('referrals'), sql<string>`count(*) filter (where appointment_slot_issue)`.as('slot_issues')])
      .where('service_id', 'is not', null)
      .where('source', '=', 'REFERRAL')
      .where('made_on', '>=', asiWindowFrom(today))
      .where('made_on', '<=', today)
      .groupBy('service_id')
      .execute(),
  ]);
  const dateOf = (d: unknown): string | null => (d === null || d === undefined ? null : d instanceof Date ? d.toISOString().slice(0, 10) : String(d).slice(0, 10));
  const latestPeriod = dateOf(latest?.period);
  const providerLatest = new Map(providers.map((p) => [p.provider_ods_code, dateOf(p.period)]));
  const slotsOf = new Map(slots.map((s) => [s.service_id, s]));
  const asiOf = new Map(asi.map((a) => [a.service_id!, a]));
  const facts = new Map<string, ListingFacts>();
  for (const s of services) {
    const slot = slotsOf.get(s.id);
    const a = asiOf.get(s.id);
    facts.set(s.id, {
      listed: s.active && s.withdrawn_at === null && s.accreditation_status === 'ACCREDITED',
      wait: {
        waitAsOf: dateOf(s.indicative_wait_as_of), basis: s.indicative_wait_basis,
        providerLatestPeriod: providerLatest.get(s.provider_ods_code) ?? null, latestPeriod,
      },
      slots: { directlyBookable: s.directly_bookable, nextSlotStartsAt: slot?.next_starts_at ?? null, lastPublishedAt: slot?.last_created_at ?? null },
      asi: { referrals: Number(a?.referrals ?? 0), slotIssues: Number(a?.slot_issues ?? 0) },
    });
  }
  return facts;
}

/** Evaluates every listing as of `now` (tests choose it) and opens, keeps and clears its flags. */
export async function evaluateListings(db: Kysely<DB>, now: Date = new Date()): Promise<UpkeepReport> {
  const today = londonDate(now);
  const facts = await listingFacts(db, now);
  const found = new Map<string, FlagEvidence[]>();
  for (const [id, f] of facts) found.set(id, flagsFor(f, now, today));
  // Services with an open flag, flagged now or not: only those need a write.
  const open = await db.selectFrom('listing_flag').select(['service_id', 'flag']).where('cleared_at', 'is', null).execute();
  const touched = [...new Set([...open.map((o) => o.service_id), ...[...found].filter(([, f]) => f.length > 0).map(([id]) => id)])].sort();
  const report: UpkeepReport = { listings: facts.size, opened: 0, kept: 0, cleared: 0 };
  for (let i = 0; i < touched.length; i += BATCH) {
    const ids = touched.slice(i, i + BATCH);
    const r = await db.transaction().execute((trx) => reconcile(trx, ids, found, now));
    report.opened += r.opened;
    report.kept += r.kept;
    report.cleared += r.cleared;
  }
  return report;
}

async function reconcile(trx: Kysely<DB>, ids: string[], found: Map<string, FlagEvidence[]>, now: Date) {
  const r = { opened: 0, kept: 0, cleared: 0 };
  const open = await trx.selectFrom('listing_flag').select(['id', 'service_id', 'flag']).where('service_id', 'in', ids).where('cleared_at', 'is', null).forUpdate().execute();
  const openBy = new Map(open.map((o) => [`${o.service_id} ${o.flag}`, o.id]));
  const toClear: number[] = [];
  const seen = new Set<string>();
  for (const id of ids) {
    for (const f of found.get(id) ?? []) {
      const key = `${id} ${f.flag}`;
      seen.add(key);
      const evidence = JSON.stringify(f.evidence);
      const existing = openBy.get(key);
      if (existing !== undefined) {
        await trx.updateTable('listing_flag').set({ last_seen_at: now, evidence }).where('id', '=', existing).execute();
        r.kept++;
      } else {
        const inserted = await trx.insertInto('listing_flag')
          .values({ service_id: id, flag: f.flag as ListingFlagKind, first_flagged_at: now, last_seen_at: now, evidence })
          .onConflict((oc) => oc.columns(['service_id', 'flag']).where('cleared_at', 'is', null).doNothing())
          .returning('id')
          .executeTakeFirst();
        if (inserted) r.opened++;
      }
    }
  }
  for (const [key, flagId] of openBy) if (!seen.has(key)) toClear.push(flagId);
  if (toClear.length > 0) {
    await trx.updateTable('listing_flag').set({ cleared_at: now }).where('id', 'in', toClear).execute();
    r.cleared = toClear.length;
  }
  return r;
}
