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
    shortfall: count < 5 ? { reason: 'Only a few', suggestion: 'Search further', widen: { distanceKm: 120.3, anyDistanceCount: 12, withoutWaitLimitCount: null } } : null,
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
    assert.match(html, /2.0 miles/);
    assert.doesNotMatch(html, /\d km/, 'miles only, as people are offered distances');
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

  test('the shortfall in miles, with the wider searches as links that run this search again', () => {
    const html = renderPage('compare.njk', comparePageContext({ values: VALUES, specialties, answer: answer(2) }));
    assert.match(html, /<p id="shortfall-reason">Only 2 Trauma and Orthopaedics services are within 50 miles of LS1 4AP\./);
    // 120.3 km is more than 50 miles (80.5 km): 100 miles is the smallest choice that finds 5.
    assert.match(html, /<a href="\/\?specialty=110&amp;postcode=ls1\+4ap&amp;sortBy=WAIT&amp;distance=100#results" id="widen-100">Search up to 100 miles<\/a> \(finds at least 5\)/);
    assert.match(html, /<a href="[^"]*distance=any#results" id="widen-any">Search at any distance<\/a> \(finds 12 services\)/);
    assert.doesNotMatch(html.slice(html.indexOf('id="shortfall"'), html.indexOf('</section>')), /\bkm\b/);
  });

  test('no wider search: said so, with no links', () => {
    const none = answer(2);
    none.shortfall!.widen = { distanceKm: null, anyDistanceCount: 2, withoutWaitLimitCount: null };
    const html = renderPage('compare.njk', comparePageContext({ values: VALUES, specialties, answer: none }));
    assert.doesNotMatch(html, /id="widen-/);
    assert.match(html, /No wider search finds more services/);
  });

  test('an origin outside England, or on its border, is told the directory lists England\'s services only', () => {
    const from = (postcode: string) => renderPage('compare.njk', comparePageContext({ values: VALUES, specialties, answer: { ...answer(5), origin: { ...answer(5).origin, postcode } } }));
    assert.match(from('EH1 1YZ'), /id="outside-england"[^]*EH1 1YZ is in Scotland\.[^]*NHS services in England only[^]*Your GP can tell you about NHS services in Scotland/);
    assert.match(from('CF10 1EP'), /CF10 1EP is in Wales\./);
    assert.match(from('CH4 8AA'), /CH4 8AA is near the border with Wales\.[^]*services in Wales are not shown/);
    assert.doesNotMatch(from('LS1 4AP'), /id="outside-england"/);
  });
});

