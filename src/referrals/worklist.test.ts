// The one worklist search, through GET /api/v1/referrals and directly: every state found by the roles that may see
// it and by no one else, by the patient's name, NHS number or UBRN (spaces or not), filtered by state, a page at a
// time with the total on every page.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import type { Database } from '../db/database.ts';
import { nhsNumberCheckDigit } from '../domain/nhs-number.ts';
import { REFERRAL_STATUSES, type ReferralStatus, STATE_GROUP_NAMES, STATE_GROUPS } from '../domain/referral-status.ts';
import { referThroughApi, startDemoApp } from '../testing/test-app.ts';
import { searchTerms, searchWorklist } from './worklist.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens = new Map<string, string>();
/** One referral in each status, for a patient named Quillon (nobody in the demo data is). */
const byStatus = new Map<ReferralStatus, string>();
let otherProviderOnly: string;
let ownNhsNumber: { ubrn: string; nhsNumber: string };

const FAMILY = 'Quillon';
const tokenOf = (username: string) => tokens.get(username)!;
const list = async (username: string, query: string) => {
  const res = await app.inject({ method: 'GET', url: `/api/v1/referrals?${query}`, headers: { authorization: `Bearer ${tokenOf(username)}` } });
  return { status: res.statusCode, body: res.json() };
};
const ubrnsOf = (body: { referrals: { ubrn: string }[] }) => new Set(body.referrals.map((r) => r.ubrn));

before(async () => {
  ({ app, database, close } = await startDemoApp('worklist'));
  for (const username of ['demo-referrer', 'demo-referral-centre', 'demo-provider', 'demo-provider-2']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } });
    assert.equal(res.statusCode, 200, res.body);
    tokens.set(username, res.json().token);
  }
  for (const status of REFERRAL_STATUSES) {
    const { ubrn } = await referThroughApi(app, { givenName: status.toLowerCase(), familyName: FAMILY }, ['RR813-110']);
    await database.db.updateTable('referral').set({ status }).where('ubrn', '=', ubrn).execute();
    byStatus.set(status, ubrn);
  }
  // A referral offering only another trust's service: demo-provider (RR8) never finds it.
  const services = (await app.inject({ method: 'GET', url: '/api/v1/services?specialty=110' })).json().services as { id: string; provider: { odsCode: string } }[];
  const elsewhere = services.find((s) => s.provider.odsCode === 'RWY');
  assert.ok(elsewhere, 'the demo has a Calderdale and Huddersfield service');
  otherProviderOnly = (await referThroughApi(app, { givenName: 'Elsewhere', familyName: FAMILY }, [elsewhere.id])).ubrn;
  // A patient with an NHS number of their own.
  const nine = '999000555';
  const nhsNumber = `${nine}${nhsNumberCheckDigit(nine)}`;
  const made = await app.inject({
    method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${tokenOf('demo-referrer')}` },
    payload: { patient: { nhsNumber, givenName: 'Nia', familyName: 'Own-Number', dateOfBirth: '1980-05-05', postcode: 'LS1 4AP' }, specialty: '110', priority: 'URGENT', clinicalSummary: 'Hip', shortlist: ['RR813-110'] },
  });
  assert.equal(made.statusCode, 201, made.body);
  ownNhsNumber = { ubrn: made.json().ubrn, nhsNumber };
});
after(() => close());

describe('who finds what', () => {
  test('the referring practice finds its referrals in every state, ACCEPTED among them', async () => {
    const { status, body } = await list('demo-referrer', `q=${FAMILY}&limit=500`);
    assert.equal(status, 200);
    assert.deepEqual(ubrnsOf(body), new Set([...byStatus.values(), otherProviderOnly]));
    assert.equal(body.total, REFERRAL_STATUSES.length + 1);
  });

  test('each filter by group finds exactly the referrals in its statuses', async () => {
    for (const group of STATE_GROUP_NAMES) {
      const { body } = await list('demo-referrer', `q=${FAMILY}&group=${group}`);
      const expected = STATE_GROUPS[group].statuses.map((s) => byStatus.get(s)!);
      if (group === 'to-book') expected.push(otherProviderOnly);
      assert.deepEqual(ubrnsOf(body), new Set(expected), group);
    }
  });

  test('a provider finds, in every state, the referrals that offer its services, and never another trust\'s', async () => {
    const { body } = await list('demo-provider', `q=${FAMILY}`);
    assert.deepEqual(ubrnsOf(body), new Set(byStatus.values()));
    assert.ok(!ubrnsOf(body).has(otherProviderOnly));
    const accepted = await list('demo-provider', `q=${FAMILY}&status=ACCEPTED`);
    assert.deepEqual(ubrnsOf(accepted.body), new Set([byStatus.get('ACCEPTED')]));
    const other = await list('demo-provider-2', `q=${FAMILY}`);
    assert.deepEqual(ubrnsOf(other.body), new Set([otherProviderOnly]));
  });

  test('another organisation finds none of them, by any key', async () => {
    const ubrn = byStatus.get('ACCEPTED')!;
    for (const q of [FAMILY, ubrn, '9990000018', ownNhsNumber.nhsNumber]) {
      const { body } = await list('demo-referral-centre', `q=${encodeURIComponent(q)}`);
      assert.equal(body.total, 0, q);
      assert.deepEqual(body.referrals, [], q);
    }
  });

  test('a patient finds only their own referral', async () => {
    const ubrn = byStatus.get('BOOKED')!;
    const page = await searchWorklist(database.db, { kind: 'patient', role: 'patient', ubrn }, { q: FAMILY, limit: 50 });
    assert.deepEqual(page.items.map((i) => i.ubrn), [ubrn]);
  });
});

describe('search keys', () => {
  test('by name: any part of the given or family name, in any case; every word must match', async () => {
    const { body } = await list('demo-referrer', 'q=quill');
    assert.equal(body.total, REFERRAL_STATUSES.length + 1);
    const one = await list('demo-referrer', `q=${encodeURIComponent('accepted QUILLON')}`);
    assert.deepEqual(ubrnsOf(one.body), new Set([byStatus.get('ACCEPTED')]));
    assert.equal((await list('demo-referrer', `q=${encodeURIComponent('accepted Nobody')}`)).body.total, 0);
  });

  test('by NHS number, with or without spaces', async () => {
    for (const q of [ownNhsNumber.nhsNumber, ownNhsNumber.nhsNumber.replace(/^(\d{3})(\d{3})(\d{4})$/, '$1 $2 $3'), ` ${ownNhsNumber.nhsNumber.replace(/^(\d{3})(\d{3})/, '$1-$2-')} `]) {
      const { body } = await list('demo-referrer', `q=${encodeURIComponent(q)}`);
      assert.deepEqual(ubrnsOf(body), new Set([ownNhsNumber.ubrn]), q);
    }
  });

  test('by UBRN, with or without spaces', async () => {
    const ubrn = byStatus.get('REJECTED')!;
    for (const q of [ubrn, ubrn.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1 $2 $3')]) {
      const { body } = await list('demo-referrer', `q=${encodeURIComponent(q)}`);
      assert.deepEqual(ubrnsOf(body), new Set([ubrn]), q);
    }
    // Part of a number finds nothing: numbers are matched whole.
    assert.equal((await list('demo-referrer', `q=${ubrn.slice(0, 6)}`)).body.total, 0);
  });

  test('LIKE wildcards are taken literally', async () => {
    assert.equal((await list('demo-referrer', 'q=%25')).body.total, 0);
    // "a_c" as a wildcard would match "cancelled" (a-n-c); taken literally, no name has it.
    assert.equal((await list('demo-referrer', `q=a_c%20${FAMILY}`)).body.total, 0);
    // A real underscore is found: the given names here are status codes.
    assert.deepEqual(ubrnsOf((await list('demo-referrer', `q=did_not%20${FAMILY}`)).body), new Set([byStatus.get('DID_NOT_ATTEND')]));
    assert.deepEqual(searchTerms('  '), null);
    assert.deepEqual(searchTerms('1234 5678-9012'), { digits: '123456789012' });
    assert.deepEqual(searchTerms('Ann  Smith'), { words: ['Ann', 'Smith'] });
  });
});

describe('paging', () => {
  test('pages of 5: the same total on every page, no referral twice, none left out, newest change first', async () => {
    const total = REFERRAL_STATUSES.length + 1;
    const seen: string[] = [];
    for (let offset = 0; offset < total; offset += 5) {
      const { body } = await list('demo-referrer', `q=${FAMILY}&offset=${offset}&limit=5`);
      assert.equal(body.total, total);
      assert.equal(body.offset, offset);
      assert.equal(body.limit, 5);
      assert.equal(body.referrals.length, Math.min(5, total - offset));
      seen.push(...body.referrals.map((r: { ubrn: string }) => r.ubrn));
    }
    assert.equal(new Set(seen).size, total);
    const all = (await list('demo-referrer', `q=${FAMILY}&limit=500`)).body.referrals as { ubrn: string; updatedAt: string }[];
    assert.deepEqual(seen, all.map((r) => r.ubrn));
    for (let i = 1; i < all.length; i++) assert.ok(all[i - 1]!.updatedAt >= all[i]!.updatedAt);
  });

  test('past the end: no referrals, the total still told; a page exactly full has nothing after it', async () => {
    const total = REFERRAL_STATUSES.length + 1;
    const past = await list('demo-referrer', `q=${FAMILY}&offset=${total}&limit=5`);
    assert.deepEqual(past.body.referrals, []);
    assert.equal(past.body.total, total);
    const exact = await list('demo-referrer', `q=${FAMILY}&offset=0&limit=${total}`);
    assert.equal(exact.body.referrals.length, total);
  });
});

describe('the API answer', () => {
  test('without parameters, as before: the first 100, newest change first, with the same fields', async () => {
    const { status, body } = await list('demo-referrer', '');
    assert.equal(status, 200);
    assert.ok(body.referrals.length <= 100);
    assert.deepEqual(Object.keys(body.referrals[0]).sort(), ['optionsOffered', 'patientName', 'priority', 'reportedBy', 'rttClockStart', 'specialty', 'status', 'ubrn', 'updatedAt']);
    assert.equal(body.offset, 0);
    assert.equal(body.limit, 100);
    assert.ok(body.total >= body.referrals.length);
  });

  test('several statuses, a status within a group, and bad values refused with the field named', async () => {
    const two = await list('demo-referrer', `q=${FAMILY}&status=ACCEPTED,REJECTED`);
    assert.deepEqual(ubrnsOf(two.body), new Set([byStatus.get('ACCEPTED'), byStatus.get('REJECTED')]));
    const within = await list('demo-referrer', `q=${FAMILY}&status=CANCELLED,BOOKED&group=closed`);
    assert.deepEqual(ubrnsOf(within.body), new Set([byStatus.get('CANCELLED')]));
    for (const query of ['status=NOPE', 'group=toString', 'limit=0', 'offset=-1', `q=${'x'.repeat(101)}`]) {
      const res = await list('demo-referrer', query);
      assert.equal(res.status, 400, query);
      assert.match(res.body.detail ?? res.body.title, /\S/, query);
    }
  });
});
