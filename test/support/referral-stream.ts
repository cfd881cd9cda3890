// What the crash tests send and what they check afterwards: a stream of referral creations for distinct synthetic
// patients, and the database's account of them (every acknowledged one there whole, none half-written, and with
// Idempotency-Keys no patient referred twice however often a request was sent again).
import assert from 'node:assert/strict';
import type pg from 'pg';
import { nhsNumberCheckDigit } from '../../src/domain/nhs-number.ts';
import { LEEDS } from '../../src/testing/directory-fixture.ts';

/** A valid NHS number in the synthetic range 999 xxx xxx x for each n. */
export function nhsNumber(n: number): string {
  for (let k = n; ; k += 1_000_000) {
    const nine = String(990_000_000 + (k % 9_999_999));
    const check = nhsNumberCheckDigit(nine)!;
    if (check !== 10) return `${nine}${check}`;
  }
}

/** The body of POST /api/v1/referrals for patient n (near the directory fixture's Leeds). */
export function referralBody(n: number, contact: { email: string | null } = { email: null }) {
  return {
    patient: { nhsNumber: nhsNumber(n), givenName: 'Crash', familyName: `Patient ${n}`, dateOfBirth: '1970-01-31', postcode: LEEDS.postcode, email: contact.email, mobile: null },
    specialty: '110',
    priority: 'ROUTINE',
    clinicalSummary: 'Left hip pain for a year; referred for assessment.',
    preferences: { sortBy: 'WAIT' },
    shortlist: null,
  };
}

/** The Idempotency-Key of patient n's referral: the same on every try, so a retry after a lost answer refers once. */
export function referralKey(n: number): string {
  return `crash-referral-${n}`;
}

/**
 * No patient was referred twice (a request sent again under its key made no second referral), and each patient
 * whose 201 arrived (n → the UBRN it named) has exactly that referral.
 */
export async function checkOneReferralPerPatient(pool: pg.Pool, acknowledgedPatients: ReadonlyMap<number, string>) {
  const rows = (
    await pool.query<{ nhs_number: string; ubrns: string[] }>(
      `select patient_nhs_number as nhs_number, array_agg(ubrn order by ubrn) as ubrns from referral group by patient_nhs_number`,
    )
  ).rows;
  const twice = rows.filter((r) => r.ubrns.length > 1);
  assert.deepEqual(twice, [], `${twice.length} patients were referred more than once`);
  const ubrnOf = new Map(rows.map((r) => [r.nhs_number, r.ubrns[0]]));
  const otherThanAnswered = [...acknowledgedPatients].filter(([n, ubrn]) => ubrnOf.get(nhsNumber(n)) !== ubrn);
  assert.deepEqual(otherThanAnswered, [], 'each acknowledged patient has the referral its 201 named');
  return { patients: rows.length };
}

/**
 * Every referral whose 201 the client received (ubrn → optionsOffered from it) is there, whole (all its options and
 * its creation event); none is half-written, acknowledged or not; and at most `maxUnacknowledged` were committed
 * without their 201 reaching the client.
 */
export async function checkReferralsWhole(pool: pg.Pool, acknowledged: ReadonlyMap<string, number>, maxUnacknowledged: number) {
  const rows = (
    await pool.query<{ ubrn: string; options_offered: number; options: number; creation_events: number }>(
      `select r.ubrn, r.options_offered,
              (select count(*) from referral_option o where o.ubrn = r.ubrn)::int as options,
              (select count(*) from referral_event e where e.ubrn = r.ubrn and e.from_status is null and e.to_status = 'NOT_BOOKED')::int as creation_events
       from referral r`,
    )
  ).rows;
  const byUbrn = new Map(rows.map((r) => [r.ubrn, r]));

  const missing = [...acknowledged.keys()].filter((u) => !byUbrn.has(u));
  assert.deepEqual(missing, [], `${missing.length} acknowledged referrals are missing`);
  for (const [ubrn, optionsOffered] of acknowledged) {
    const r = byUbrn.get(ubrn)!;
    assert.equal(r.options_offered, optionsOffered, `${ubrn}: optionsOffered as answered`);
    assert.equal(r.options, r.options_offered, `${ubrn}: all its options`);
    assert.equal(r.creation_events, 1, `${ubrn}: its creation event`);
  }

  const halfWritten = rows.filter((r) => r.options !== r.options_offered || r.options === 0 || r.creation_events !== 1);
  assert.deepEqual(halfWritten, [], 'no referral without all its options and exactly one creation event');
  const orphans = Number(
    (
      await pool.query(`select (select count(*) from referral_option o where not exists (select 1 from referral r where r.ubrn = o.ubrn))
                             + (select count(*) from referral_event e where not exists (select 1 from referral r where r.ubrn = e.ubrn)) as n`)
    ).rows[0].n,
  );
  assert.equal(orphans, 0, 'no options or events without their referral');
  const unacknowledged = rows.length - acknowledged.size;
  assert.ok(unacknowledged >= 0 && unacknowledged <= maxUnacknowledged, `${unacknowledged} committed without a 201; at most ${maxUnacknowledged} were unanswered`);
  return { referrals: rows.length, unacknowledged };
}
