import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { addViews, renderPage } from '../web/render.ts';
import { comparePageContext, resultView } from './compare-view.ts';
import type { ShortlistAnswer, ShortlistOption } from './types.ts';

addViews(new URL('./views', import.meta.url));

const VALUES = { specialty: '110', postcode: 'ls1 4ap', sortBy: 'WAIT', distance: '50' };

function option(rank: number, overrides: Partial<ShortlistOption> = {}): ShortlistOption {
  return {
    rank,
    service: {
      id: `s${rank}`,
      name: `Clinic ${rank}`,
      specialty: { code: '110', name: 'Trauma and Orthopaedics' },
      provider: { odsCode: 'RR8', name: 'Leeds Teaching Hospitals NHS Trust' },
      site: { odsCode: 'RR813', name: 'Chapel Allerton Hospital', postcode: 'LS7 4SA', latitude: 53.8, longitude: -1.5 },
      serviceType: 'FIRST_OUTPATIENT',
      directlyBookable: true,
      indicativeWait: { weeks: 9.1, asOf: '2025-09-30' },
    },
    distanceKm: 3.2,
    distanceMiles: 2,
    indicativeWaitWeeks: 9.1,
    earliestSlot: null,
    travel: { estimatedCostGbp: 1.8, basis: 'Return journey by car' },
    reasons: ['Shortest wait'],
    ...overrides,
  };
}

function answer(count: number, eligibleCount = count): ShortlistAnswer {
  return {
    origin: { postcode: 'LS1 4AP', latitude: 53.79, longitude: -1.55, precision: 'postcode' },
    specialty: { code: '110', name: 'Trauma and Orthopaedics' },
    sortBy: 'WAIT',
    maxDistanceKm: 80.467,
    eligibleCount,
    options: Array.from({ length: count }, (_, i) => option(i + 1)),
    shortfall: count < 5 ? { reason: 'Only a few', suggestion: 'Search further' } : null,
  };
}

describe('resultView', () => {
  test('says how many match and how many are shown', () => {
    const view = resultView(answer(5, 37), VALUES);
    assert.equal(view.heading, '37 services match');
    assert.equal(view.summary, 'Trauma and Orthopaedics services within 50 miles of LS1 4AP. Showing the top 5, shortest wait first.');
    assert.equal(resultView(answer(1), VALUES).heading, '1 service matches');
    assert.equal(resultView(answer(0), { ...VALUES, distance: 'any' }).heading, 'No services match');
    assert.equal(resultView(answer(0), { ...VALUES, distance: 'any' }).summary, 'No Trauma and Orthopaedics services from LS1 4AP, at any distance.');
  });

  test('formats each option for reading', () => {
    const html = renderPage('compare.njk', comparePageContext({ values: VALUES, specialties: [], answer: { ...answer(1), options: [option(1, { earliestSlot: '2026-12-01T09:00:00Z' })] } }));
    assert.match(html, /<strong>9.1 weeks<\/strong>/);
    assert.match(html, /Measured 30 September 2025/);
    assert.match(html, /2.0 miles \(3.2 km\)/);
    assert.match(html, /£1.80/);
    assert.match(html, /Tuesday 1 December 2026 at 9:00am/);
  });

  test('a service without a published wait says so', () => {
    const o = option(1, { indicativeWaitWeeks: null });
    o.service.indicativeWait = null;
    const html = renderPage('compare.njk', comparePageContext({ values: VALUES, specialties: [], answer: { ...answer(1), options: [o] } }));
    assert.match(html, /Not published/);
  });
});

describe('compare.njk', () => {
  const specialties = [{ code: '110', name: 'Trauma and Orthopaedics' }];

  test('escapes everything it shows', () => {
    const evil = option(1);
    evil.service.name = '<script>alert(1)</script>';
    evil.reasons = ['<img src=x onerror=alert(1)>'];
    const html = renderPage(
      'compare.njk',
      comparePageContext({ values: { ...VALUES, postcode: '"><script>x</script>' }, specialties, answer: { ...answer(1), options: [evil] } }),
    );
    assert.doesNotMatch(html, /<script>alert|<img src=x|"><script>x/);
    assert.match(html, /&lt;script&gt;alert\(1\)&lt;\/script&gt;/);
  });

  test('errors: the title says Error, the summary links to the fields, the fields show their messages', () => {
    const html = renderPage(
      'compare.njk',
      comparePageContext({ values: VALUES, specialties, errors: [{ field: 'postcode', href: '#postcode', message: 'Enter a postcode' }, { field: 'specialty', href: '#specialty', message: 'Something else' }] }),
    );
    assert.match(html, /<title>Error: Compare hospitals by waiting time and distance – OpenChoice – NHS<\/title>/);
    assert.match(html, /<a href="#postcode">\s*Enter a postcode\s*<\/a>/);
    assert.match(html, /<a href="#specialty">\s*Something else\s*<\/a>/);
    assert.match(html, /id="postcode-error"/);
    assert.match(html, /aria-describedby="postcode-hint postcode-error"/);
  });

  test('the chosen answers are shown again', () => {
    const html = renderPage('compare.njk', comparePageContext({ values: VALUES, specialties }));
    assert.match(html, /<option value="110" selected>/);
    assert.match(html, /value="ls1 4ap"/);
    assert.match(html, /value="WAIT" checked/);
    assert.match(html, /value="50" checked/);
  });

  test('results title names the search; a shortfall is shown in a warning', () => {
    const html = renderPage('compare.njk', comparePageContext({ values: VALUES, specialties, answer: answer(2) }));
    assert.match(html, /<title>Trauma and Orthopaedics near LS1 4AP – OpenChoice – NHS<\/title>/);
    assert.match(html, /id="shortfall"/);
    assert.match(html, /Search further/);
    assert.equal(html.match(/<h1/g)?.length, 1);
  });
});

