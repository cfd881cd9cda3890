import assert from 'node:assert/strict';
import { test } from 'node:test';
import { detectPatterns, funnelOf, type ReferralFact, summarise } from './detect.ts';
import { funnelPlotSvg } from './funnel-plot.ts';

test('the funnel plot is an image with a title and a description, flagged practices as triangles, the rest circles', () => {
  const fact = (practice: string, provider: string, count: number): ReferralFact => ({ practice, specialty: '110', provider, madeOn: '2026-03-02', count });
  const facts = [fact('A00001', 'RR8', 50), fact('A00001', 'NT4', 2), fact('A00002', 'RR8', 45), fact('A00002', 'NT4', 3), fact('A00003', 'NT4', 40), fact('A00003', 'RR8', 5), fact('A00004', 'RR8', 8)];
  const summary = summarise(facts, '2026-01-01', '2026-12-31');
  const detection = detectPatterns(summary, { from: '2026-01-01', to: '2026-12-31' });
  const funnel = funnelOf(summary, '110', 'NT4', detection)!;
  const svg = funnelPlotSvg(funnel, { id: 'f', specialtyName: 'Trauma & orthopaedics', providerName: '<Nuffield>', names: { A00003: 'Practice "Three"' } });
  assert.match(svg, /^<svg [^>]*role="img" aria-labelledby="f-title f-desc"/);
  assert.match(svg, /<title id="f-title">Funnel plot: practices&#39; share of Trauma &amp; orthopaedics referrals to &lt;Nuffield&gt;<\/title>/);
  assert.match(svg, /<desc id="f-desc">4 practices\. [^<]*Flagged: [^<]*Practice &quot;Three&quot;, 40 of 45 \(88\.9%\)/);
  assert.equal((svg.match(/class="oc-funnel__flagged"/g) ?? []).length, funnel.points.filter((p) => p.flagged).length);
  assert.equal((svg.match(/<circle /g) ?? []).length, funnel.points.filter((p) => !p.flagged).length);
  assert.equal((svg.match(/stroke-dasharray="6 4"/g) ?? []).length, 2, '95% limits, dashed');
  assert.equal((svg.match(/stroke-dasharray="2 3"/g) ?? []).length, 2, '99.8% limits, dotted');
  assert.ok(!/NaN|undefined/.test(svg));
});
