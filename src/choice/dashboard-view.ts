// What the dashboard's view shows of its figures: each table by practice, referral centre or provider as rows of
// cells, every count linking to the referrals behind it, and column headers that sort (aria-sort on the sorted one).
import { formatValue } from '../web/charts.ts';
import type { Share } from '../domain/statistics.ts';
import { type DashboardQuery, type GroupRow, PRACTICE_LIMIT, SORT_COLUMNS, type SortColumn } from './dashboard.ts';
import { drillDownHref, href, CHOICE_PATH, sortHref, type Whose } from './links.ts';
import type { Measure } from './wording.ts';

export interface Cell {
  text: string;
  href?: string;
  /** a second line: a share's interval and its count */
  note?: string;
}

const shareText = (s: Share) => formatValue(s.value, 'percent');
const shareNote = (s: Share) => (s.value === null ? 'no referrals with options' : `${formatValue(s.low, 'percent')} to ${formatValue(s.high, 'percent')}; ${s.count.toLocaleString('en-GB')} of ${s.denominator.toLocaleString('en-GB')}`);

export type TableKind = 'practice' | 'referralCentre' | 'provider';

/** One table of the dashboard. */
export function groupTable(kind: TableKind, rows: readonly GroupRow[], all: number, q: DashboardQuery, icb: string | null) {
  const id = { practice: 'by-practice', referralCentre: 'by-referral-centre', provider: 'by-provider' }[kind];
  const heading = { practice: 'By practice', referralCentre: 'By referral centre', provider: 'By provider' }[kind];
  const nameHeading = { practice: 'Practice', referralCentre: 'Referral centre', provider: 'Provider' }[kind];
  const columns = (Object.keys(SORT_COLUMNS) as SortColumn[]).map((c) => ({ column: c, text: c === 'name' ? nameHeading : SORT_COLUMNS[c], numeric: c !== 'name', ...sortHref(q, icb, c, id) }));
  const link = (r: GroupRow, measure: Measure, text: string): Cell => {
    if (r.key === null) return { text };
    const whose: Whose = { [kind]: r.key };
    return { text, href: drillDownHref(q, icb, whose, measure) };
  };
  return {
    id, heading, nameHeading, columns,
    caption: `${heading}: ${rows.length === all ? `${all.toLocaleString('en-GB')} ${all === 1 ? 'row' : 'rows'}` : `the first ${rows.length} of ${all.toLocaleString('en-GB')} by the sorted column`}`,
    shown: rows.length, all,
    showAllHref: kind === 'practice' && all > PRACTICE_LIMIT && !q.allPractices
      ? `${href(CHOICE_PATH, { from: q.from, to: q.to, interval: q.interval, specialty: q.specialty, sort: q.sort, order: q.order, practices: 'all', icb })}#${id}` : null,
    rows: rows.map((r) => ({
      key: r.key,
      name: r.key === null ? r.name : `${r.name} (${r.key})`,
      cells: [
        link(r, 'referrals', r.referrals.toLocaleString('en-GB')),
        { ...link(r, 'offeredAtLeast5', shareText(r.offeredAtLeast5)), note: shareNote(r.offeredAtLeast5) },
        { text: r.meanOptions === null ? 'no data' : r.meanOptions.toFixed(1) },
        { ...link(r, 'patientChose', shareText(r.patientChose)), note: shareNote(r.patientChose) },
        { ...link(r, 'bookedByPatient', shareText(r.bookedByPatient)), note: shareNote(r.bookedByPatient) },
        link(r, 'asi', r.asi.toLocaleString('en-GB')),
        link(r, 'rejected', r.rejected.toLocaleString('en-GB')),
        link(r, 'paper', r.paper.toLocaleString('en-GB')),
      ] as Cell[],
    })),
  };
}
