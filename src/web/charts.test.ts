// The server-drawn charts: well-formed SVG (parsed here by a small strict XML reader), an image with a title and a
// description, every point inside the plot where the scale puts it, the highest value highest, text escaped.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import fc from 'fast-check';
import { barChart, barFigure, barLayout, escapeXml, type LineChartInput, lineChart, lineFigure, lineLayout, labelIndexes, linearScale, niceTicks } from './charts.ts';

interface XmlElement { name: string; attributes: Record<string, string>; children: (XmlElement | string)[] }

/** A strict reader of the XML the charts write: fails on an unclosed or crossed tag, an unquoted attribute, a bare < or &. */
function parseXml(xml: string): XmlElement {
  const root: XmlElement = { name: '#root', attributes: {}, children: [] };
  const stack = [root];
  const tag = /<(\/?)([A-Za-z][\w:-]*)((?:\s+[\w:-]+="[^"<]*")*)\s*(\/?)>/y;
  const attr = /([\w:-]+)="([^"<]*)"/g;
  const entity = /&(amp|lt|gt|quot|apos|#\d+);/y;
  let i = 0;
  let text = '';
  const flush = () => { if (text) stack.at(-1)!.children.push(text); text = ''; };
  while (i < xml.length) {
    const c = xml[i]!;
    if (c === '<') {
      tag.lastIndex = i;
      const m = tag.exec(xml);
      if (!m) throw new Error(`bad tag at ${i}: ${xml.slice(i, i + 40)}`);
      flush();
      const [, close, name, attrs, selfClose] = m;
      if (close) {
        const open = stack.pop();
        if (!open || open.name !== name) throw new Error(`</${name}> closes <${open?.name}> at ${i}`);
      } else {
        const el: XmlElement = { name: name!, attributes: {}, children: [] };
        for (const a of attrs!.matchAll(attr)) {
          if (Object.hasOwn(el.attributes, a[1]!)) throw new Error(`attribute ${a[1]} twice`);
          el.attributes[a[1]!] = a[2]!;
        }
        stack.at(-1)!.children.push(el);
        if (!selfClose) stack.push(el);
      }
      i = tag.lastIndex;
    } else if (c === '&') {
      entity.lastIndex = i;
      const m = entity.exec(xml);
      if (!m) throw new Error(`bare & at ${i}`);
      text += ({ amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" } as Record<string, string>)[m[1]!] ?? String.fromCharCode(Number(m[1]!.slice(1)));
      i = entity.lastIndex;
    } else if (c === '>') {
      throw new Error(`bare > at ${i}`);
    } else {
      text += c;
      i++;
    }
  }
  flush();
  if (stack.length !== 1) throw new Error(`<${stack.at(-1)!.name}> never closed`);
  const elements = root.children.filter((c): c is XmlElement => typeof c !== 'string');
  if (elements.length !== 1) throw new Error('not one root element');
  return elements[0]!;
}

const all = (el: XmlElement, pred: (e: XmlElement) => boolean): XmlElement[] =>
  [...(pred(el) ? [el] : []), ...el.children.flatMap((c) => (typeof c === 'string' ? [] : all(c, pred)))];
const textOf = (el: XmlElement): string => el.children.map((c) => (typeof c === 'string' ? c : textOf(c))).join('');

describe('the XML reader used by these tests', () => {
  test('refuses what is not well-formed', () => {
    for (const bad of ['<a><b></a></b>', '<a x=1></a>', '<a>1 < 2</a>', '<a>R&D</a>', '<a>', '<a></a><b></b>']) assert.throws(() => parseXml(bad), bad);
    assert.equal(textOf(parseXml('<a x="1">R&amp;D <b/>&lt;x&gt;</a>')), 'R&D <x>');
  });
});

const weeks = (n: number) => Array.from({ length: n }, (_, i) => `W${i + 1}`);
const line = (over: Partial<LineChartInput> = {}): LineChartInput => ({
  id: 'shares', title: 'Shares over time', description: 'The share offered 5 or more rose.', categories: weeks(4), format: 'percent', yMax: 1, categoryHeading: 'Week',
  series: [
    { name: 'Offered 5 or more', values: [0.5, 0.6, null, 0.7], low: [0.4, 0.5, null, 0.6], high: [0.6, 0.7, null, 0.8] },
    { name: 'Patient chose', values: [0.2, 0.25, 0.3, 0.1] },
  ],
  ...over,
});

describe('the line chart', () => {
  test('is an image with a title and a description, scales to the width it is given, and tells series apart without colour', () => {
    const svg = parseXml(lineChart(line()));
    assert.equal(svg.name, 'svg');
    assert.equal(svg.attributes.role, 'img');
    assert.equal(svg.attributes.width, '100%');
    assert.match(svg.attributes.viewBox!, /^0 0 \d+ \d+$/);
    assert.equal(textOf(all(svg, (e) => e.name === 'title')[0]!), 'Shares over time');
    assert.equal(textOf(all(svg, (e) => e.name === 'desc')[0]!), 'The share offered 5 or more rose.');
    assert.equal(svg.attributes['aria-labelledby'], 'shares-title shares-desc');
    const paths = all(svg, (e) => e.name === 'path' && e.attributes.fill === 'none');
    assert.ok(paths.some((p) => p.attributes['stroke-dasharray']), 'the second series is dashed');
    // Markers differ in shape: circles for the first series, squares for the second.
    const series = all(svg, (e) => e.attributes.class === 'oc-chart__series');
    assert.ok(all(series[0]!, (e) => e.name === 'circle').length === 3);
    assert.ok(all(series[1]!, (e) => e.name === 'rect').length === 4);
    // The band of the interval, split where a value is missing.
    assert.equal(all(series[0]!, (e) => e.attributes.class === 'oc-chart__band').length, 2);
    const legend = all(svg, (e) => e.attributes.class === 'oc-chart__legend')[0]!;
    assert.match(textOf(legend), /Offered 5 or more.*Patient chose/);
  });

  test('a missing value breaks the line rather than drawing it to zero', () => {
    const svg = parseXml(lineChart(line()));
    const first = all(svg, (e) => e.attributes.class === 'oc-chart__series')[0]!;
    const points = all(first, (e) => e.attributes.class === 'oc-chart__point').map((p) => Number(p.attributes['data-index']));
    assert.deepEqual(points, [0, 1, 3]);
  });

  test('every point lies within the plot where the scale says, and the highest value is highest (property)', () => {
    const value = fc.option(fc.double({ min: 0, max: 1e6, noNaN: true, noDefaultInfinity: true }), { nil: null, freq: 5 });
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60 }), fc.array(fc.array(value, { minLength: 60, maxLength: 60 }), { minLength: 1, maxLength: 5 }), fc.boolean(), (n, raw, percent) => {
        const series = raw.map((vs, i) => ({ name: `S${i}`, values: vs.slice(0, n).map((v) => (v === null ? null : percent ? v / 1e6 : v)) }));
        const input = line({ categories: weeks(n), series, format: percent ? 'percent' : 'number', yMax: percent ? 1 : undefined });
        const L = lineLayout(input);
        const svg = parseXml(lineChart(input));
        const drawn = all(svg, (e) => e.attributes.class === 'oc-chart__point');
        assert.equal(drawn.length, L.points.length);
        for (const p of L.points) {
          assert.ok(p.x >= L.plot.left && p.x <= L.plot.right, `x ${p.x}`);
          assert.ok(p.y >= L.plot.top - 1e-9 && p.y <= L.plot.bottom + 1e-9, `y ${p.y} for ${p.value}`);
          // Where the scale says: a linear map of the value between the axis' ends.
          const [d0, d1] = L.y.domain;
          assert.ok(Math.abs(p.y - (L.plot.bottom - ((p.value - d0) / (d1 - d0)) * (L.plot.bottom - L.plot.top))) < 1e-6);
        }
        if (L.points.length > 0) {
          const highest = L.points.reduce((a, b) => (b.value > a.value ? b : a));
          for (const p of L.points) assert.ok(highest.y <= p.y + 1e-9, 'the highest value is drawn highest');
          // The axis reaches the highest value and no more than one step beyond it.
          assert.ok(L.y.domain[1] >= highest.value);
          if (highest.value > 1e-6) assert.ok(L.y.domain[1] - L.step < Math.max(highest.value, input.yMax ?? 0) + 1e-9);
        }
        for (const e of drawn) assert.equal(Number(e.attributes['data-y']), Number(L.points[drawn.indexOf(e)]!.y.toFixed(2)));
      }),
      { numRuns: 150 },
    );
  });

  test('a name with <script> in it stays text, in the chart and the legend', () => {
    const name = '<script>alert("x")</script> & Sons';
    const markup = lineChart(line({ title: name, series: [{ name, values: [1, 2, 3, 4] }], format: 'number', yMax: undefined }));
    assert.doesNotMatch(markup, /<script/);
    const svg = parseXml(markup);
    assert.equal(textOf(all(svg, (e) => e.name === 'title')[0]!), name);
    assert.equal(all(svg, (e) => e.name === 'script').length, 0);
    assert.equal(escapeXml(`a"b'c`), 'a&quot;b&apos;c');
  });

  test('the figure\'s table holds the same numbers as the chart, with each interval', () => {
    const f = lineFigure(line());
    assert.deepEqual(f.table.head, ['Week', 'Offered 5 or more (95% interval)', 'Patient chose']);
    assert.deepEqual(f.table.rows[0], ['W1', '50.0% (40.0% to 60.0%)', '20.0%']);
    assert.deepEqual(f.table.rows[2], ['W3', 'no data', '30.0%']);
    assert.equal(f.svg, lineChart(line()));
  });
});

describe('the bar chart', () => {
  const bars = { id: 'reasons', title: 'Why fewer than 5', description: 'Most said fewer were within reach.', format: 'number' as const, categoryHeading: 'Reason', valueHeading: 'Referrals',
    bars: [{ label: 'Fewer within reach', value: 30 }, { label: 'The patient asked', value: 5 }, { label: 'Other', value: 0 }] };

  test('bars are as long as their values, on one scale, each labelled with its value', () => {
    const L = barLayout(bars);
    const svg = parseXml(barChart(bars));
    assert.equal(svg.attributes.role, 'img');
    const drawn = all(svg, (e) => e.attributes.class === 'oc-chart__bar');
    assert.equal(drawn.length, 3);
    const width = (i: number) => Number(all(drawn[i]!, (e) => e.name === 'rect')[0]!.attributes.width);
    assert.ok(Math.abs(width(0) / width(1) - 6) < 0.01, 'thirty is six times five');
    assert.equal(width(2), 0);
    assert.ok(L.bars[0]!.x1 <= L.plot.right && L.bars[0]!.x1 > L.plot.left);
    assert.match(textOf(drawn[0]!), /Fewer within reach.*30/);
  });

  test('intervals draw as whiskers, and every bar stays within the plot (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 })), { minLength: 1, maxLength: 12 }), (pairs) => {
        const input = { ...bars, format: 'percent' as const, xMax: 1, bars: pairs.map(([a, b], i) => {
          const n = Math.max(a, b), k = Math.min(a, b);
          const v = n === 0 ? 0 : k / n;
          return { label: `P${i}`, value: v, low: Math.max(0, v - 0.1), high: Math.min(1, v + 0.1) };
        }) };
        const L = barLayout(input);
        for (const b of L.bars) {
          assert.ok(b.x1 >= L.plot.left && b.x1 <= L.plot.right);
          assert.ok(b.low! >= L.plot.left && b.high! <= L.plot.right && b.low! <= b.high!);
        }
        const svg = parseXml(barChart(input));
        assert.equal(all(svg, (e) => e.attributes.class === 'oc-chart__whisker').length, pairs.length);
      }),
    );
  });

  test('the figure\'s table has each bar\'s value, and a label is escaped', () => {
    const f = barFigure({ ...bars, bars: [{ label: '<b>Odd</b>', value: 3, count: 3 }] });
    assert.deepEqual(f.table.rows, [['<b>Odd</b>', '3', '3']]);
    assert.doesNotMatch(f.svg, /<b>/);
  });
});

describe('scales and ticks', () => {
  test('nice ticks cover the data at a step of 1, 2 or 5 times a power of ten (property)', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e7, noNaN: true }), fc.double({ min: 0, max: 1e7, noNaN: true }), (a, b) => {
        const { domain, ticks, step } = niceTicks(Math.min(a, b), Math.max(a, b));
        assert.ok(domain[0] <= Math.min(a, b) + 1e-6 && domain[1] >= Math.max(a, b) - 1e-6);
        const mantissa = step / 10 ** Math.floor(Math.log10(step));
        assert.ok([1, 2, 5, 10].some((m) => Math.abs(mantissa - m) < 1e-6), `step ${step}`);
        assert.ok(ticks.length >= 2 && ticks.length <= 12, `${ticks.length} ticks`);
      }),
    );
    assert.deepEqual(niceTicks(0, 0).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
    assert.deepEqual(niceTicks(0, 1).ticks, [0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  test('a linear scale maps the ends onto the ends (inverted for y)', () => {
    const y = linearScale([0, 100], [200, 10]);
    assert.equal(y(0), 200);
    assert.equal(y(100), 10);
    assert.equal(y(50), 105);
  });

  test('at most the asked number of axis labels, the first and last among them', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 400 }), fc.integer({ min: 2, max: 12 }), (n, most) => {
      const shown = labelIndexes(n, most);
      assert.ok(shown.length <= most + 1 && shown[0] === 0 && shown.at(-1) === n - 1);
      assert.deepEqual(shown, [...shown].sort((a, b) => a - b));
    }));
  });
});
