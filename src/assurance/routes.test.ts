// The self-assessment's API through the whole app on the demo data: the contract's 24 actions and 9 minimum standards
// in the guide's order, the forced Red, PUT as idempotent with every change in the history, the suggestion of the
// held evidence overruled only with a reason, bad input refused with nothing already saved lost, and every role but
// commissioners (their own ICB) and admins (any, icb=) refused.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../auth/demo-accounts.ts';
import { issuePatientToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { londonDate } from '../domain/dates.ts';
import { halfYearDates, halfYearOf } from '../domain/half-year.ts';
import { ASSESSMENT_ITEMS } from '../domain/self-assessment-items.ts';
import { referThroughApi, startDemoApp } from '../testing/test-app.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};
const PERIOD = halfYearOf(londonDate());

before(async () => {
  ({ app, database, close } = await startDemoApp('assurance-routes'));
  for (const username of ['demo-commissioner', 'demo-admin', 'demo-referrer', 'demo-referral-centre', 'demo-provider']) {
    const res = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } });
    assert.equal(res.statusCode, 200, res.body);
    tokens[username] = res.json().token;
  }
});
after(() => close());

const call = (who: string | null, method: 'GET' | 'PUT', url: string, payload?: object) =>
  app.inject({ method, url, headers: who ? { authorization: `Bearer ${tokens[who] ?? who}` } : {}, ...(payload ? { payload } : {}) });
const put = (itemId: string, body: object, who = 'demo-commissioner', query = '') => call(who, 'PUT', `/api/v1/self-assessments/${PERIOD}/items/${itemId}${query}`, body);
const get = async (who = 'demo-commissioner', query = '') => {
  const res = await call(who, 'GET', `/api/v1/self-assessments/${PERIOD}${query}`);
  assert.equal(res.statusCode, 200, res.body);
  return res.json();
};
const changes = async (itemId: string) => (await database.db.selectFrom('self_assessment_item_change').select('id').where('item_id', '=', itemId).where('period', '=', PERIOD).execute()).length;

describe('the self-assessment API', () => {
  test('answers the 24 actions and 9 minimum standards, in the guide\'s order, for the commissioner\'s ICB', async () => {
    const a = await get();
    assert.deepEqual(a.icb, { odsCode: 'QWO', name: 'NHS West Yorkshire Integrated Care Board' });
    assert.equal(a.period, PERIOD);
    assert.equal(a.items.length, 33);
    assert.equal(a.items.filter((i: { kind: string }) => i.kind === 'ACTION').length, 24);
    assert.equal(a.items.filter((i: { kind: string }) => i.kind === 'MINIMUM_STANDARD').length, 9);
    assert.deepEqual(a.items.map((i: { itemId: string }) => i.itemId), ASSESSMENT_ITEMS.map((i) => i.id));
    assert.deepEqual(a.items.find((i: { itemId: string }) => i.itemId === '3.4').standards, ['MS2']);
    const ms6 = a.items.find((i: { itemId: string }) => i.itemId === 'MS6');
    assert.equal(ms6.rating, null);
    assert.equal(ms6.contraryToLegalRights, false);
    // The share of referrals offered at least 5 options, with its period and denominator.
    assert.ok(ms6.offeredEvidence, 'MS6 is offered evidence');
    assert.equal(ms6.offeredEvidence.from, halfYearDates(PERIOD).from);
    assert.equal(ms6.offeredEvidence.to, londonDate());
    assert.ok(ms6.offeredEvidence.figures[0].share.denominator > 0, 'the demo has referrals in the half-year');
    assert.ok(['RED', 'AMBER', 'GREEN'].includes(ms6.offeredEvidence.suggestedRating));
    // Capacity notices (5.6) and accreditation (MS5) are offered from their own features.
    const notices = a.items.find((i: { itemId: string }) => i.itemId === '5.6');
    assert.match(notices.offeredEvidence.summary, /capacity notices in force/);
    assert.ok(notices.offeredEvidence.figures[0].count >= 1, 'the demo has a capacity notice');
    const ms5 = a.items.find((i: { itemId: string }) => i.itemId === 'MS5');
    assert.match(ms5.offeredEvidence.summary, /accreditation decisions/);
  });

  test('PUT saves an item as sent, twice changes nothing more, and evidence of practice contrary to legal rights forces Red', async () => {
    const body = { rating: 'GREEN', evidence: [{ type: 'TEXT', text: 'Choice policy published on the ICB website, reviewed in May.' }, { type: 'LINK', url: 'https://example.org/choice-policy' }], contraryToLegalRights: false, owner: 'Head of elective care' };
    const first = await put('1.1', body);
    assert.equal(first.statusCode, 200, first.body);
    assert.equal(first.json().rating, 'GREEN');
    assert.equal(first.json().effectiveRating, 'GREEN');
    assert.deepEqual(first.json().evidence, body.evidence);
    assert.equal(first.json().owner, 'Head of elective care');
    assert.equal(await changes('1.1'), 1);
    const again = await put('1.1', body);
    assert.equal(again.statusCode, 200);
    assert.deepEqual(again.json(), first.json());
    assert.equal(await changes('1.1'), 1, 'the same PUT again records no change');

    const forced = await put('1.2', { rating: 'GREEN', evidence: [{ type: 'TEXT', text: 'Posters in every practice.' }], contraryToLegalRights: true });
    assert.equal(forced.statusCode, 200, forced.body);
    assert.equal(forced.json().rating, 'GREEN');
    assert.equal(forced.json().effectiveRating, 'RED');
    const a = await get();
    const item = a.items.find((i: { itemId: string }) => i.itemId === '1.2');
    assert.equal(item.effectiveRating, 'RED');
    assert.equal(item.contraryToLegalRights, true);
    const history = await database.db.selectFrom('self_assessment_item_change').selectAll().where('item_id', '=', '1.2').where('period', '=', PERIOD).execute();
    assert.equal(history.length, 1);
    assert.equal(history[0]!.old_effective, null);
    assert.equal(history[0]!.new_effective, 'RED');
    assert.match(history[0]!.changed_by, /Chris Demo/);
  });

  test('rating against the held evidence\'s suggestion with the contract\'s body is saved as overruled without a reason; a reason given is stored', async () => {
    const a = await get();
    const suggested = a.items.find((i: { itemId: string }) => i.itemId === 'MS6').offeredEvidence.suggestedRating as string;
    const other = suggested === 'GREEN' ? 'AMBER' : 'GREEN';
    const bare = await put('MS6', { rating: other, evidence: [], contraryToLegalRights: false });
    assert.equal(bare.statusCode, 200, bare.body);
    assert.equal(bare.json().rating, other);
    assert.match(bare.json().overruleReason, new RegExp(`^No reason given: rated ${other} against the suggested ${suggested}`));
    const overruled = await put('MS6', { rating: other, evidence: [], contraryToLegalRights: false, overruleReason: 'The figures count referrals that were clinically specialist.' });
    assert.equal(overruled.statusCode, 200, overruled.body);
    assert.equal(overruled.json().suggestedRating, suggested);
    assert.equal(overruled.json().overruleReason, 'The figures count referrals that were clinically specialist.');
    const agreed = await put('MS6', { rating: suggested, evidence: [], contraryToLegalRights: false, overruleReason: 'not needed' });
    assert.equal(agreed.statusCode, 200);
    assert.equal(agreed.json().overruleReason, null, 'agreeing with the suggestion keeps no reason');
  });

  test('bad input is refused with a useful detail, and what was saved is kept', async () => {
    const saved = (await get()).items.find((i: { itemId: string }) => i.itemId === '1.1');
    const cases: [string, string, object, number, RegExp][] = [
      ['bad period', `/api/v1/self-assessments/2026-H3/items/1.1`, { rating: 'RED', evidence: [], contraryToLegalRights: false }, 400, /half-year/],
      ['unknown action', `/api/v1/self-assessments/${PERIOD}/items/7.1`, { rating: 'RED', evidence: [], contraryToLegalRights: false }, 404, /1\.1 to 6\.5/],
      ['unknown standard', `/api/v1/self-assessments/${PERIOD}/items/MS10`, { rating: 'RED', evidence: [], contraryToLegalRights: false }, 404, /MS1 to MS9/],
      ['unknown rating', `/api/v1/self-assessments/${PERIOD}/items/1.1`, { rating: 'PURPLE', evidence: [], contraryToLegalRights: false }, 400, /rating/],
      ['evidence too long', `/api/v1/self-assessments/${PERIOD}/items/1.1`, { rating: 'RED', evidence: [{ type: 'TEXT', text: 'x'.repeat(4001) }], contraryToLegalRights: false }, 400, /4000 characters/],
      ['a link that is not a web address', `/api/v1/self-assessments/${PERIOD}/items/1.1`, { rating: 'RED', evidence: [{ type: 'LINK', url: 'javascript:alert(1)' }], contraryToLegalRights: false }, 400, /https:\/\//],
      ['an attachment the item does not have', `/api/v1/self-assessments/${PERIOD}/items/1.1`, { rating: 'RED', evidence: [{ type: 'ATTACHMENT', id: '00000000-0000-0000-0000-000000000000' }], contraryToLegalRights: false }, 400, /attachments/],
      ['no contraryToLegalRights', `/api/v1/self-assessments/${PERIOD}/items/1.1`, { rating: 'RED', evidence: [] }, 400, /contraryToLegalRights/],
    ];
    for (const [what, url, body, status, detail] of cases) {
      const res = await call('demo-commissioner', 'PUT', url, body);
      assert.equal(res.statusCode, status, `${what}: ${res.body}`);
      assert.match(res.headers['content-type'] as string, /application\/problem\+json/, what);
      assert.match(res.json().detail, detail, what);
    }
    const bad = await call('demo-commissioner', 'GET', '/api/v1/self-assessments/last-year');
    assert.equal(bad.statusCode, 400);
    assert.deepEqual((await get()).items.find((i: { itemId: string }) => i.itemId === '1.1'), saved, 'nothing saved was lost');
  });

  test('only commissioners (their own ICB) and admins (any, icb=) may read or write', async () => {
    const { ubrn } = await referThroughApi(app, { familyName: 'Assessed' }, []).catch(async () => {
      // A referral with no shortlist may be refused; any demo referral serves for the patient's token.
      const r = await database.db.selectFrom('referral').select('ubrn').limit(1).executeTakeFirstOrThrow();
      return { ubrn: r.ubrn, accessCode: '' };
    });
    const patient = (await issuePatientToken(database.db, ubrn, 'api')).token;
    for (const who of ['demo-referrer', 'demo-referral-centre', 'demo-provider', patient]) {
      assert.equal((await call(who, 'GET', `/api/v1/self-assessments/${PERIOD}`)).statusCode, 403, who);
      assert.equal((await put('2.1', { rating: 'RED', evidence: [], contraryToLegalRights: false }, who)).statusCode, 403, who);
    }
    assert.equal((await call(null, 'GET', `/api/v1/self-assessments/${PERIOD}`)).statusCode, 401);
    assert.equal((await call('demo-commissioner', 'GET', `/api/v1/self-assessments/${PERIOD}?icb=QHM`)).statusCode, 403, 'another ICB');
    assert.equal((await call('demo-admin', 'GET', `/api/v1/self-assessments/${PERIOD}`)).statusCode, 400, 'an admin names the ICB');
    const admin = await get('demo-admin', '?icb=QWO');
    assert.equal(admin.items.find((i: { itemId: string }) => i.itemId === '1.1').rating, 'GREEN');
    assert.equal(await changes('2.1'), 0, 'no refused call saved anything');
  });
});
