// The help with travel costs, in plain words: the scheme's three conditions and what qualifies, checked against the
// scheme as NHS England describes it, and patient transport set by medical need.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEMO_TRANSPORT_SUPPORT, TRAVEL_COSTS_HELP, travelHelpContext } from './travel-help.ts';

test('the Healthcare Travel Costs Scheme: referred for NHS treatment, a qualifying benefit or low income, how to claim', () => {
  const all = [TRAVEL_COSTS_HELP.intro, ...TRAVEL_COSTS_HELP.qualifying, TRAVEL_COSTS_HELP.howToClaim].join(' ');
  assert.match(TRAVEL_COSTS_HELP.intro, /Healthcare Travel Costs Scheme \(HTCS\)/);
  assert.match(TRAVEL_COSTS_HELP.intro, /referred you for NHS treatment or tests/);
  for (const benefit of ['Income Support', 'income-based Jobseeker\'s Allowance', 'income-related Employment and Support Allowance', 'Pension Credit Guarantee Credit', 'Universal Credit and meet its earnings limits', 'NHS tax credit exemption certificate']) {
    assert.ok(all.includes(benefit), benefit);
  }
  assert.match(all, /NHS Low Income Scheme/);
  assert.match(all, /HC2 certificate \(full help\)/);
  assert.match(all, /HC3 certificate \(some help\)/);
  assert.match(TRAVEL_COSTS_HELP.howToClaim, /cheapest way of travelling/);
  assert.match(TRAVEL_COSTS_HELP.howToClaim, /within 3 months with form HC5\(T\)/);
  assert.match(TRAVEL_COSTS_HELP.link.href, /^https:\/\/www\.nhs\.uk\//);
  // Plain words: no sentence runs on past 45 words.
  const parts = [TRAVEL_COSTS_HELP.intro, ...TRAVEL_COSTS_HELP.qualifying, TRAVEL_COSTS_HELP.howToClaim, TRAVEL_COSTS_HELP.patientTransport];
  for (const sentence of parts.flatMap((p) => p.split(/(?<=[.:;])\s/))) assert.ok(sentence.split(/\s+/).length <= 45, sentence);
});

test('patient transport depends on medical need, not income; the demo ICB is West Yorkshire', () => {
  assert.match(TRAVEL_COSTS_HELP.patientTransport, /medical needs, not your income/);
  assert.equal(DEMO_TRANSPORT_SUPPORT.icb_code, 'QWO');
  assert.match(DEMO_TRANSPORT_SUPPORT.summary, /Yorkshire Ambulance Service/);
  assert.match(DEMO_TRANSPORT_SUPPORT.link_url, /^https:\/\//);
});

test('each ICB\'s support is listed once however many of its providers are offered', () => {
  const qwo = { icbCode: 'QWO', icbName: 'West Yorkshire', summary: 's', whoCanGetHelp: null, howToGetHelp: null, phone: null, link: { href: 'https://x', text: 't' } };
  const context = travelHelpContext(new Map([['RR8', qwo], ['RAE', qwo]]));
  assert.equal(context.transportSupport.length, 1);
  assert.deepEqual(Object.keys(context.transport).sort(), ['RAE', 'RR8']);
});
