// The detector against the demo's year of history: it finds the planted pattern, and flags nothing in the same
// history generated without it.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { readHistoryInputs } from '../demo/load-referral-history.ts';
import { generateReferralHistory, historyCalendar, type HistoryInputs, PLANTED_PATTERNS } from '../demo/referral-history.ts';
import { openDemoTestDatabase, type TestDatabase } from '../testing/database.ts';
import { detectPatterns, type ReferralFact } from './detect.ts';

let database: TestDatabase;
let inputs: HistoryInputs;
const now = new Date();
before(async () => {
  database = await openDemoTestDatabase('patterns_demo_history');
  inputs = (await readHistoryInputs(database.db, now))!;
  assert.ok(inputs, 'the demo directory has the ICB\'s practices and services');
});
after(() => database.drop());

function detect(planted: boolean) {
  const facts: ReferralFact[] = [];
  for (const h of generateReferralHistory(inputs, { planted })) {
    facts.push({ practice: h.referral.referring_organisation_ods_code, specialty: h.referral.specialty_code, provider: h.providerOdsCode, madeOn: h.madeOn });
  }
  const { from, to } = historyCalendar(now);
  return detectPatterns(facts, { from, to });
}

test('the planted pattern is found, more to the provider, since about the month it was planted', () => {
  const a = PLANTED_PATTERNS.orthopaedics;
  const found = detect(true).moved;
  const planted = found.find((p) => p.key === `${a.practice}-${a.specialty}-${a.provider}`);
  assert.ok(planted, 'the planted pattern is flagged');
  assert.equal(planted.direction, 'more');
  // It moved from the first day of the month six months before now's month: the change point finds that week, give or take two.
  const start = new Date(Date.UTC(now.getUTCFullYear(), now.getUTCMonth() - a.monthsBefore, 1));
  const weeksOff = Math.abs(Date.parse(`${planted.since}T00:00:00Z`) - start.getTime()) / (7 * 86_400_000);
  assert.ok(weeksOff <= 2, `since ${planted.since}, planted from ${start.toISOString().slice(0, 10)}`);
  assert.deepEqual(found.map((p) => p.key), [planted.key], 'only the planted pattern moved');
});

test('the same history without the planted patterns has no pattern that moved', () => {
  const found = detect(false).moved;
  assert.deepEqual(found.map((p) => p.key), []);
});
