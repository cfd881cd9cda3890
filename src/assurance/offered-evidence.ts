// Evidence the system already holds, offered to the assessor beside an item rather than retyped: one registry from
// an item's id to what gathers its figures for an ICB and a half-year. Each figure states its period and
// denominator (a share with its 95% Wilson interval), and the rule that suggests a rating is in
// src/domain/evidence-ratings.ts.
import { type Kysely, sql } from 'kysely';
import { aggregate, type MetricsCounts } from '../choice/metrics.ts';
import type { Icb } from '../choice/icb-scope.ts';
import type { DB } from '../db/schema.ts';
import { londonDate } from '../domain/dates.ts';
import {
  accreditationRating, acceptedRating, alternativesRating, capacityNoticesRating, electronicRating, type EvidencePeriod, listingsRating, type OfferedEvidence, offeredAtLeast5Rating, patternsRating, RULES, surveyRating,
  testShortlistsRating,
} from '../domain/evidence-ratings.ts';
import { type Share, share } from '../domain/statistics.ts';
import { icbFlags, OFFERED_WITHIN_DAYS } from '../listing-upkeep/flags.ts';
import { accreditationEvidence } from '../accreditation/evidence.ts';
import { capacityNoticeEvidence } from '../referral-notices/service.ts';
import { detectPatterns } from '../patterns/detect.ts';
import { CLOSING, loadSummary } from '../patterns/service.ts';

// The shapes are in src/domain/evidence-ratings.ts, so that a feature below this one (capacity notices, accreditation)
// can write a source without importing this module: a function `(db, icb, period) => Promise<OfferedEvidence | null>`
// fits EvidenceSource as it is.
export type { EvidencePeriod, OfferedEvidence, OfferedFigure } from '../domain/evidence-ratings.ts';

export type EvidenceSource = (db: Kysely<DB>, icb: Icb, period: EvidencePeriod, context: EvidenceContext) => Promise<OfferedEvidence | null>;

/** What several sources share, computed once per assessment (the choice measures' counts). */
export interface EvidenceContext {
  counts(): Promise<MetricsCounts>;
}

const pct = (s: Share) => (s.value === null ? 'no' : `${Math.round(s.value * 1000) / 10}%`);
const dashboard = (p: EvidencePeriod) => ({ text: 'The choice dashboard', href: `/commissioner/choice?from=${p.from}&to=${p.to}` });

const ms6: EvidenceSource = async (_db, _icb, p, ctx) => {
  const c = await ctx.counts();
  const s = share(c.offeredAtLeast5, c.withOptions);
  return {
    from: p.from, to: p.to,
    summary: `${pct(s)} of referrals whose options are known were offered at least 5 options (${c.offeredAtLeast5} of ${c.withOptions}).`,
    figures: [{ label: 'Offered at least 5 options', share: s }, { label: 'Referrals made', count: c.referrals }],
    suggestedRating: offeredAtLeast5Rating(s), rule: RULES.MS6, source: dashboard(p),
  };
};

const ms7: EvidenceSource = async (_db, _icb, p, ctx) => {
  const c = await ctx.counts();
  const s = share(c.electronic, c.referrals);
  return {
    from: p.from, to: p.to,
    summary: `${pct(s)} of referrals were made electronically (${c.electronic} of ${c.referrals}).`,
    figures: [{ label: 'Made electronically', share: s }],
    suggestedRating: electronicRating(s), rule: RULES.MS7, source: dashboard(p),
  };
};

const ms8: EvidenceSource = async (_db, _icb, p, ctx) => {
  const c = await ctx.counts();
  const accepted = share(c.referrals - c.rejected, c.referrals);
  return {
    from: p.from, to: p.to,
    summary: `${pct(accepted)} of referrals were accepted by the provider (${c.rejected} of ${c.referrals} rejected).`,
    figures: [{ label: 'Accepted (not rejected)', share: accepted }, { label: 'Rejected', count: c.rejected }],
    suggestedRating: acceptedRating(accepted), rule: RULES.MS8, source: dashboard(p),
  };
};

const alternatives: EvidenceSource = async (_db, _icb, p, ctx) => {
  const c = await ctx.counts();
  const taken = share(c.fasterAlternativeTaken, c.fasterAlternativeOffered);
  return {
    from: p.from, to: p.to,
    summary: `${c.fasterAlternativeOffered} patients were offered a faster alternative to their 18-week wait; ${c.fasterAlternativeTaken} took one.`,
    figures: [{ label: 'Offered a faster alternative', count: c.fasterAlternativeOffered }, { label: 'Took the alternative, of those offered', share: taken }],
    suggestedRating: alternativesRating(c.fasterAlternativeOffered), rule: RULES.ALTERNATIVES, source: dashboard(p),
  };
};

const listings: EvidenceSource = async (db, icb, p) => {
  const flagged = (await icbFlags(db, icb.odsCode, { flag: null, provider: null })).flatMap((pr) => pr.listings);
  const since = londonDate(new Date(Date.now() - OFFERED_WITHIN_DAYS * 86_400_000));
  // The listings the ICB's patients were offered in the last year (as listing upkeep counts them).
  const offered = await db.selectFrom('referral_option as ro').innerJoin('choice_fact as cf', 'cf.ubrn', 'ro.ubrn')
    .select(sql<number>`count(distinct ro.service_id)::int`.as('n')).where('cf.icb_code', '=', icb.odsCode).where('cf.made_on', '>=', since).executeTakeFirst();
  const n = Math.max(offered?.n ?? 0, flagged.length);
  const longest = Math.max(0, ...flagged.flatMap((l) => l.flags.map((f) => f.days)));
  return {
    from: p.from, to: p.to,
    summary: flagged.length === 0 ? 'No listing offered to the ICB\'s patients is flagged as out of date today.' : `${flagged.length} of ${n} listings offered to the ICB's patients are flagged today; the longest for ${longest} days.`,
    figures: [{ label: 'Listings flagged today, of those offered in the last year', share: share(flagged.length, n) }, { label: 'Longest flagged (days)', count: longest }],
    suggestedRating: listingsRating(flagged.length, n, longest), rule: RULES.LISTINGS, source: { text: 'Listings needing attention', href: '/commissioner/listings' },
  };
};

const patterns: EvidenceSource = async (db, icb, p) => {
  const detection = detectPatterns(await loadSummary(db, icb, p), { from: p.from, to: p.to });
  const moved = detection.flagged;
  const findings = moved.length === 0 ? [] : await db.selectFrom('pattern_finding').select(['practice_ods_code', 'specialty_code', 'provider_ods_code', 'status'])
    .where('icb_code', '=', icb.odsCode).execute();
  const byKey = new Map(findings.map((f) => [`${f.practice_ods_code}-${f.specialty_code}-${f.provider_ods_code}`, f.status]));
  const statuses = moved.map((m) => byKey.get(`${m.practice}-${m.specialty}-${m.provider}`) ?? 'NEW');
  const withFinding = statuses.filter((s) => s !== 'NEW').length;
  const closed = statuses.filter((s) => (CLOSING as readonly string[]).includes(s)).length;
  return {
    from: p.from, to: p.to,
    summary: moved.length === 0 ? 'No referral pattern was flagged in the period.' : `${moved.length} referral patterns were flagged; a finding is recorded for ${withFinding} and ${closed} are closed.`,
    figures: [{ label: 'Flagged patterns with a finding recorded', share: share(withFinding, moved.length) }, { label: 'Closed (explained, action taken or not a concern)', share: share(closed, moved.length) }],
    suggestedRating: patternsRating(moved.length, withFinding, closed), rule: RULES.PATTERNS, source: { text: 'Referral patterns that moved', href: `/commissioner/patterns?from=${p.from}&to=${p.to}` },
  };
};

const testShortlists: EvidenceSource = async (db, icb, p) => {
  const runs = await db.selectFrom('test_shortlist_run').select(['finished_at', 'shortlists_run', 'short_count'])
    .where('icb_code', '=', icb.odsCode).where('finished_at', 'is not', null).where('error', 'is', null)
    .where(sql<boolean>`(finished_at at time zone 'Europe/London')::date between ${p.from}::date and ${p.to}::date`).execute();
  const months = new Set(runs.map((r) => londonDate(new Date(r.finished_at!)).slice(0, 7)));
  const monthsSoFar = Number(p.to.slice(5, 7)) - Number(p.from.slice(5, 7)) + 1;
  const run = runs.reduce((a, r) => a + r.shortlists_run, 0);
  const short = runs.reduce((a, r) => a + r.short_count, 0);
  return {
    from: p.from, to: p.to,
    summary: `${runs.length} test runs finished in ${months.size} of the period's ${monthsSoFar} months so far; ${short} of ${run} test shortlists fell short of 5 options or 5 providers.`,
    figures: [{ label: 'Finished test runs', count: runs.length }, { label: 'Test shortlists that fell short', share: share(short, run) }],
    suggestedRating: testShortlistsRating(months.size, monthsSoFar), rule: RULES.TEST_SHORTLISTS, source: { text: 'Test shortlists', href: '/commissioner/availability/tests' },
  };
};

const survey: EvidenceSource = async (db, icb, p) => {
  const rows = await db.selectFrom('survey_response').select([
    sql<number>`count(*)::int`.as('n'),
    sql<number>`count(*) filter (where offered_choice_of_where in ('AGREE', 'STRONGLY_AGREE'))::int`.as('offered'),
    sql<number>`count(*) filter (where offered_choice_of_where <> 'NOT_APPLICABLE')::int`.as('applicable'),
    sql<number>`count(*) filter (where aware_of_right = 'YES')::int`.as('aware'),
  ]).where('icb_code', '=', icb.odsCode).where('half_year', '=', p.period).executeTakeFirst();
  const n = rows?.n ?? 0;
  return {
    from: p.from, to: p.to,
    summary: `${n} patients answered the survey of meaningful choice in ${p.period}.`,
    figures: [{ label: 'Responses', count: n }, { label: 'Agree they were offered a choice of where', share: share(rows?.offered ?? 0, rows?.applicable ?? 0) }, { label: 'Aware of their right to choose', share: share(rows?.aware ?? 0, n) }],
    suggestedRating: surveyRating(n), rule: RULES.SURVEY, source: { text: 'The survey results', href: `/commissioner/survey?period=${p.period}` },
  };
};

const accreditation: EvidenceSource = async (db, icb, p) => {
  const e = await accreditationEvidence(db, icb.odsCode, p.from, p.to);
  return {
    from: p.from, to: p.to,
    summary: `${e.applicationsDecided} accreditation decisions in the period (${e.accredited} accredited, ${e.refused} refused, each refusal naming the criteria not met), ${e.decidedWithinTarget} within ${e.targetWorkingDays} working days; ${e.open} applications open, ${e.openOverdue} past the target.`,
    figures: [
      { label: 'Decisions within the target time', share: share(e.decidedWithinTarget, e.applicationsDecided) },
      { label: 'Applications open past the target', count: e.openOverdue },
      { label: 'Services suspended or withdrawn', count: e.suspended + e.withdrawn },
    ],
    suggestedRating: accreditationRating(e), rule: RULES.ACCREDITATION, source: { text: 'Provider accreditation', href: '/commissioner/accreditation' },
  };
};

const capacityNotices: EvidenceSource = async (db, icb, p) => {
  const e = await capacityNoticeEvidence(db, icb.odsCode, p.from, p.to);
  const rows = await db.selectFrom('capacity_notice').select(['starts_on', 'ends_on']).where('icb_code', '=', icb.odsCode)
    .where('starts_on', '<=', p.to).where('ends_on', '>=', p.from).execute();
  const months = monthsOf(p);
  const covered = months.filter((m) => rows.some((r) => r.starts_on.slice(0, 7) <= m && r.ends_on.slice(0, 7) >= m)).length;
  return {
    from: p.from, to: p.to,
    summary: `${e.notices} capacity notices in force in the period (${e.byIcb} from the ICB, ${e.byProviders} from providers: ${e.spareCapacity} of spare capacity, ${e.pauses} of pauses), covering ${e.specialties.length} specialties, in ${covered} of the period's ${months.length} months so far.`,
    figures: [{ label: 'Capacity notices', count: e.notices }, { label: 'Specialties covered', count: e.specialties.length }],
    suggestedRating: capacityNoticesRating(covered, months.length), rule: RULES.CAPACITY_NOTICES, source: { text: 'Capacity notices', href: '/commissioner/capacity-notices' },
  };
};

/** The months (YYYY-MM) of the period so far. */
function monthsOf(p: EvidencePeriod): string[] {
  const out: string[] = [];
  for (let y = Number(p.from.slice(0, 4)), m = Number(p.from.slice(5, 7)); `${y}-${String(m).padStart(2, '0')}` <= p.to.slice(0, 7); m === 12 ? ((m = 1), y++) : m++) {
    out.push(`${y}-${String(m).padStart(2, '0')}`);
  }
  return out;
}

/** The registry: item id → what gathers its evidence. */
export const OFFERED_EVIDENCE: Record<string, EvidenceSource> = {
  MS6: ms6,
  MS7: ms7,
  MS8: ms8,
  MS9: alternatives,
  '5.4': alternatives,
  '3.4': listings,
  MS2: listings,
  '4.2': patterns,
  MS3: patterns,
  '6.2': testShortlists,
  '6.4': survey,
  MS5: accreditation,
  '5.6': capacityNotices,
};

/** The half-year cut to today (London), or null when it has not started yet. */
export function evidencePeriod(period: { period: string; from: string; to: string }, today = londonDate()): EvidencePeriod | null {
  if (period.from > today) return null;
  return { period: period.period, from: period.from, to: period.to < today ? period.to : today };
}

/** A context that counts the choice measures once, when first asked. */
export function evidenceContext(db: Kysely<DB>, icb: Icb, p: EvidencePeriod): EvidenceContext {
  let counts: Promise<MetricsCounts> | null = null;
  return {
    counts: () => (counts ??= aggregate(db, { icb, from: p.from, to: p.to }, ['icb']).then((m) => m.get('icb')![0]!.counts)),
  };
}

/** The offered evidence of the items asked for (all, by default): a map of item id to evidence. */
export async function offeredEvidence(db: Kysely<DB>, icb: Icb, period: { period: string; from: string; to: string }, itemIds?: readonly string[]): Promise<Map<string, OfferedEvidence>> {
  const p = evidencePeriod(period);
  const out = new Map<string, OfferedEvidence>();
  if (!p) return out;
  const ctx = evidenceContext(db, icb, p);
  const wanted = (itemIds ?? Object.keys(OFFERED_EVIDENCE)).filter((id) => OFFERED_EVIDENCE[id]);
  // Items that share a source (MS9 and 5.4, 3.4 and MS2, 4.2 and MS3) gather it once.
  const runs = new Map<EvidenceSource, Promise<OfferedEvidence | null>>();
  const results = await Promise.all(wanted.map((id) => {
    const source = OFFERED_EVIDENCE[id]!;
    if (!runs.has(source)) runs.set(source, source(db, icb, p, ctx));
    return runs.get(source)!;
  }));
  wanted.forEach((id, i) => {
    if (results[i]) out.set(id, results[i]);
  });
  return out;
}
