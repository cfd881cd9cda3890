// The staff worklist pages and the pages that follow a referral after the provider's review, through app.inject:
// accepted referrals have a place on the referrer's worklist and the provider finds them again; a rejection shows
// its reason, note and next steps without forecasting an appointment; re-referring and closing from the pages.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { DEMO_PASSWORD } from '../../auth/demo-accounts.ts';
import type { Database } from '../../db/database.ts';
import { referThroughApi, startDemoApp } from '../../testing/test-app.ts';
import { type PageSession, patientSession, staffSession } from '../../testing/page-session.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
let providerToken: string;

before(async () => {
  ({ app, database, close } = await startDemoApp('worklist-pages'));
  providerToken = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-provider', password: DEMO_PASSWORD } })).json().token;
});
after(() => close());

/** A referral booked by the patient at Leeds (RR813-110), then reviewed by the provider through the API. */
async function reviewed(familyName: string, review: { outcome: 'ACCEPT' } | { outcome: 'REJECT'; reason: string; note: string | null }) {
  const { ubrn, accessCode } = await referThroughApi(app, { familyName }, ['RR813-110', 'RR801-110']);
  const patient = (await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: '1970-01-31' } })).json().token;
  const slot = (await app.inject({ method: 'GET', url: '/api/v1/services/RR813-110/slots' })).json().slots[0];
  const booked = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/appointment`, headers: { authorization: `Bearer ${patient}`, 'idempotency-key': randomUUID() }, payload: { slotId: slot.id } });
  assert.equal(booked.statusCode, 201, booked.body);
  const res = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/review`, headers: { authorization: `Bearer ${providerToken}` }, payload: review });
  assert.equal(res.statusCode, 200, res.body);
  return ubrn;
}

const row = (ubrn: string, status: string) => new RegExp(`<tr class="nhsuk-table__row" data-ubrn="${ubrn}" data-status="${status}">`);
const statusOf = async (ubrn: string) => (await database.db.selectFrom('referral').select('status').where('ubrn', '=', ubrn).executeTakeFirstOrThrow()).status;

describe('the referrer\'s worklist', () => {
  let referrer: PageSession;
  let accepted: string;
  before(async () => {
    referrer = await staffSession(app, database, 'demo-referrer');
    accepted = await reviewed('Zephyrine', { outcome: 'ACCEPT' });
  });

  test('an accepted referral has a place: under "Accepted", and under all states', async () => {
    const all = await referrer.get('/referrals');
    assert.equal(all.statusCode, 200);
    assert.match(all.body, row(accepted, 'ACCEPTED'), 'the worklist once had no place for accepted referrals');
    const filtered = await referrer.get('/referrals?state=accepted');
    assert.match(filtered.body, row(accepted, 'ACCEPTED'));
    assert.doesNotMatch(filtered.body, /data-status="(?!ACCEPTED)/, 'only accepted ones');
    assert.match(filtered.body, /<a href="\/referrals\?state=accepted" id="filter-accepted" aria-current="true"><strong>Accepted<\/strong> <span class="oc-tabs-count">\(\d+\)<\/span><\/a>/);
  });

  test('found by name, NHS number or UBRN with spaces; the search keeps the filter and says when nothing matches', async () => {
    const spaced = accepted.replace(/^(\d{4})(\d{4})(\d{4})$/, '$1 $2 $3');
    for (const q of ['zephyr', spaced, accepted]) {
      const res = await referrer.get(`/referrals?q=${encodeURIComponent(q)}`);
      assert.match(res.body, row(accepted, 'ACCEPTED'), q);
      assert.match(res.body, /Showing 1 to 1 of 1 referral</, q);
    }
    const byNhs = await referrer.get(`/referrals?q=${encodeURIComponent('999 000 0018')}&state=accepted`);
    assert.match(byNhs.body, row(accepted, 'ACCEPTED'));
    assert.match(byNhs.body, /<input type="hidden" name="state" value="accepted">/, 'searching again keeps the filter');
    const none = await referrer.get('/referrals?q=Nobody-Has-This-Name');
    assert.match(none.body, /No referrals found\. Check the spelling or the number, or search all states\./);
    assert.match(none.body, /id="clear-search"/);
  });

  test('paged with the NHS pagination: previous and next with page numbers, and past the end sent to the last page', async () => {
    for (let i = 0; i < 4; i++) await referThroughApi(app, { givenName: `Pager${i}`, familyName: 'Paginated' }, ['RR813-110']);
    const first = await referrer.get('/referrals?q=Paginated&size=3');
    assert.match(first.body, /Showing 1 to 3 of 4 referrals/);
    assert.match(first.body, /class="nhsuk-pagination/);
    assert.match(first.body, /href="\/referrals\?q=Paginated&amp;page=2&amp;size=3"[^>]*rel="next"/);
    assert.doesNotMatch(first.body, /rel="prev"/);
    assert.match(first.body, /2 of 2/);
    const second = await referrer.get('/referrals?q=Paginated&size=3&page=2');
    assert.match(second.body, /Showing 4 to 4 of 4 referrals/);
    assert.match(second.body, /href="\/referrals\?q=Paginated&amp;size=3"[^>]*rel="prev"/);
    assert.doesNotMatch(second.body, /rel="next"/);
    const past = await referrer.get('/referrals?q=Paginated&size=3&page=9');
    assert.equal(past.statusCode, 303);
    assert.equal(past.headers.location, '/referrals?q=Paginated&page=2&size=3');
    // Nonsense in the address reads as the defaults.
    assert.equal((await referrer.get('/referrals?state=toString&page=-2&size=abc')).statusCode, 200);
  });
});

describe('the provider finds a referral again after reviewing it', () => {
  test('its page answers for an accepted or rejected referral, with no accept or reject, and the search finds it', async () => {
    const provider = await staffSession(app, database, 'demo-provider');
    const accepted = await reviewed('Acceptee', { outcome: 'ACCEPT' });
    const page = await provider.get(`/provider/referrals/${accepted}`);
    assert.equal(page.statusCode, 200, 'it answered 404 once accepted');
    assert.match(page.body, /<span id="referral-status">Accepted<\/span>/);
    assert.doesNotMatch(page.body, /id="accept"|id="reject"/);
    assert.match(page.body, /id="history"/);
    // Accepting again (a second click) goes back to its page, not to an error.
    const again = await provider.post(`/provider/referrals/${accepted}/accept`, {});
    assert.equal(again.statusCode, 303);
    assert.equal(again.headers.location, `/provider/referrals/${accepted}`);

    const found = await provider.get('/provider/referrals/find?q=Acceptee&state=accepted');
    assert.equal(found.statusCode, 200);
    assert.match(found.body, row(accepted, 'ACCEPTED'));
    assert.match(found.body, new RegExp(`href="/provider/referrals/${accepted}"`));

    const rejected = await reviewed('Rejectee', { outcome: 'REJECT', reason: 'WRONG_SPECIALTY', note: 'Refer to rheumatology' });
    const rejectedPage = await provider.get(`/provider/referrals/${rejected}`);
    assert.equal(rejectedPage.statusCode, 200);
    assert.match(rejectedPage.body, /The patient needs another specialty: Refer to rheumatology/);
    assert.equal((await provider.get(`/provider/referrals/${rejected}/reject`)).statusCode, 303);
  });

  test('the done message links to the referral just reviewed', async () => {
    const provider = await staffSession(app, database, 'demo-provider');
    const ubrn = await reviewed('Linked', { outcome: 'ACCEPT' });
    const res = await provider.get(`/provider/referrals?accepted=${ubrn}`);
    assert.match(res.body, new RegExp(`<a href="/provider/referrals/${ubrn}" id="done-link">`));
  });

  test('another trust\'s provider does not find it, on the search or its page', async () => {
    const ubrn = await reviewed('Hidden-From-Rwy', { outcome: 'ACCEPT' });
    const other = await staffSession(app, database, 'demo-provider-2');
    assert.equal((await other.get(`/provider/referrals/${ubrn}`)).statusCode, 404);
    assert.doesNotMatch((await other.get('/provider/referrals/find?q=Hidden-From-Rwy')).body, /data-ubrn=/);
  });
});

describe('a rejection, as the referrer follows it', () => {
  test('the referral page shows the reason, note and next steps, and forecasts no appointment', async () => {
    const ubrn = await reviewed('Forecastless', { outcome: 'REJECT', reason: 'SERVICE_CANNOT_MEET_NEEDS', note: 'No hand clinic here.' });
    const referrer = await staffSession(app, database, 'demo-referrer');
    const page = await referrer.get(`/referrals/${ubrn}`);
    assert.equal(page.statusCode, 200);
    assert.match(page.body, /<span id="rejection-reason">The service cannot meet the patient&#39;s needs<\/span>/);
    assert.match(page.body, /<span id="rejection-note">No hand clinic here\.<\/span>/);
    assert.match(page.body, /id="next-step">Re-refer with a new shortlist/);
    assert.match(page.body, new RegExp(`href="/referrals/${ubrn}/re-refer"[^>]*id="re-refer"`));
    assert.match(page.body, new RegExp(`href="/referrals/${ubrn}/close"[^>]*id="close-referral"`));
    assert.doesNotMatch(page.body, /id="book-now"/, 'booked again only once re-referred');
    assert.equal((await referrer.get(`/referrals/${ubrn}/book`)).headers.location, `/referrals/${ubrn}`);
    // The waiting panel said "likely to be seen by …, within 18 weeks" for a rejected referral.
    assert.doesNotMatch(page.body, /within 18 weeks/);
    assert.match(page.body, /<span id="forecast">Not until the patient is referred again<\/span>/);
    assert.match(page.body, /clinically appropriate but wrongly directed, so the waiting-time clock keeps running/);
    assert.doesNotMatch(page.body, /id="faster-link"/);

    // The patient's own page says the same, to them.
    const mine = await (await patientSession(app, database, ubrn)).get('/manage');
    assert.equal(mine.statusCode, 200);
    assert.doesNotMatch(mine.body, /within 18 weeks/);
    assert.match(mine.body, /<span id="forecast">Not until you are referred again<\/span>/);
    assert.match(mine.body, /so your waiting time still counts from/);
  });

  test('re-referring from the pages: the service that rejected it is not ticked, none ticked is refused, then the patient can choose again', async () => {
    const ubrn = await reviewed('Rereferred', { outcome: 'REJECT', reason: 'INSUFFICIENT_INFORMATION', note: null });
    const referrer = await staffSession(app, database, 'demo-referrer');
    const form = await referrer.get(`/referrals/${ubrn}/re-refer`);
    assert.equal(form.statusCode, 200);
    const box = (id: string) => new RegExp(`<input[^>]*value="${id}"[^>]*>`).exec(form.body)?.[0] ?? '';
    assert.match(box('RR813-110'), /type="checkbox"/);
    assert.doesNotMatch(box('RR813-110'), /checked/, 'the service that rejected it is not offered again by default');
    assert.match(box('RR801-110'), /type="checkbox"/, 'offered before, offered again');
    assert.equal((form.body.match(/<input[^>]*name="services"[^>]*checked/g) ?? []).length, 5, 'the engine\'s first 5 are ticked');
    assert.match(form.body, /This service rejected the referral\./);
    assert.match(form.body, /id="clock-rule">/);
    const none = await referrer.post(`/referrals/${ubrn}/re-refer`, {});
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /<a href="#services">\s*Select at least one service to offer the patient\s*<\/a>/);
    const tooLong = await referrer.post(`/referrals/${ubrn}/re-refer`, { services: 'RR801-110', clinicalAddition: 'x'.repeat(5001) });
    assert.equal(tooLong.statusCode, 400);
    assert.match(tooLong.body, /<a href="#clinicalAddition">\s*Clinical information to add must be 5,000 characters or fewer\s*<\/a>/);
    assert.match(/<input[^>]*value="RR801-110"[^>]*>/.exec(tooLong.body)?.[0] ?? '', /checked/, 'the services chosen are kept');
    const done = await referrer.post(`/referrals/${ubrn}/re-refer`, { services: 'RR801-110', clinicalAddition: 'X-ray report: moderate osteoarthritis.' });
    assert.equal(done.statusCode, 303, done.body);
    assert.equal(done.headers.location, `/referrals/${ubrn}?done=re-referred`);
    assert.equal(await statusOf(ubrn), 'NOT_BOOKED');
    const { clinical_summary } = await database.db.selectFrom('referral').select('clinical_summary').where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
    assert.match(clinical_summary, /^Knee\n\nAdded on re-referral \(\d{4}-\d{2}-\d{2}\): X-ray report: moderate osteoarthritis\.$/);
    const page = await referrer.get(done.headers.location!);
    assert.match(page.body, /id="done" role="status"><p>Referral sent again with a new shortlist/);
    assert.match(page.body, /id="book-now"/, 'the referrer can now book with the patient');
    // The form again, once re-referred: back to the referral.
    assert.equal((await referrer.get(`/referrals/${ubrn}/re-refer`)).statusCode, 303);
  });

  test('closing from the pages: a reason is required, linked to its field; then the referral is closed', async () => {
    const ubrn = await reviewed('Closable', { outcome: 'REJECT', reason: 'DUPLICATE_REFERRAL', note: null });
    const referrer = await staffSession(app, database, 'demo-referrer');
    assert.equal((await referrer.get(`/referrals/${ubrn}/close`)).statusCode, 200);
    const empty = await referrer.post(`/referrals/${ubrn}/close`, { reason: '' });
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /<a href="#reason">\s*Enter why you are closing the referral\s*<\/a>/);
    const closed = await referrer.post(`/referrals/${ubrn}/close`, { reason: 'Already under the care of the hospital' });
    assert.equal(closed.statusCode, 303);
    assert.equal(await statusOf(ubrn), 'CANCELLED');
    const page = await referrer.get(`/referrals/${ubrn}?done=closed`);
    assert.match(page.body, /Referral closed\./);
    assert.doesNotMatch((await referrer.get(`/referrals/${ubrn}?done=toString`)).body, /id="done"/, 'only the messages there are');
    assert.match(page.body, /Closed by the referrer: Already under the care of the hospital/);
    assert.doesNotMatch(page.body, /id="re-refer"|id="close-link"/);
    assert.match((await referrer.get('/referrals?state=closed&q=Closable')).body, row(ubrn, 'CANCELLED'));
  });

  test('another practice cannot open the re-refer or close pages of the referral', async () => {
    const ubrn = await reviewed('Not-Theirs', { outcome: 'REJECT', reason: 'WRONG_SPECIALTY', note: null });
    const centre = await staffSession(app, database, 'demo-referral-centre');
    assert.equal((await centre.get(`/referrals/${ubrn}/re-refer`)).statusCode, 404);
    assert.equal((await centre.get(`/referrals/${ubrn}/close`)).statusCode, 404);
    assert.equal((await centre.post(`/referrals/${ubrn}/close`, { reason: 'x' })).statusCode, 404);
  });
});
