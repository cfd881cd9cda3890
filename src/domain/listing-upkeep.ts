// A directory that is kept up to date (2016 guide, minimum standard 2 and action 3.4): the rules that flag a listing
// as needing attention, each with the evidence that made it hold. Every threshold is in UPKEEP, and only there; the
// README states them. Pure: the job (src/listing-upkeep/evaluate.ts) reads the facts and hands them here.
import { wilson } from './statistics.ts';

export type ListingFlagKind = 'STALE_WAIT' | 'NO_SLOTS' | 'HIGH_ASI';
export const FLAG_KINDS: readonly ListingFlagKind[] = ['STALE_WAIT', 'NO_SLOTS', 'HIGH_ASI'];

export const UPKEEP = {
  /** A wait the provider gave itself is stale when it is more than this many days old. */
  providerWaitMaxAgeDays: 42,
  /** NO_SLOTS: no slot starting within this many weeks from now (withdrawn slots do not count)… */
  slotsAheadWeeks: 4,
  /** …and no slot published (created, withdrawn since or not) within this many weeks before now. */
  slotsPublishedWithinWeeks: 4,
  /** HIGH_ASI looks at the referrals made in this many weeks up to and including today. */
  asiWindowWeeks: 12,
  /** HIGH_ASI holds when the 95% Wilson interval's lower bound of the slot-issue rate is above this… */
  asiRateAbove: 0.1,
  /** …and at least this many referrals were deferred for want of a slot, so one unlucky deferral flags nobody. */
  asiMinCount: 3,
} as const;

const DAY_MS = 86_400_000;

/** Where a listing's indicative wait comes from, read from the words the importer or the provider's edit wrote. */
export type WaitSource = 'RTT' | 'PROVIDER';

/** The importer writes "…, NHS England RTT April 2026"; anything else (the provider's own edit says "Given by the provider") is the provider's. */
export function waitSourceOf(basis: string | null): WaitSource {
  return basis !== null && /NHS England RTT/i.test(basis) ? 'RTT' : 'PROVIDER';
}

/** Whole days from one calendar date to another ('YYYY-MM-DD'), later minus earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS);
}

/** A calendar date `days` after (or, negative, before) another. */
export function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

export interface StaleWaitEvidence {
  source: WaitSource;
  /** the date the listing's wait describes */
  waitAsOf: string;
  /** RTT: the latest month's date the statistics were loaded for (this provider's, or any provider's when it is missing from it) */
  latestPublication: string | null;
  /** PROVIDER: how old the wait is, in days, and the most it may be */
  ageDays: number;
  maxAgeDays: number | null;
}

export interface WaitFacts {
  waitAsOf: string | null;
  basis: string | null;
  /** the latest rtt_wait.period loaded for the service's provider, or null if none */
  providerLatestPeriod: string | null;
  /** the latest rtt_wait.period loaded for any provider, or null if none is loaded */
  latestPeriod: string | null;
}

/**
 * STALE_WAIT. A wait from the RTT statistics is stale when it is older than the latest month loaded for its provider;
 * when the provider is missing from the latest month loaded for anyone, that month is the measure (its figures were
 * published, the listing did not follow). A provider's own wait is stale when it is more than 42 days old. A listing
 * without a wait says nothing stale.
 */
export function staleWait(facts: WaitFacts, today: string): StaleWaitEvidence | null {
  const { waitAsOf } = facts;
  if (waitAsOf === null) return null;
  const source = waitSourceOf(facts.basis);
  const ageDays = daysBetween(waitAsOf, today);
  if (source === 'RTT') {
    const inLatest = facts.providerLatestPeriod !== null && facts.providerLatestPeriod === facts.latestPeriod;
    const latestPublication = inLatest ? facts.providerLatestPeriod : facts.latestPeriod;
    if (latestPublication === null || waitAsOf >= latestPublication) return null;
    return { source, waitAsOf, latestPublication, ageDays, maxAgeDays: null };
  }
  if (ageDays <= UPKEEP.providerWaitMaxAgeDays) return null;
  return { source, waitAsOf, latestPublication: null, ageDays, maxAgeDays: UPKEEP.providerWaitMaxAgeDays };
}

export interface SlotFacts {
  directlyBookable: boolean;
  /** the earliest slot not withdrawn that starts at or after now, or null */
  nextSlotStartsAt: Date | null;
  /** when the service last published a slot (the latest slot.created_at), or null if it never has */
  lastPublishedAt: Date | null;
}

export interface NoSlotsEvidence {
  nextSlotStartsAt: string | null;
  lastPublishedAt: string | null;
  aheadWeeks: number;
  publishedWithinWeeks: number;
}

/**
 * NO_SLOTS. A directly bookable service with no slot starting in the 4 weeks from now (now ≤ start < now + 28 days,
 * withdrawn ones not counting) and none published in the 4 weeks before now (now − 28 days ≤ created ≤ now).
 * A service that is not directly bookable is booked by the provider and publishes none.
 */
export function noSlots(facts: SlotFacts, now: Date): NoSlotsEvidence | null {
  if (!facts.directlyBookable) return null;
  const ahead = now.getTime() + UPKEEP.slotsAheadWeeks * 7 * DAY_MS;
  const since = now.getTime() - UPKEEP.slotsPublishedWithinWeeks * 7 * DAY_MS;
  const next = facts.nextSlotStartsAt?.getTime() ?? null;
  if (next !== null && next >= now.getTime() && next < ahead) return null;
  const published = facts.lastPublishedAt?.getTime() ?? null;
  if (published !== null && published >= since) return null;
  return {
    nextSlotStartsAt: facts.nextSlotStartsAt?.toISOString() ?? null,
    lastPublishedAt: facts.lastPublishedAt?.toISOString() ?? null,
    aheadWeeks: UPKEEP.slotsAheadWeeks,
    publishedWithinWeeks: UPKEEP.slotsPublishedWithinWeeks,
  };
}

export interface AsiFacts {
  /** referrals made in the window that are now at this service */
  referrals: number;
  /** of those, the ones ever deferred to the provider for want of a slot */
  slotIssues: number;
}

export interface HighAsiEvidence {
  slotIssues: number;
  referrals: number;
  rate: number;
  low: number;
  high: number;
  /** the first day of the window, 'YYYY-MM-DD' */
  from: string;
  windowWeeks: number;
  rateAbove: number;
  minCount: number;
}

/** The first day of the HIGH_ASI window ending today: 12 weeks, today included (today − 83 days). */
export function asiWindowFrom(today: string): string {
  return addDays(today, -(UPKEEP.asiWindowWeeks * 7 - 1));
}

/**
 * HIGH_ASI. At least 3 referrals deferred for want of a slot in the window, and the lower bound of the 95% Wilson
 * interval of slot issues ÷ referrals above 10%: a rate that high is not chance.
 */
export function highAsi(facts: AsiFacts, today: string): HighAsiEvidence | null {
  const { referrals, slotIssues } = facts;
  if (slotIssues < UPKEEP.asiMinCount || referrals === 0) return null;
  const ci = wilson(slotIssues, referrals);
  if (!ci || ci.low <= UPKEEP.asiRateAbove) return null;
  return {
    slotIssues, referrals, rate: slotIssues / referrals, low: ci.low, high: ci.high,
    from: asiWindowFrom(today), windowWeeks: UPKEEP.asiWindowWeeks, rateAbove: UPKEEP.asiRateAbove, minCount: UPKEEP.asiMinCount,
  };
}

export type FlagEvidence =
  | { flag: 'STALE_WAIT'; evidence: StaleWaitEvidence }
  | { flag: 'NO_SLOTS'; evidence: NoSlotsEvidence }
  | { flag: 'HIGH_ASI'; evidence: HighAsiEvidence };

export interface ListingFacts {
  /** listed: active, not withdrawn, accredited. A listing off the directory needs no attention. */
  listed: boolean;
  wait: WaitFacts;
  slots: SlotFacts;
  asi: AsiFacts;
}

/** Every flag that holds for one listing, in FLAG_KINDS order. */
export function flagsFor(facts: ListingFacts, now: Date, today: string): FlagEvidence[] {
  if (!facts.listed) return [];
  const found: FlagEvidence[] = [];
  const stale = staleWait(facts.wait, today);
  if (stale) found.push({ flag: 'STALE_WAIT', evidence: stale });
  const slots = noSlots(facts.slots, now);
  if (slots) found.push({ flag: 'NO_SLOTS', evidence: slots });
  const asi = highAsi(facts.asi, today);
  if (asi) found.push({ flag: 'HIGH_ASI', evidence: asi });
  return found;
}

/** What a flag means, in a sentence for the provider and the ICB. */
export const FLAG_WORDS: Record<ListingFlagKind, { tag: string; sentence: string }> = {
  STALE_WAIT: { tag: 'Wait out of date', sentence: 'The indicative wait is older than its source\'s latest figures.' },
  NO_SLOTS: { tag: 'No slots', sentence: `No slots start in the next ${UPKEEP.slotsAheadWeeks} weeks and none were published in the last ${UPKEEP.slotsPublishedWithinWeeks}.` },
  HIGH_ASI: { tag: 'Slot issues', sentence: `Too many patients were deferred for want of a slot in the last ${UPKEEP.asiWindowWeeks} weeks.` },
};
