// Charts drawn on the server as accessible SVG, with no library: a line chart (several series over time, each with
// its 95% interval as a band when given) and a horizontal bar chart (categories, each with an optional interval
// whisker). Each chart is an image with a <title> and a <desc> that says its main finding in words; series are told
// apart by dash pattern, marker shape and a label, never by colour alone; it scales to any width (viewBox, width
// 100%), 320 px included. A chart always comes with a table of the same figures: `lineFigure` and `barFigure` make
// both from one input, and the view macro `figure` (views/_charts.njk) shows them together, so they cannot disagree.
// The scale, tick and escaping helpers are exported for other charts (a funnel plot) to reuse.

/** NHS colours (NHS identity guidelines). */
export const NHS_COLOURS = { blue: '#005eb8', purple: '#330072', warmYellow: '#ffb81c', grey: '#4c6272', red: '#d5281b', text: '#212b32', paleGrey: '#d8dde0' } as const;

/** Each series' look: colour, dash pattern and marker together, so that none of them alone tells series apart. */
export const SERIES_STYLES = [
  { colour: NHS_COLOURS.blue, dash: '', marker: 'circle', words: 'solid line, circles' },
  { colour: NHS_COLOURS.purple, dash: '8 4', marker: 'square', words: 'dashed line, squares' },
  { colour: NHS_COLOURS.warmYellow, dash: '2 3', marker: 'triangle', words: 'dotted line, triangles' },
  { colour: NHS_COLOURS.red, dash: '10 3 2 3', marker: 'diamond', words: 'dash-dot line, diamonds' },
  { colour: NHS_COLOURS.grey, dash: '4 2', marker: 'cross', words: 'short-dashed line, crosses' },
] as const;
export type MarkerShape = (typeof SERIES_STYLES)[number]['marker'];

// ---------------------------------------------------------------- text

/** Text or an attribute value made safe inside SVG/XML: a name with <script> in it stays text. */
export function escapeXml(value: unknown): string {
  return String(value).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' })[c]!);
}

/** How the figures of a chart read: a share (0 to 1) as a percentage, or a number. */
export type ValueFormat = 'percent' | 'number' | 'rate';

/** 0.6234 → '62.3%'; 12.5 → '12.5'; 1234 → '1,234'. Null (no denominator) reads as 'no data'. */
export function formatValue(value: number | null | undefined, format: ValueFormat, digits = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return 'no data';
  if (format === 'percent') return `${(value * 100).toFixed(digits)}%`;
  if (format === 'rate') return value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  return Number.isInteger(value) ? value.toLocaleString('en-GB') : value.toLocaleString('en-GB', { maximumFractionDigits: digits });
}

/** A tick's label: as `formatValue`, but with no more decimals than the ticks' step needs. */
export function formatTick(value: number, format: ValueFormat, step: number): string {
  const scaled = format === 'percent' ? step * 100 : step;
  const digits = scaled >= 1 || scaled === 0 ? 0 : Math.min(6, Math.ceil(-Math.log10(scaled) - 1e-9));
  if (format === 'percent') return `${(value * 100).toFixed(digits)}%`;
  return value.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

// ---------------------------------------------------------------- scales and ticks

export interface LinearScale {
  (value: number): number;
  domain: readonly [number, number];
  range: readonly [number, number];
}

/** Maps [d0, d1] onto [r0, r1] linearly; a domain of zero width maps everything to the middle of the range. */
export function linearScale(domain: readonly [number, number], range: readonly [number, number]): LinearScale {
  const [d0, d1] = domain;
  const [r0, r1] = range;
  const scale = ((v: number) => (d1 === d0 ? (r0 + r1) / 2 : r0 + ((v - d0) / (d1 - d0)) * (r1 - r0))) as LinearScale;
  scale.domain = domain;
  scale.range = range;
  return scale;
}

/** A "nice" step (1, 2 or 5 times a power of ten) for about `count` intervals across `span`. */
export function niceStep(span: number, count = 5): number {
  if (!(span > 0) || !Number.isFinite(span)) return 1;
  const raw = span / Math.max(1, count);
  const power = 10 ** Math.floor(Math.log10(raw));
  const f = raw / power;
  return (f <= 1 ? 1 : f <= 2 ? 2 : f <= 5 ? 5 : 10) * power;
}

/**
 * Ticks from `min` to `max` at a nice step, the domain widened to whole steps so every value lies within it.
 * `max` of 0 (no data, or all zero) gives the ticks of 0 to 1.
 */
export function niceTicks(min: number, max: number, count = 5): { domain: [number, number]; ticks: number[]; step: number } {
  let lo = Math.min(min, max);
  let hi = Math.max(min, max);
  // Equal ends (or ends closer than a float can step between): an axis of one whole unit above.
  if (!(hi - lo > 1e-9 * Math.max(1, Math.abs(hi)))) hi = lo + Math.max(1, Math.abs(lo));
  const step = niceStep(hi - lo, count);
  lo = Math.floor(lo / step + 1e-9) * step;
  hi = Math.ceil(hi / step - 1e-9) * step;
  const ticks: number[] = [];
  for (let i = 0, v = lo; v <= hi + step / 2 && i < 50; i++, v = lo + i * step) ticks.push(Number(v.toPrecision(12)));
  return { domain: [lo, hi], ticks, step };
}

/** Which of `n` category labels to show along an axis so that at most `most` are shown, evenly, the last included. */
export function labelIndexes(n: number, most: number): number[] {
  if (n <= 0) return [];
  if (n <= most) return [...Array(n).keys()];
  const every = Math.ceil((n - 1) / (most - 1));
  const out: number[] = [];
  for (let i = 0; i < n; i += every) out.push(i);
  if (out.at(-1) !== n - 1) {
    if (n - 1 - out.at(-1)! < every * 0.75) out.pop();
    out.push(n - 1);
  }
  return out;
}

const num = (v: number) => Number(v.toFixed(2)).toString();
/** The charts' type size in viewBox units: 14 of 400, about 10 px on a 320 px phone. */
const FONT = 14;

/** A marker of a shape, centred on (x, y). */
export function marker(shape: MarkerShape, x: number, y: number, colour: string, size = 4): string {
  const s = size;
  switch (shape) {
    case 'circle':
      return `<circle cx="${num(x)}" cy="${num(y)}" r="${s}" fill="${colour}"/>`;
    case 'square':
      return `<rect x="${num(x - s)}" y="${num(y - s)}" width="${2 * s}" height="${2 * s}" fill="${colour}"/>`;
    case 'triangle':
      return `<path d="M${num(x)} ${num(y - s - 1)}L${num(x + s + 1)} ${num(y + s)}L${num(x - s - 1)} ${num(y + s)}Z" fill="${colour}" stroke="${NHS_COLOURS.text}" stroke-width="0.75"/>`;
    case 'diamond':
      return `<path d="M${num(x)} ${num(y - s - 1)}L${num(x + s + 1)} ${num(y)}L${num(x)} ${num(y + s + 1)}L${num(x - s - 1)} ${num(y)}Z" fill="${colour}"/>`;
    case 'cross':
      return `<path d="M${num(x - s)} ${num(y - s)}L${num(x + s)} ${num(y + s)}M${num(x - s)} ${num(y + s)}L${num(x + s)} ${num(y - s)}" stroke="${colour}" stroke-width="2"/>`;
  }
}

function svgOpen(id: string, width: number, height: number, title: string, desc: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" class="oc-chart" id="${escapeXml(id)}" viewBox="0 0 ${width} ${height}" width="100%" ` +
    `preserveAspectRatio="xMidYMid meet" role="img" aria-labelledby="${escapeXml(id)}-title ${escapeXml(id)}-desc" font-family="Frutiger W01, Arial, sans-serif">` +
    `<title id="${escapeXml(id)}-title">${escapeXml(title)}</title><desc id="${escapeXml(id)}-desc">${escapeXml(desc)}</desc>`
  );
}

// ---------------------------------------------------------------- the line chart

export interface LineSeries {
  name: string;
  /** one value for each of the chart's categories; null where there is none (no denominator): a gap in the line */
  values: readonly (number | null)[];
  /** the 95% interval's bounds, for a band; same length as values */
  low?: readonly (number | null)[];
  high?: readonly (number | null)[];
  /** the count and denominator behind each value, for the table */
  counts?: readonly ({ count: number; denominator: number } | null)[];
}

export interface LineChartInput {
  id: string;
  title: string;
  /** the chart's main finding in words (its <desc>); the table's caption is the title */
  description: string;
  /** the categories along the x axis, in order (week beginning …, months) */
  categories: readonly string[];
  series: readonly LineSeries[];
  format: ValueFormat;
  /** the y axis' top, when the scale should not follow the data (1 for a share) */
  yMax?: number;
  /** what the category column of the table is headed */
  categoryHeading: string;
}

/** The line chart's frame: a narrow viewBox with large type, so that at 320 px its words are still readable. */
export const LINE = { width: 400, plotHeight: 190, left: 50, right: 14, top: 14, axis: 44, legendRow: 20, fontSize: 14 } as const;
const lineHeight = (series: number) => LINE.top + LINE.plotHeight + LINE.axis + series * LINE.legendRow + 6;

export interface LineLayout {
  plot: { left: number; right: number; top: number; bottom: number };
  x: (index: number) => number;
  y: LinearScale;
  ticks: number[];
  step: number;
  points: { series: number; index: number; value: number; x: number; y: number }[];
}

/** Where everything of a line chart goes (pure: the tests check it, the renderer draws it). */
export function lineLayout(input: LineChartInput): LineLayout {
  const plot = { left: LINE.left, right: LINE.width - LINE.right, top: LINE.top, bottom: LINE.top + LINE.plotHeight };
  const all = input.series.flatMap((s) => [...s.values, ...(s.high ?? [])]).filter((v): v is number => v !== null && Number.isFinite(v));
  const dataMax = all.length ? Math.max(...all) : 0;
  const dataMin = Math.min(0, ...all);
  const { domain, ticks, step } = niceTicks(dataMin, Math.max(input.yMax ?? 0, dataMax), 5);
  const y = linearScale(domain, [plot.bottom, plot.top]);
  const n = input.categories.length;
  const x = (i: number) => (n <= 1 ? (plot.left + plot.right) / 2 : plot.left + 8 + (i / (n - 1)) * (plot.right - plot.left - 16));
  const points = input.series.flatMap((s, si) =>
    s.values.flatMap((v, i) => (v === null || !Number.isFinite(v) ? [] : [{ series: si, index: i, value: v, x: x(i), y: y(v) }])),
  );
  return { plot, x, y, ticks, step, points };
}

/** The line chart's SVG markup. */
export function lineChart(input: LineChartInput): string {
  const L = lineLayout(input);
  const { plot } = L;
  const parts: string[] = [svgOpen(input.id, LINE.width, lineHeight(input.series.length), input.title, input.description)];
  // Grid and y axis.
  parts.push(`<g class="oc-chart__y-axis" font-size="${FONT}" fill="${NHS_COLOURS.text}">`);
  for (const t of L.ticks) {
    const ty = num(L.y(t));
    parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${ty}" y2="${ty}" stroke="${NHS_COLOURS.paleGrey}" stroke-width="1"/>`);
    parts.push(`<text x="${plot.left - 6}" y="${ty}" text-anchor="end" dominant-baseline="middle">${escapeXml(formatTick(t, input.format, L.step))}</text>`);
  }
  parts.push('</g>');
  // X axis with a readable number of labels.
  parts.push(`<g class="oc-chart__x-axis" font-size="${FONT}" fill="${NHS_COLOURS.text}">`);
  parts.push(`<line x1="${plot.left}" x2="${plot.right}" y1="${plot.bottom}" y2="${plot.bottom}" stroke="${NHS_COLOURS.text}" stroke-width="1"/>`);
  const shown = labelIndexes(input.categories.length, 4);
  for (const i of shown) {
    const tx = num(L.x(i));
    // The first and last labels align to their tick's outer side, so neither is cut off at the edge.
    const anchor = shown.length > 1 && i === shown[0] ? 'start' : shown.length > 1 && i === shown.at(-1) ? 'end' : 'middle';
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${plot.bottom}" y2="${plot.bottom + 5}" stroke="${NHS_COLOURS.text}"/>`);
    parts.push(`<text x="${tx}" y="${plot.bottom + 20}" text-anchor="${anchor}">${escapeXml(input.categories[i])}</text>`);
  }
  parts.push('</g>');
  // Each series: its band, its line (broken where a value is missing) and its markers.
  input.series.forEach((s, si) => {
    const style = SERIES_STYLES[si % SERIES_STYLES.length]!;
    parts.push(`<g class="oc-chart__series" data-series="${si}">`);
    if (s.low && s.high) {
      for (const run of runsOf(s.values.map((_, i) => (s.low![i] ?? null) !== null && (s.high![i] ?? null) !== null))) {
        const top = run.map((i) => `${num(L.x(i))} ${num(L.y(s.high![i]!))}`);
        const bottom = run.toReversed().map((i) => `${num(L.x(i))} ${num(L.y(s.low![i]!))}`);
        parts.push(`<path class="oc-chart__band" d="M${[...top, ...bottom].join('L')}Z" fill="${style.colour}" fill-opacity="0.15" stroke="none"/>`);
      }
    }
    for (const run of runsOf(s.values.map((v) => v !== null && Number.isFinite(v)))) {
      if (run.length < 2) continue;
      const d = run.map((i, k) => `${k === 0 ? 'M' : 'L'}${num(L.x(i))} ${num(L.y(s.values[i]!))}`).join('');
      parts.push(`<path d="${d}" fill="none" stroke="${style.colour}" stroke-width="2.5"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`);
    }
    for (const p of L.points.filter((p) => p.series === si)) {
      parts.push(`<g class="oc-chart__point" data-index="${p.index}" data-value="${p.value}" data-x="${num(p.x)}" data-y="${num(p.y)}">${marker(style.marker, p.x, p.y, style.colour)}</g>`);
    }
    parts.push('</g>');
  });
  // The legend, below the plot: a sample of each series' line and marker, and its name.
  parts.push(`<g class="oc-chart__legend" font-size="${FONT}" fill="${NHS_COLOURS.text}">`);
  input.series.forEach((s, si) => {
    const style = SERIES_STYLES[si % SERIES_STYLES.length]!;
    const ly = plot.bottom + LINE.axis + si * LINE.legendRow;
    parts.push(`<line x1="${plot.left}" x2="${plot.left + 28}" y1="${ly}" y2="${ly}" stroke="${style.colour}" stroke-width="2.5"${style.dash ? ` stroke-dasharray="${style.dash}"` : ''}/>`);
    parts.push(marker(style.marker, plot.left + 14, ly, style.colour));
    parts.push(`<text x="${plot.left + 36}" y="${ly}" dominant-baseline="middle">${escapeXml(s.name)}</text>`);
  });
  parts.push('</g></svg>');
  return parts.join('');
}

/** Runs of consecutive indexes where `present` is true. */
function runsOf(present: readonly boolean[]): number[][] {
  const runs: number[][] = [];
  let run: number[] = [];
  present.forEach((p, i) => {
    if (p) run.push(i);
    else if (run.length) (runs.push(run), (run = []));
  });
  if (run.length) runs.push(run);
  return runs;
}

// ---------------------------------------------------------------- the bar chart

export interface Bar {
  label: string;
  value: number;
  low?: number | null;
  high?: number | null;
  /** the count and denominator behind a share, for the table */
  count?: number;
  denominator?: number;
}

export interface BarChartInput {
  id: string;
  title: string;
  description: string;
  bars: readonly Bar[];
  format: ValueFormat;
  xMax?: number;
  categoryHeading: string;
  valueHeading: string;
}

export const BAR = { width: 400, left: 10, right: 60, top: 10, row: 44, barHeight: 18, axis: 30 } as const;

export interface BarLayout {
  height: number;
  plot: { left: number; right: number; top: number; bottom: number };
  x: LinearScale;
  ticks: number[];
  step: number;
  bars: { index: number; y: number; x0: number; x1: number; low: number | null; high: number | null }[];
}

/** Where everything of a bar chart goes. Each bar's label sits above it, so a long name needs no margin at 320 px. */
export function barLayout(input: BarChartInput): BarLayout {
  const n = input.bars.length;
  const height = BAR.top + n * BAR.row + BAR.axis;
  const plot = { left: BAR.left, right: BAR.width - BAR.right, top: BAR.top, bottom: BAR.top + n * BAR.row };
  const all = input.bars.flatMap((b) => [b.value, b.high ?? b.value]).filter((v) => Number.isFinite(v));
  const { domain, ticks, step } = niceTicks(0, Math.max(input.xMax ?? 0, ...all, 0), 4);
  const x = linearScale(domain, [plot.left, plot.right]);
  const bars = input.bars.map((b, i) => ({
    index: i,
    y: plot.top + i * BAR.row + 22,
    x0: x(0),
    x1: x(Math.max(0, b.value)),
    low: b.low === null || b.low === undefined ? null : x(b.low),
    high: b.high === null || b.high === undefined ? null : x(b.high),
  }));
  return { height, plot, x, ticks, step, bars };
}

/** The bar chart's SVG markup. */
export function barChart(input: BarChartInput): string {
  const L = barLayout(input);
  const { plot } = L;
  const parts: string[] = [svgOpen(input.id, BAR.width, L.height, input.title, input.description)];
  parts.push(`<defs><pattern id="${escapeXml(input.id)}-hatch" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="${NHS_COLOURS.blue}"/><line x1="0" y1="0" x2="0" y2="6" stroke="#ffffff" stroke-width="1.5"/></pattern></defs>`);
  parts.push(`<g class="oc-chart__x-axis" font-size="${FONT}" fill="${NHS_COLOURS.text}">`);
  for (const t of L.ticks) {
    const tx = num(L.x(t));
    parts.push(`<line x1="${tx}" x2="${tx}" y1="${plot.top}" y2="${plot.bottom}" stroke="${NHS_COLOURS.paleGrey}"/>`);
    parts.push(`<text x="${tx}" y="${plot.bottom + 16}" text-anchor="middle">${escapeXml(formatTick(t, input.format, L.step))}</text>`);
  }
  parts.push('</g>');
  input.bars.forEach((b, i) => {
    const at = L.bars[i]!;
    parts.push(`<g class="oc-chart__bar" data-index="${i}" data-value="${b.value}" data-x1="${num(at.x1)}">`);
    parts.push(`<text x="${plot.left}" y="${num(at.y - 6)}" font-size="${FONT}" fill="${NHS_COLOURS.text}">${escapeXml(b.label)}</text>`);
    parts.push(`<rect x="${num(at.x0)}" y="${num(at.y)}" width="${num(Math.max(0, at.x1 - at.x0))}" height="${BAR.barHeight}" fill="url(#${escapeXml(input.id)}-hatch)" stroke="${NHS_COLOURS.blue}"/>`);
    if (at.low !== null && at.high !== null) {
      const my = num(at.y + BAR.barHeight / 2);
      parts.push(`<path class="oc-chart__whisker" d="M${num(at.low)} ${my}H${num(at.high)}M${num(at.low)} ${num(at.y + 2)}V${num(at.y + BAR.barHeight - 2)}M${num(at.high)} ${num(at.y + 2)}V${num(at.y + BAR.barHeight - 2)}" stroke="${NHS_COLOURS.text}" stroke-width="1.5" fill="none"/>`);
    }
    const labelX = Math.max(at.x1, at.high ?? at.x1) + 6;
    parts.push(`<text x="${num(labelX)}" y="${num(at.y + BAR.barHeight / 2)}" dominant-baseline="middle" font-size="${FONT}" font-weight="bold" fill="${NHS_COLOURS.text}">${escapeXml(formatValue(b.value, input.format))}</text>`);
    parts.push('</g>');
  });
  parts.push('</svg>');
  return parts.join('');
}

// ---------------------------------------------------------------- chart and table from one input

/** A table of a figure's numbers, as the macro `figure` renders it: the first cell of each row is its header. */
export interface FigureTable {
  caption: string;
  head: string[];
  rows: string[][];
  /** which columns are numeric (right-aligned) */
  numeric: boolean[];
}

export interface Figure {
  id: string;
  title: string;
  description: string;
  svg: string;
  table: FigureTable;
}

const withInterval = (value: number | null, low: number | null | undefined, high: number | null | undefined, format: ValueFormat) =>
  value === null ? 'no data' : low === null || low === undefined || high === null || high === undefined ? formatValue(value, format) : `${formatValue(value, format)} (${formatValue(low, format)} to ${formatValue(high, format)})`;

/** A line chart and the table of its figures, made from the same input. */
export function lineFigure(input: LineChartInput): Figure {
  const head = [input.categoryHeading, ...input.series.map((s) => (s.low && s.high ? `${s.name} (95% interval)` : s.name))];
  const rows = input.categories.map((c, i) => [
    c,
    ...input.series.map((s) => {
      const text = withInterval(s.values[i] ?? null, s.low?.[i], s.high?.[i], input.format);
      const n = s.counts?.[i];
      return n ? `${text}, ${n.count.toLocaleString('en-GB')} of ${n.denominator.toLocaleString('en-GB')}` : text;
    }),
  ]);
  return { id: input.id, title: input.title, description: input.description, svg: lineChart(input), table: { caption: input.title, head, rows, numeric: head.map((_, i) => i > 0) } };
}

/** A bar chart and the table of its figures, made from the same input. */
export function barFigure(input: BarChartInput): Figure {
  const intervals = input.bars.some((b) => b.low !== undefined && b.low !== null);
  const counts = input.bars.some((b) => b.count !== undefined);
  const head = [input.categoryHeading, intervals ? `${input.valueHeading} (95% interval)` : input.valueHeading, ...(counts ? ['Count'] : [])];
  const rows = input.bars.map((b) => [
    b.label,
    withInterval(b.value, b.low, b.high, input.format),
    ...(counts ? [b.count === undefined ? '' : b.denominator === undefined ? b.count.toLocaleString('en-GB') : `${b.count.toLocaleString('en-GB')} of ${b.denominator.toLocaleString('en-GB')}`] : []),
  ]);
  return { id: input.id, title: input.title, description: input.description, svg: barChart(input), table: { caption: input.title, head, rows, numeric: head.map((_, i) => i > 0) } };
}
