import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { hasValidNhsChecksum } from '../domain/nhs-number.ts';
import { generateUbrn } from '../domain/ubrn.ts';
import {
  generateReferralHistory, HISTORY_WEEKS, historyCalendar, type HistoryInputs, type HistoryReferral, type HistoryService, LARGE_PRACTICE_FACTOR,
  PAPER_SHARE, PLANTED_PATTERNS, poisson, mulberry32, REJECTED_SHARE, SHORT_SHARE, SLOT_ISSUE_SHARE, TRIAGE_SHARE, WEEKLY_RATE,
} from './referral-history.ts';

// A small made-up directory around Leeds: practices on a grid, services of three specialties, the planted ones real.
const NOW = new Date('2026-12-03T12:00:00Z');
function inputs(practices = 30): HistoryInputs {
  const a = PLANTED_PATTERNS.orthopaedics;
  const services: HistoryService[] = [];
  for (const [code, n] of [['110', 8], ['130', 6], ['502', 5]] as const) {
    for (let i = 0; i < n; i++) {
      services.push({ id: `S${i}-${code}`, name: `Service ${i}`, specialtyCode: code, providerOdsCode: `P${i}`, providerName: `Provider ${i}`,
        latitude: 53.8 + 0.02 * (i - n / 2), longitude: -1.55 + 0.03 * ((i * 7) % n - n / 2), waitWeeks: i % 4 === 3 ? null : 6 + 2 * i, directlyBookable: i % 3 !== 0 });
    }
  }
  // The planted provider: 20 km south-west, longer waits than the nearest.
  services.push({ id: a.serviceId, name: 'Trauma & Orthopaedics – Spire Elland Hospital', specialtyCode: '110', providerOdsCode: a.provider, providerName: a.providerName,
    latitude: 53.6888, longitude: -1.8289, waitWeeks: 11.9, directlyBookable: true });
  return {
    now: NOW,
    accountId: 7,
    practices: [
      { odsCode: a.practice, name: a.practiceName, postcode: 'LS6 2AF', latitude: 53.8186, longitude: -1.5709 },
      { odsCode: 'B86025', name: 'Hyde Park Surgery', postcode: 'LS6 1SG', latitude: 53.81, longitude: -1.56 },
      ...Array.from({ length: practices }, (_, i) => ({ odsCode: `Q${String(i).padStart(4, '0')}`, name: `Practice ${i}`, postcode: 'LS1 4AP', latitude: 53.75 + 0.01 * (i % 10), longitude: -1.65 + 0.02 * Math.floor(i / 10) })),
    ],
    services,
    specialtyMix: [['110', 3], ['130', 2], ['502', 5], ['999', 100]],
    assessmentServices: [{ id: 'DEMO-RAS-MSK', name: 'MSK', specialties: ['110', '410'] }],
  };
}

const share = (rows: HistoryReferral[], f: (h: HistoryReferral) => boolean) => rows.filter(f).length / rows.length;
/** |observed - p| within 4 standard errors of a share over n. */
const near = (observed: number, p: number, n: number, what: string) =>
  assert.ok(Math.abs(observed - p) <= 4 * Math.sqrt((p * (1 - p)) / n) + 1e-9, `${what}: ${observed.toFixed(4)} against ${p} over ${n}`);

test('the same seed and now give the same rows; another seed another history', () => {
  const one = [...generateReferralHistory(inputs(10), { seed: 5 })];
  const again = [...generateReferralHistory(inputs(10), { seed: 5 })];
  assert.equal(JSON.stringify(again), JSON.stringify(one));
  const other = [...generateReferralHistory(inputs(10), { seed: 6 })];
  assert.notDeepEqual(other.map((h) => h.referral.created_at), one.map((h) => h.referral.created_at));
});

test('every row is as the tables need it: test-range NHS numbers, reserved UBRNs, in the period, slots unique and in the past', () => {
  const rows = [...generateReferralHistory(inputs(30))];
  const cal = historyCalendar(NOW);
  const slots = new Set<string>();
  for (const h of rows) {
    const r = h.referral;
    assert.ok(hasValidNhsChecksum(r.patient_nhs_number) && r.patient_nhs_number.startsWith('999'), r.patient_nhs_number);
    assert.match(r.ubrn, /^0\d{11}$/);
    assert.ok(h.madeOn >= cal.from && h.madeOn <= cal.to, h.madeOn);
    assert.equal(r.rtt_clock_start, h.madeOn);
    assert.notEqual(r.referring_organisation_ods_code, 'B86025', 'the demo referrer\'s practice makes none');
    assert.equal(r.options_offered, h.options.length);
    assert.ok(r.options_offered >= 1 && r.options_offered <= 5);
    assert.equal(r.fewer_options_code === null, r.options_offered === 5);
    assert.ok(h.options.some((o) => o.service_id === h.appointment.service_id), 'the chosen service is on the shortlist');
    assert.ok(new Date(h.appointment.starts_at) < new Date('2026-12-03T00:00:00Z'), 'appointments are before today');
    const key = `${h.slot.service_id}/${h.slot.starts_at}`;
    assert.ok(!slots.has(key), `one slot a service and start: ${key}`);
    slots.add(key);
    const times = h.events.map((e) => e.at);
    assert.deepEqual([...times].sort(), times, 'events in order');
    assert.ok(times.at(-1)! < NOW.toISOString());
    assert.equal(r.created_at, times[0]);
    assert.equal(r.status, h.events.at(-1)!.to_status);
    if (r.status === 'REJECTED') assert.ok(r.rejection_reason && r.rejected_service_id === h.appointment.service_id && h.appointment.cancelled_at);
  }
  // A real UBRN never begins with 0, so never collides with the history's.
  fc.assert(fc.property(fc.array(fc.nat(9), { minLength: 12, maxLength: 12 }), (digits) => {
    let i = 0;
    return !generateUbrn((max) => digits[i++]! % max).startsWith('0');
  }));
});

test('the rates are as stated, within 4 standard errors, over several seeds', () => {
  fc.assert(
    fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), (seed) => {
      const input = inputs(60);
      const rows = [...generateReferralHistory(input, { seed, planted: false })];
      const practiceWeeks = (input.practices.length - 2 + LARGE_PRACTICE_FACTOR) * HISTORY_WEEKS;
      const mean = practiceWeeks * WEEKLY_RATE;
      assert.ok(Math.abs(rows.length - mean) <= 4 * Math.sqrt(mean), `volume ${rows.length} against ${mean}`);
      const n = rows.length;
      near(share(rows, (h) => h.referral.received_via === 'PAPER'), PAPER_SHARE, n, 'paper');
      near(share(rows, (h) => h.events.some((e) => e.to_status === 'DEFERRED_TO_PROVIDER')), SLOT_ISSUE_SHARE, n, 'slot issues');
      near(share(rows, (h) => h.referral.status === 'REJECTED'), REJECTED_SHARE, n, 'rejected');
      // Specialty 999 has no service: never drawn. 110 is 3 in 10 of the rest.
      assert.ok(!rows.some((h) => h.referral.specialty_code === '999'));
      near(share(rows, (h) => h.referral.specialty_code === '110'), 0.3, n, 'trauma and orthopaedics');
      const msk = rows.filter((h) => h.referral.specialty_code === '110');
      near(share(msk, (h) => h.triage !== null), TRIAGE_SHARE, msk.length, 'sent for triage');
      // Every specialty here has at least 5 services within reach: fewer than 5 only for a coded reason.
      near(share(rows, (h) => h.referral.options_offered < 5), SHORT_SHARE, n, 'fewer than 5');
      return true;
    }),
    { numRuns: 4 },
  );
});

test('poisson counts have the mean asked for', () => {
  fc.assert(fc.property(fc.integer({ min: 1, max: 2 ** 31 - 1 }), fc.double({ min: 0.2, max: 8, noNaN: true }), (seed, mean) => {
    const random = mulberry32(seed);
    const n = 4000;
    let sum = 0;
    for (let i = 0; i < n; i++) sum += poisson(mean, random);
    return Math.abs(sum / n - mean) <= 4 * Math.sqrt(mean / n);
  }), { numRuns: 20 });
});

test('planted (a): from its month the practice sends 75% of its orthopaedics to the named provider; unplanted, few', () => {
  const a = PLANTED_PATTERNS.orthopaedics;
  const cal = historyCalendar(NOW);
  assert.equal(cal.orthopaedicsFrom, '2026-06-01');
  const ortho = (rows: HistoryReferral[], after: boolean) =>
    rows.filter((h) => h.referral.referring_organisation_ods_code === a.practice && h.referral.specialty_code === a.specialty && (h.madeOn >= cal.orthopaedicsFrom) === after);
  const toProvider = (rows: HistoryReferral[]) => share(rows, (h) => h.providerOdsCode === a.provider);
  let afterAll: HistoryReferral[] = [];
  let beforeAll: HistoryReferral[] = [];
  let unplantedAfter: HistoryReferral[] = [];
  for (const seed of [1, 2, 3]) {
    const planted = [...generateReferralHistory(inputs(5), { seed })];
    const unplanted = [...generateReferralHistory(inputs(5), { seed, planted: false })];
    afterAll = afterAll.concat(ortho(planted, true));
    beforeAll = beforeAll.concat(ortho(planted, false));
    unplantedAfter = unplantedAfter.concat(ortho(unplanted, true));
    // The same referrals, made the same days, whether planted or not.
    assert.deepEqual(unplanted.map((h) => [h.referral.ubrn, h.referral.created_at, h.referral.specialty_code]), planted.map((h) => [h.referral.ubrn, h.referral.created_at, h.referral.specialty_code]));
  }
  assert.ok(afterAll.length >= 40, `enough to see: ${afterAll.length}`);
  near(toProvider(afterAll), a.shareAfter, afterAll.length, 'planted share after');
  assert.ok(toProvider(beforeAll) < 0.15, `before: ${toProvider(beforeAll)}`);
  assert.ok(toProvider(unplantedAfter) < 0.15, `unplanted: ${toProvider(unplantedAfter)}`);
  for (const h of afterAll.filter((h) => h.providerOdsCode === a.provider)) assert.ok(h.options.some((o) => o.service_id === a.serviceId));
});

test('planted (b): for 6 weeks shortlists are cut far more often, coded FEWER_WITHIN_REACH or REFERRER_CHOSE; unplanted, not', () => {
  const b = PLANTED_PATTERNS.fewerOptions;
  const cal = historyCalendar(NOW);
  assert.equal(cal.fewerOptionsFrom, '2026-07-13');
  assert.equal(cal.fewerOptionsTo, '2026-08-23');
  const input = inputs(60);
  const planted = [...generateReferralHistory(input, { seed: 9 })];
  const unplanted = [...generateReferralHistory(input, { seed: 9, planted: false })];
  const inStretch = (h: HistoryReferral) => h.madeOn >= cal.fewerOptionsFrom && h.madeOn <= cal.fewerOptionsTo;
  const short = (h: HistoryReferral) => h.referral.options_offered < 5;
  const stretch = planted.filter(inStretch);
  near(share(stretch, short), b.shortShare, stretch.length, 'short in the stretch');
  assert.ok(stretch.filter(short).every((h) => h.referral.fewer_options_code === 'FEWER_WITHIN_REACH' || h.referral.fewer_options_code === 'REFERRER_CHOSE'));
  const outside = planted.filter((h) => !inStretch(h));
  near(share(outside, short), SHORT_SHARE, outside.length, 'short outside the stretch');
  const unplantedStretch = unplanted.filter(inStretch);
  near(share(unplantedStretch, short), SHORT_SHARE, unplantedStretch.length, 'unplanted stretch');
  // Outside the stretch and the planted practice, planted and unplanted are the same referrals and shortlists (the
  // slots' minutes may differ: a service's day is numbered in the order its appointments were drawn).
  const same = (h: HistoryReferral) => !inStretch(h) && h.referral.referring_organisation_ods_code !== PLANTED_PATTERNS.orthopaedics.practice;
  const shape = (rows: HistoryReferral[]) => JSON.stringify(rows.filter(same).map((h) => [h.referral, h.options, h.events]));
  assert.equal(shape(unplanted), shape(planted));
});
