// The rules by which the evidence OpenChoice already holds suggests a rating for an item of the self-assessment
// (src/assurance/offered-evidence.ts gathers the figures). Each rule is written once here, in words for the page and
// as a function; the assessor may accept the suggestion or overrule it with a reason. Pure: no I/O.
//
// The thresholds, and why:
//  MS6 offered at least 5 options: Green ≥ 95% of referrals whose options are known (the legal right is for every
//      patient; 95% allows for coded clinical exceptions), Amber ≥ 80%, else Red.
//  MS7 electronic referrals: Green ≥ 80% (the standard's own figure), Amber ≥ 70%, else Red (the key names "not
//      securing 80% e-RS utilisation" as practice contrary to obligations, so below 80% is never Green).
//  MS8 referrals accepted (not rejected): Green ≥ 99%, Amber ≥ 95%, else Red. OpenChoice cannot tell a clinically
//      appropriate referral from another, so a rejection counts against it unless the assessor says otherwise.
//  MS9 and 5.4 18-week alternatives: OpenChoice knows the alternatives offered and taken, not how many patients
//      should have been offered one; any offered suggests Amber (practice occurs; the notified count is needed for
//      Green), none suggests nothing.
//  3.4 and MS2 stale listings: Green when no listing offered to the ICB's patients is flagged, Amber when flagged
//      listings are 10% or fewer of those offered and none has been flagged for more than 30 days, else Red.
//  4.2 and MS3 patterns that moved: Green when every flagged pattern has a finding that closes it, Amber when some
//      have a finding recorded, Red when patterns moved and nothing was recorded; no flagged pattern suggests nothing.
//  6.2 test shortlists: Green with a finished run in each month of the period so far, Amber with at least one,
//      Red with none.
//  6.4 survey: Green with 50 or more responses in the half-year, Amber with 1 to 49, Red with none.
//  5.6 and MS5 have no rule yet (their evidence comes with capacity notices and accreditation).
import type { Rating } from './self-assessment-items.ts';
import type { Share } from './statistics.ts';

/** One figure: a share (count of denominator, with its interval) or a plain count. */
export interface OfferedFigure {
  label: string;
  share?: Share;
  count?: number;
}

export interface OfferedEvidence {
  /** the dates the figures cover (the half-year, up to today) */
  from: string;
  to: string;
  /** one sentence saying what the figures show */
  summary: string;
  figures: OfferedFigure[];
  /** the rating the rule suggests, or null when the figures cannot say */
  suggestedRating: Rating | null;
  /** the rule, in words */
  rule: string;
  /** where the figures can be seen in full */
  source: { text: string; href: string };
}

/** The half-year asked for, cut to today. */
export interface EvidencePeriod {
  period: string;
  from: string;
  to: string;
}

/** A share as the rules read it: how many of how many. */
export interface Fraction {
  count: number;
  denominator: number;
}

const ratio = (f: Fraction) => (f.denominator === 0 ? null : f.count / f.denominator);

/** Green at or above `green`, Amber at or above `amber`, else Red; null when there is nothing to measure. */
export function byThreshold(f: Fraction, green: number, amber: number): Rating | null {
  const r = ratio(f);
  if (r === null) return null;
  return r >= green ? 'GREEN' : r >= amber ? 'AMBER' : 'RED';
}

export const RULES = {
  MS6: 'Green when 95% or more of referrals whose options are known were offered at least 5; Amber from 80%; else Red.',
  MS7: 'Green when 80% or more of referrals were made electronically (the standard); Amber from 70%; else Red.',
  MS8: 'Green when 99% or more of referrals were accepted (not rejected by the provider); Amber from 95%; else Red.',
  ALTERNATIVES: 'Amber when faster alternatives were offered (practice occurs; how many patients should have been offered one is not known here, so Green needs the assessor\'s evidence); no suggestion when none were.',
  LISTINGS: 'Green when no listing offered to the ICB\'s patients is flagged; Amber when 10% or fewer are and none for more than 30 days; else Red.',
  PATTERNS: 'Green when every flagged pattern has a finding that closes it; Amber when some have a finding recorded; Red when none has; no suggestion without a flagged pattern.',
  TEST_SHORTLISTS: 'Green with a finished test run in each month of the period so far; Amber with at least one; Red with none.',
  SURVEY: 'Green with 50 or more survey responses in the half-year; Amber with 1 to 49; Red with none.',
  ACCREDITATION: 'Red when any application was refused with every criterion met (never possible here) or one waits past its target; Green when every decision in the period was within the target time and none is overdue; Amber when some were late; no suggestion without an application.',
  CAPACITY_NOTICES: 'Green with a capacity notice in force in each month of the period so far; Amber with at least one; Red with none.',
} as const;

export const offeredAtLeast5Rating = (f: Fraction) => byThreshold(f, 0.95, 0.8);
export const electronicRating = (f: Fraction) => byThreshold(f, 0.8, 0.7);
/** `f` counts the referrals accepted (not rejected) of those made. */
export const acceptedRating = (f: Fraction) => byThreshold(f, 0.99, 0.95);

export function alternativesRating(offered: number): Rating | null {
  return offered > 0 ? 'AMBER' : null;
}

export function listingsRating(flagged: number, offered: number, longestFlaggedDays: number): Rating {
  if (flagged === 0) return 'GREEN';
  const share = offered === 0 ? 1 : flagged / offered;
  return share <= 0.1 && longestFlaggedDays <= 30 ? 'AMBER' : 'RED';
}

export function patternsRating(flagged: number, withFinding: number, closed: number): Rating | null {
  if (flagged === 0) return null;
  if (closed >= flagged) return 'GREEN';
  return withFinding > 0 ? 'AMBER' : 'RED';
}

export function testShortlistsRating(monthsWithRun: number, monthsSoFar: number): Rating {
  if (monthsWithRun === 0) return 'RED';
  return monthsWithRun >= monthsSoFar ? 'GREEN' : 'AMBER';
}

export function surveyRating(responses: number): Rating {
  return responses >= 50 ? 'GREEN' : responses > 0 ? 'AMBER' : 'RED';
}

/** MS5: accreditation decisions within the target time, and none overdue. */
export function accreditationRating(e: { applicationsDecided: number; decidedWithinTarget: number; openOverdue: number; open: number }): Rating | null {
  if (e.applicationsDecided === 0 && e.open === 0) return null;
  if (e.openOverdue > 0) return 'RED';
  return e.decidedWithinTarget >= e.applicationsDecided ? 'GREEN' : 'AMBER';
}

/** 5.6: capacity notices to referrers in force through the period. */
export function capacityNoticesRating(monthsWithNotice: number, monthsSoFar: number): Rating {
  if (monthsWithNotice === 0) return 'RED';
  return monthsWithNotice >= monthsSoFar ? 'GREEN' : 'AMBER';
}

/** How an item moved from one period to the next, by effective rating (Red < Amber < Green). */
export type Movement = 'UP' | 'DOWN' | 'SAME' | 'NEW';
const ORDER: Record<Rating, number> = { RED: 0, AMBER: 1, GREEN: 2 };
export function movement(previous: Rating | null, current: Rating | null): Movement | null {
  if (current === null) return null;
  if (previous === null) return 'NEW';
  return ORDER[current] > ORDER[previous] ? 'UP' : ORDER[current] < ORDER[previous] ? 'DOWN' : 'SAME';
}
