// The results as the page shows them, with publication's suppression applied (the survey's results are meant for
// publication, so the ICB's page shows what may be published): a count of 1 to 9 invitations or responses is
// shown as "fewer than 10", and a share is withheld when its group has fewer than 10 responses or its own
// denominator is below 10 (the GP Patient Survey's rule: no result from fewer than 10 responses). Comments are
// never published; they are listed separately, for the ICB's own staff only.
import { isSmallNumber, type Share, SUPPRESS_BELOW } from '../domain/statistics.ts';
import { halfYearWords } from '../domain/half-year.ts';
import { QUESTIONS } from './questions.ts';
import type { Figures, SurveyResults } from './results.ts';

export interface CountView {
  value: number | null;
  /** shown instead of the value: "fewer than 10" */
  withheld: boolean;
}

export interface ShareView {
  /** whole percentages, or null when withheld or without a denominator */
  percent: number | null;
  low: number | null;
  high: number | null;
  count: number | null;
  denominator: number;
  /** fewer than 10 answers behind it */
  withheld: boolean;
}

export interface FiguresView {
  invitations: CountView;
  responses: CountView;
  responseRate: ShareView;
  questions: ({ field: string; short: string; text: string; positive: string } & ShareView)[];
}

const pct = (v: number | null) => (v === null ? null : Math.round(v * 100));
/** The share in whole percentages from its counts: 23 of 40 is 58 %, where 0.575 × 100 in floating point rounds to 57. */
const percentOf = (s: Share) => Math.round((100 * s.count) / s.denominator);

const countView = (n: number): CountView => (isSmallNumber(n) ? { value: null, withheld: true } : { value: n, withheld: false });

function shareView(s: Share, groupResponses: number): ShareView {
  const withheld = s.denominator > 0 && (groupResponses < SUPPRESS_BELOW || s.denominator < SUPPRESS_BELOW);
  if (withheld || s.denominator === 0) return { percent: null, low: null, high: null, count: null, denominator: s.denominator, withheld };
  return { percent: percentOf(s), low: pct(s.low), high: pct(s.high), count: s.count, denominator: s.denominator, withheld: false };
}

export function figuresView(f: Figures): FiguresView {
  return {
    invitations: countView(f.invitations),
    responses: countView(f.responses),
    // The rate's denominator is the invitations, but it says as much about the responses as they do.
    responseRate: f.responses > 0 && f.responses < SUPPRESS_BELOW ? { ...shareView(f.responseRate, f.responses), withheld: true, percent: null, count: null } : shareView(f.responseRate, f.invitations),
    questions: QUESTIONS.map((q) => ({ field: q.field, short: q.short, text: q.text, positive: q.positive, ...shareView(f.questions[q.field], f.responses) })),
  };
}

export function resultsView(r: SurveyResults) {
  return {
    half: { code: r.half, words: halfYearWords(r.half) },
    previous: { code: r.previous, words: halfYearWords(r.previous) },
    current: figuresView(r.current),
    before: figuresView(r.before),
    practices: r.practices.map((p) => ({ odsCode: p.odsCode, name: p.name, figures: figuresView(p.current) })),
    comments: r.comments,
  };
}
