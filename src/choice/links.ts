// The addresses the commissioner's choice pages link to: each keeps the period, the specialty and (for an admin) the
// ICB of the page it is on, so a sort, a page or a drill-down shows the same figures it came from.
import type { Measure } from './wording.ts';

export const CHOICE_PATH = '/commissioner/choice';
export const DRILL_DOWN_PATH = '/commissioner/choice/referrals';

/** What a link to the dashboard keeps of the page it is on. */
export interface DashboardState {
  from: string;
  to: string;
  interval: string;
  specialty: string | null;
  sort: string;
  order: 'asc' | 'desc';
  allPractices: boolean;
}

type Params = Record<string, string | number | null | undefined>;

/** A path with its query, leaving out empty values. */
export function href(path: string, params: Params): string {
  const search = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) if (v !== null && v !== undefined && v !== '') search.set(k, String(v));
  const s = search.toString();
  return s ? `${path}?${s}` : path;
}

/** The dashboard sorted by a column: ascending first for a name, descending first for a figure; again to reverse. */
export function sortHref(q: DashboardState, icb: string | null, column: string, anchor: string): { href: string; ariaSort: 'ascending' | 'descending' | null } {
  const current = q.sort === column;
  const order = current ? (q.order === 'asc' ? 'desc' : 'asc') : column === 'name' ? 'asc' : 'desc';
  return {
    href: `${href(CHOICE_PATH, { from: q.from, to: q.to, interval: q.interval, specialty: q.specialty, sort: column, order, practices: q.allPractices ? 'all' : null, icb })}#${anchor}`,
    ariaSort: current ? (q.order === 'asc' ? 'ascending' : 'descending') : null,
  };
}

export type Whose = { practice?: string | null; referralCentre?: string | null; provider?: string | null };

/** The referrals behind a figure. */
export function drillDownHref(period: { from: string; to: string; specialty?: string | null }, icb: string | null, whose: Whose, measure: Measure, reason?: string | null, page?: number): string {
  return href(DRILL_DOWN_PATH, {
    from: period.from, to: period.to, specialty: period.specialty ?? null,
    practice: whose.practice ?? null, referralCentre: whose.referralCentre ?? null, provider: whose.provider ?? null,
    measure, reason: reason ?? null, page: page && page > 1 ? page : null, icb,
  });
}
