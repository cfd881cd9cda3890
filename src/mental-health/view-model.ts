// What the standards pages show: each figure with its verdict in words (never colour alone), and a small line chart
// per service drawn as SVG from the same figures the table beside it lists. Pure.
import { type Confidence, type Interval, publishable, SERVICE_NAMES, type ServiceKind, type SliceFigures, type Standard, type StandardFigure, STANDARDS, type Verdict } from './standards.ts';
import type { StandardsReport } from './figures.ts';

export const STANDARD_TEXT: Record<Standard['id'], string> = {
  EIP_2_WEEKS: 'More than 50% start treatment within 2 weeks (14 days) of referral',
  TT_6_WEEKS: '75% start treatment within 6 weeks (42 days) of referral',
  TT_18_WEEKS: '95% start treatment within 18 weeks (126 days) of referral',
};

export const SHORT_TEXT: Record<Standard['id'], string> = {
  EIP_2_WEEKS: 'Within 2 weeks',
  TT_6_WEEKS: 'Within 6 weeks',
  TT_18_WEEKS: 'Within 18 weeks',
};

const VERDICT_TEXT: Record<Verdict, string> = { MET: 'Met', NOT_MET: 'Not met', NO_DATA: 'No pathways treated' };
const CONFIDENCE_TEXT: Record<Confidence, string> = {
  CLEARLY_MET: 'the 95% confidence interval lies wholly on the side of the standard',
  CLEARLY_NOT_MET: 'the 95% confidence interval lies wholly short of the standard',
  SPANS_TARGET: 'the 95% confidence interval includes the standard, so the difference from it may be chance',
};

const pct = (v: number | null): number | null => (v === null ? null : Math.round(v * 1000) / 10);

export interface FigureView {
  id: Standard['id'];
  text: string;
  short: string;
  targetPercent: number;
  ambitionPercent: number | null;
  /** null when withheld for publication */
  treated: number | null;
  within: number | null;
  percent: number | null;
  lowPercent: number | null;
  highPercent: number | null;
  verdict: Verdict | null;
  verdictText: string;
  confidenceText: string | null;
  ambitionText: string | null;
  stillWaiting: number;
  stillWaitingPast: number | null;
  suppressed: boolean;
}

/** One figure for a page: with `publication`, small numbers are withheld as they would be when published. */
export function figureView(f: StandardFigure, publication: boolean): FigureView {
  const base = {
    id: f.standard.id,
    text: STANDARD_TEXT[f.standard.id],
    short: SHORT_TEXT[f.standard.id],
    targetPercent: f.standard.target * 100,
    ambitionPercent: f.standard.laterAmbition === null ? null : f.standard.laterAmbition * 100,
    stillWaiting: f.stillWaiting,
  };
  if (publication) {
    const p = publishable(f);
    return {
      ...base,
      treated: p.treated,
      within: p.treatedWithin?.count ?? null,
      percent: pct(p.treatedWithin?.value ?? null),
      lowPercent: pct(p.treatedWithin?.low ?? null),
      highPercent: pct(p.treatedWithin?.high ?? null),
      verdict: p.verdict,
      verdictText: p.verdict === null ? 'Withheld (small numbers)' : VERDICT_TEXT[p.verdict],
      confidenceText: p.confidence === null ? null : CONFIDENCE_TEXT[p.confidence],
      ambitionText: null,
      stillWaitingPast: p.stillWaitingPast,
      suppressed: p.suppressed,
    };
  }
  return {
    ...base,
    treated: f.treatedWithin.denominator,
    within: f.treatedWithin.count,
    percent: pct(f.treatedWithin.value),
    lowPercent: pct(f.treatedWithin.low),
    highPercent: pct(f.treatedWithin.high),
    verdict: f.verdict,
    verdictText: VERDICT_TEXT[f.verdict],
    confidenceText: f.confidence === null ? null : CONFIDENCE_TEXT[f.confidence],
    ambitionText: f.ambitionVerdict === null || f.ambitionVerdict === 'NO_DATA' ? null
      : `${f.ambitionVerdict === 'MET' ? 'Met' : 'Not met'} against NHS England's later ambition of more than ${f.standard.laterAmbition! * 100}%`,
    stillWaitingPast: f.stillWaitingPast,
    suppressed: false,
  };
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const QUARTERS = ['Jan to Mar', 'Apr to Jun', 'Jul to Sep', 'Oct to Dec'];

/** '2026-04' as 'Apr 2026', '2026-Q2' as 'Apr to Jun 2026': the chart's axis and the table's rows say the same. */
export function sliceLabel(key: string): string {
  const q = /^(\d{4})-Q([1-4])$/.exec(key);
  if (q) return `${QUARTERS[Number(q[2]) - 1]} ${q[1]}`;
  return `${MONTHS[Number(key.slice(5, 7)) - 1]} ${key.slice(0, 4)}`;
}

export interface ChartView {
  width: number;
  height: number;
  title: string;
  desc: string;
  plot: { left: number; right: number; top: number; bottom: number };
  yTicks: { y: number; label: string }[];
  xLabels: { x: number; label: string }[];
  targets: { y: number; label: string; dash: string }[];
  series: { label: string; marker: 'circle' | 'square'; segments: string[]; points: { x: number; y: number; label: string }[] }[];
}

/** A line chart of one service's standards by slice (0 to 100%), each standard's target as a dashed line. */
export function chartFor(kind: ServiceKind, slices: readonly SliceFigures[], interval: Interval, publication: boolean): ChartView {
  const width = 640;
  const height = 260;
  const plot = { left: 48, right: width - 32, top: 16, bottom: height - 48 };
  const x = (i: number) => (slices.length <= 1 ? (plot.left + plot.right) / 2 : plot.left + (i * (plot.right - plot.left)) / (slices.length - 1));
  const y = (percent: number) => plot.bottom - (percent / 100) * (plot.bottom - plot.top);
  const standards = STANDARDS.filter((s) => s.kind === kind);
  const series = standards.map((s, n) => {
    const index = STANDARDS.indexOf(s);
    const segments: string[] = [];
    const points: { x: number; y: number; label: string }[] = [];
    let current: string[] = [];
    slices.forEach((slice, i) => {
      const view = figureView(slice.figures[index]!, publication);
      if (view.percent === null) {
        if (current.length) segments.push(current.join(' '));
        current = [];
        return;
      }
      const px = Math.round(x(i) * 10) / 10;
      const py = Math.round(y(view.percent) * 10) / 10;
      current.push(`${px},${py}`);
      points.push({ x: px, y: py, label: `${sliceLabel(slice.key)}: ${view.percent}%` });
    });
    if (current.length) segments.push(current.join(' '));
    return { label: SHORT_TEXT[s.id], marker: n === 0 ? ('circle' as const) : ('square' as const), segments, points };
  });
  const every = Math.max(1, Math.ceil(slices.length / 8));
  const per = interval === 'month' ? 'month' : 'quarter';
  const first = slices[0] ? sliceLabel(slices[0].key) : '';
  const last = slices.at(-1) ? sliceLabel(slices.at(-1)!.key) : '';
  return {
    width,
    height,
    title: `${SERVICE_NAMES[kind]}: share starting treatment within the standard's time, by ${per}`,
    desc: `A line for each standard (${standards.map((s) => `${SHORT_TEXT[s.id].toLowerCase()}, target ${STANDARD_TEXT[s.id].split(' start')[0]!.toLowerCase()}`).join('; ')}) from ${first} to ${last}; a dashed line marks each target. The table beside the chart gives the same figures.`,
    plot,
    yTicks: [0, 25, 50, 75, 100].map((p) => ({ y: y(p), label: `${p}%` })),
    xLabels: slices.map((s, i) => ({ x: x(i), label: sliceLabel(s.key) })).filter((_, i) => i % every === 0),
    targets: standards.map((s, n) => ({ y: y(s.target * 100), label: `${s.comparison === 'MORE_THAN' ? 'more than ' : ''}${s.target * 100}%`, dash: n === 0 ? '6 4' : '2 4' })),
    series,
  };
}

export interface ServiceView {
  kind: ServiceKind;
  name: string;
  overall: FigureView[];
  chart: ChartView;
  slices: { key: string; label: string; figures: FigureView[] }[];
  providers: { odsCode: string; name: string; figures: FigureView[] }[];
}

/** Both services, each with its standards overall, by slice and by provider. */
export function servicesView(report: StandardsReport, publication: boolean): ServiceView[] {
  return (['EIP', 'TALKING_THERAPIES'] as const).map((kind) => {
    const indexes = STANDARDS.flatMap((s, i) => (s.kind === kind ? [i] : []));
    const pick = (figures: StandardFigure[]) => indexes.map((i) => figureView(figures[i]!, publication));
    return {
      kind,
      name: SERVICE_NAMES[kind],
      overall: pick(report.overall),
      chart: chartFor(kind, report.slices, report.interval, publication),
      slices: report.slices.map((s) => ({ key: s.key, label: sliceLabel(s.key), figures: pick(s.figures) })),
      providers: report.providers
        .filter((p) => indexes.some((i) => p.figures[i]!.treatedWithin.denominator > 0 || p.figures[i]!.stillWaiting > 0))
        .map((p) => ({ odsCode: p.providerOdsCode, name: p.name, figures: pick(p.figures) })),
    };
  });
}
