// The "make a referral" journey through app.inject: each answer checked on the page where it is given (the postcode
// refused there, its error linked to the box), answers kept when an earlier one changes (a service the referrer
// added stays, or is taken off with the reason said), "Change" returning to the check page, wider searches when
// fewer than 5 match, and what can still go wrong at "Send referral" linked to the field on its own page.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import type { Database } from '../../db/database.ts';
import { type PageSession, staffSession } from '../../testing/page-session.ts';
import { startDemoApp } from '../../testing/test-app.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;

before(async () => ({ app, database, close } = await startDemoApp('refer')));
after(() => close());

const PATIENT = {
  nhsNumber: '9990000018', givenName: 'Ann', familyName: 'Smith', 'dob[day]': '31', 'dob[month]': '1', 'dob[year]': '1970',
  address: '12 Park Row', postcode: 'LS1 4AP', specialty: '110',
};
const PREFERENCES = { sortBy: 'WAIT', origin: 'home', originPostcode: '', distance: '25' };
/** A service within 25 miles of LS1 4AP that is not among the engine's first 5 for the shortest wait. */
const ADDED = 'RR801-110';

/** The hrefs of the error summary's links, in order. */
const summaryLinks = (html: string) => {
  const summary = /<div class="nhsuk-error-summary"[^]*?<\/div>\s*<\/div>/.exec(html)?.[0] ?? '';
  return [...summary.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]);
};
/** The service ids ticked on the shortlist page, in the page's order. */
const ticked = (html: string) => [...html.matchAll(/<input class="nhsuk-checkboxes__input"[^>]*value="([^"]+)"[^>]*checked/g)].map((m) => m[1]!);
/** The services listed on the check page. */
const checked = (html: string) => /<ol class="nhsuk-list nhsuk-list--number" id="check-services">([^]*?)<\/ol>/.exec(html)?.[1] ?? '';

let b: PageSession;
beforeEach(async () => {
  b = await staffSession(app, database, 'demo-referrer');
  const start = await b.get('/referrals');
  assert.equal(start.statusCode, 200);
  assert.equal((await b.post('/referrals/new')).headers.location, '/referrals/new/patient');
  await b.get('/referrals/new/patient');
});

/** Posts the shortlist form with these services ticked (a field sent once per box, as a browser sends it). */
async function postShortlist(ids: readonly string[], extra: [string, string][] = []) {
  const form = new URLSearchParams([...ids.map((id): [string, string] => ['services', id]), ...extra, ['_csrf', b.csrf!]]);
  return b.keep(await app.inject({
    method: 'POST', url: '/referrals/new/shortlist', payload: form.toString(),
    headers: { cookie: b.cookieHeader(), 'content-type': 'application/x-www-form-urlencoded' },
  }));
}

/** Answers every question, adding ADDED to the engine's 5; ends on the check page. */
async function answerAll(patient: Record<string, string> = {}) {
  assert.equal((await b.post('/referrals/new/patient', { ...PATIENT, ...patient })).headers.location, '/referrals/new/preferences');
  await b.get('/referrals/new/preferences');
  assert.equal((await b.post('/referrals/new/preferences', PREFERENCES)).headers.location, '/referrals/new/shortlist');
  const shortlist = await b.get('/referrals/new/shortlist');
  const recommended = ticked(shortlist.body);
  assert.equal(recommended.length, 5);
  assert.ok(!recommended.includes(ADDED) && shortlist.body.includes(`value="${ADDED}"`), 'the added service is offered but not recommended');
  const posted = await postShortlist([...recommended, ADDED]);
  assert.equal(posted.headers.location, '/referrals/new/clinical');
  await b.get('/referrals/new/clinical');
  assert.equal((await b.post('/referrals/new/clinical', { priority: 'ROUTINE', clinicalSummary: 'Knee pain' })).headers.location, '/referrals/new/check');
  const check = await b.get('/referrals/new/check');
  assert.equal(check.statusCode, 200);
  assert.match(checked(check.body), /Leeds General Infirmary/, 'the added service is offered');
  return { recommended, check };
}

describe('each answer is checked on its own page', () => {
  test('a home postcode the directory does not know is refused on the patient page, linked to its box, answers kept', async () => {
    const res = await b.post('/referrals/new/patient', { ...PATIENT, postcode: 'zz99 9zz' });
    assert.equal(res.statusCode, 422);
    assert.deepEqual(summaryLinks(res.body), ['#postcode']);
    assert.match(res.body, /id="postcode-error"[^]*We cannot find ZZ99 9ZZ\. Check the patient&#39;s postcode and enter it again/);
    assert.match(res.body, /id="givenName" name="givenName"[^>]*value="Ann"/, 'the other answers are shown again');
    assert.match(res.body, /id="postcode" name="postcode"[^>]*value="zz99 9zz"/, 'as typed');
    const draft = await b.get('/referrals/new/preferences');
    assert.equal(draft.headers.location, '/referrals/new/patient', 'nothing was saved: the journey stays on the patient page');
  });

  test('a malformed postcode, and one from Northern Ireland (outside the directory of Great Britain), each said plainly', async () => {
    const malformed = await b.post('/referrals/new/patient', { ...PATIENT, postcode: 'LS1 4A' });
    assert.equal(malformed.statusCode, 400);
    assert.deepEqual(summaryLinks(malformed.body), ['#postcode']);
    const belfast = await b.post('/referrals/new/patient', { ...PATIENT, postcode: 'BT1 1AA' });
    assert.equal(belfast.statusCode, 422);
    assert.deepEqual(summaryLinks(belfast.body), ['#postcode']);
    assert.match(belfast.body, /BT1 1AA is in Northern Ireland: this service lists NHS services in England/);
  });

  test('a relative\'s postcode the directory does not know is refused on the preferences page, linked to its box', async () => {
    await b.post('/referrals/new/patient', PATIENT);
    await b.get('/referrals/new/preferences');
    const res = await b.post('/referrals/new/preferences', { ...PREFERENCES, origin: 'other', originPostcode: 'ZZ99 9ZZ' });
    assert.equal(res.statusCode, 422);
    assert.deepEqual(summaryLinks(res.body), ['#originPostcode']);
    assert.match(res.body, /id="originPostcode-error"[^]*We cannot find ZZ99 9ZZ/);
    assert.match(res.body, /value="ZZ99 9ZZ"/);
    const partial = await b.post('/referrals/new/preferences', { ...PREFERENCES, origin: 'other', originPostcode: 'LS2' });
    assert.equal(partial.headers.location, '/referrals/new/shortlist', 'the first part of a postcode is enough for another origin');
  });
});

describe('answers are kept when an earlier one changes', () => {
  test('the added service stays after the home postcode changes, and "Change" returns to the check page', async () => {
    const { check } = await answerAll();
    assert.match(check.body, /href="\/referrals\/new\/patient#postcode"/);
    await b.get('/referrals/new/patient');
    const changed = await b.post('/referrals/new/patient', { ...PATIENT, postcode: 'LS2 9JT' });
    assert.equal(changed.headers.location, '/referrals/new/check', 'back to the check page');
    const again = await b.get('/referrals/new/check');
    assert.match(again.body, /Home: LS2 9JT/);
    const before = checked(check.body).match(/<li>/g)?.length;
    assert.equal(checked(again.body).match(/<li>/g)?.length, before, 'every service chosen is still offered');
    const shortlist = await b.get('/referrals/new/shortlist');
    assert.ok(ticked(shortlist.body).includes(ADDED), 'the added service is still ticked');
    assert.doesNotMatch(again.body, /id="removed-services"/);
  });

  test('a question\'s back link leads to the check page once every question is answered', async () => {
    await answerAll();
    for (const step of ['patient', 'preferences', 'shortlist', 'clinical']) {
      const page = await b.get(`/referrals/new/${step}`);
      assert.match(page.body, /class="nhsuk-back-link"[^]*?href="\/referrals\/new\/check"/, step);
    }
  });

  test('a postcode too far for the services chosen takes them off, and the page says which and why', async () => {
    await answerAll();
    await b.get('/referrals/new/patient');
    const moved = await b.post('/referrals/new/patient', { ...PATIENT, postcode: 'SW1A 1AA' });
    // None of the Leeds services is within 25 miles of London: the shortlist is to be chosen again.
    assert.equal(moved.headers.location, '/referrals/new/shortlist');
    const page = await b.get('/referrals/new/shortlist');
    assert.match(page.body, /id="removed-services"/);
    assert.match(page.body, new RegExp(`data-service-id="${ADDED}"><strong>Trauma &amp; Orthopaedics – Leeds General Infirmary</strong>: it is [\\d.]+ miles from SW1A 1AA, further than the 25 miles the patient could travel`));
    assert.equal(page.body.match(/<li data-service-id="/g)?.length, 6, 'each of the 6 services is named');
  });

  test('another specialty takes every service off, with the reason; confirming new services clears the notice', async () => {
    await answerAll();
    await b.get('/referrals/new/patient');
    const moved = await b.post('/referrals/new/patient', { ...PATIENT, specialty: '130' });
    assert.equal(moved.headers.location, '/referrals/new/shortlist');
    const page = await b.get('/referrals/new/shortlist');
    assert.match(page.body, /it is not a service for Ophthalmology/);
    const recommended = ticked(page.body);
    assert.equal(recommended.length, 5, 'the engine\'s 5 for the new specialty are selected');
    const posted = await postShortlist(recommended);
    assert.equal(posted.headers.location, '/referrals/new/check', 'the clinical details were kept');
    const check = await b.get('/referrals/new/check');
    assert.doesNotMatch(check.body, /id="removed-services"/);
    assert.match(check.body, /Knee pain/);
  });

  test('what matters to the patient changed: the services chosen that still fit are kept', async () => {
    const { check } = await answerAll();
    await b.get('/referrals/new/preferences');
    const changed = await b.post('/referrals/new/preferences', { ...PREFERENCES, sortBy: 'DISTANCE' });
    assert.equal(changed.headers.location, '/referrals/new/check');
    const again = await b.get('/referrals/new/check');
    assert.equal(checked(again.body), checked(check.body));
    assert.match(again.body, /Nearest/);
  });
});

describe('fewer than 5, and origins outside England', () => {
  test('the warning speaks miles and its button widens the search, keeping what was ticked', async () => {
    await b.post('/referrals/new/patient', { ...PATIENT, postcode: 'LA1 1AA' });
    await b.get('/referrals/new/preferences');
    await b.post('/referrals/new/preferences', { ...PREFERENCES, distance: '10' });
    const page = await b.get('/referrals/new/shortlist');
    assert.match(page.body, /<p id="shortfall-reason">Only 2 Trauma &amp; Orthopaedics services are within 10 miles of LA1 1AA: about 5 should be offered\.<\/p>/);
    assert.doesNotMatch(page.body, /\d km\b/, 'no km on the page');
    assert.match(page.body, /<button type="submit" name="widen" value="25" id="widen-25"[^>]*>Search up to 25 miles/);
    const two = ticked(page.body);
    assert.equal(two.length, 2);
    // The referrer unticks one, then widens: the one unticked stays unticked, the new ones found are ticked.
    const widened = await postShortlist(two.slice(0, 1), [['widen', '25']]);
    assert.equal(widened.statusCode, 303);
    assert.equal(widened.headers.location, '/referrals/new/shortlist');
    const wider = await b.get('/referrals/new/shortlist');
    assert.doesNotMatch(wider.body, /id="shortfall"/, '5 or more within 25 miles');
    const now = ticked(wider.body);
    assert.ok(two.slice(0, 1).every((id) => now.includes(id)), 'what was ticked is kept');
    assert.ok(!now.includes(two[1]!), 'what was unticked stays unticked');
    assert.ok(now.length >= 4);
    const prefs = await b.get('/referrals/new/preferences');
    assert.match(prefs.body, /value="25" checked/, 'the wider distance is the answer now');
  });

  test('a widen asking for no wider distance is ignored as a continue would not be', async () => {
    await b.post('/referrals/new/patient', PATIENT);
    await b.get('/referrals/new/preferences');
    await b.post('/referrals/new/preferences', PREFERENCES);
    await b.get('/referrals/new/shortlist');
    const narrower = await b.post('/referrals/new/shortlist', { widen: '10' });
    assert.equal(narrower.statusCode, 400, 'read as the shortlist form, which needs a service');
  });

  test('a patient in Wales is told the directory lists England\'s services only', async () => {
    await b.post('/referrals/new/patient', { ...PATIENT, postcode: 'CF10 1EP' });
    await b.get('/referrals/new/preferences');
    await b.post('/referrals/new/preferences', PREFERENCES);
    const page = await b.get('/referrals/new/shortlist');
    assert.match(page.body, /id="outside-england"[^]*CF10 1EP is in Wales\.[^]*The directory lists NHS services in England only/);
    const leeds = await (async () => {
      await b.get('/referrals/new/patient');
      await b.post('/referrals/new/patient', PATIENT);
      return b.get('/referrals/new/shortlist');
    })();
    assert.doesNotMatch(leeds.body, /id="outside-england"/);
  });
});

describe('at "Send referral"', () => {
  test('what can still go wrong links to the field on its own page', async () => {
    await answerAll();
    // The postcode directory no longer knows the postcode given (it was refreshed since the answer).
    await sql`update web_draft set data = jsonb_set(data, '{referral,patient,answer,postcode}', '"ZZ99 9ZZ"')`.execute(database.db);
    const shortlist = await b.get('/referrals/new/shortlist');
    assert.equal(shortlist.statusCode, 422);
    assert.deepEqual(summaryLinks(shortlist.body), ['/referrals/new/patient#postcode'], 'the shortlist page links to it too');
    const shown = await b.get('/referrals/new/check');
    assert.equal(shown.statusCode, 200, 'the check page still shows the answers');
    assert.deepEqual(summaryLinks(shown.body), ['/referrals/new/patient#postcode'], 'and says what to change, and where');
    const sent = await b.post('/referrals/new/check', {});
    assert.equal(sent.statusCode, 422);
    assert.deepEqual(summaryLinks(sent.body), ['/referrals/new/patient#postcode']);
    assert.match(sent.body, /<a href="\/referrals\/new\/patient#postcode">\s*We cannot find ZZ99 9ZZ\. Check the patient&#39;s postcode and enter it again/);
    const row = await database.db.selectFrom('referral').select('ubrn').where('patient_family_name', '=', 'Smith').where('patient_postcode', '=', 'ZZ99 9ZZ').executeTakeFirst();
    assert.equal(row, undefined, 'no referral was made');
    // The link's page shows the problem against the box, and fixing it there goes back to the check page.
    const patient = await b.get('/referrals/new/patient');
    assert.deepEqual(summaryLinks(patient.body), ['#postcode']);
    assert.match(patient.body, /id="postcode-error"[^]*We cannot find ZZ99 9ZZ/);
    assert.equal((await b.post('/referrals/new/patient', PATIENT)).headers.location, '/referrals/new/check');
    assert.equal((await b.post('/referrals/new/check', {})).headers.location, '/referrals/new/confirmation');
  });

  test('a service chosen and since taken out of the directory is said on the check page, and sending links to the services', async () => {
    await answerAll({ familyName: 'Delisted' });
    await database.db.updateTable('service').set({ active: false }).where('id', '=', ADDED).execute();
    try {
      const shortlist = await b.get('/referrals/new/shortlist');
      assert.equal(shortlist.statusCode, 200, 'the shortlist page still works');
      assert.ok(!shortlist.body.includes(`value="${ADDED}"`), 'and no longer offers it');
      const check = await b.get('/referrals/new/check');
      assert.match(check.body, /id="removed-services"[^]*a service chosen earlier is no longer listed/);
      const sent = await b.post('/referrals/new/check', {});
      assert.equal(sent.statusCode, 422);
      assert.deepEqual(summaryLinks(sent.body), ['/referrals/new/shortlist#services']);
    } finally {
      await database.db.updateTable('service').set({ active: true }).where('id', '=', ADDED).execute();
    }
  });

  test('a referral with an added service kept through a change is sent with it', async () => {
    await answerAll({ familyName: 'Kept' });
    await b.get('/referrals/new/patient');
    await b.post('/referrals/new/patient', { ...PATIENT, familyName: 'Kept', postcode: 'LS2 9JT' });
    await b.get('/referrals/new/check');
    const sent = await b.post('/referrals/new/check', {});
    assert.equal(sent.headers.location, '/referrals/new/confirmation');
    const referral = await database.db.selectFrom('referral').select(['ubrn', 'patient_postcode', 'options_offered']).where('patient_family_name', '=', 'Kept').executeTakeFirstOrThrow();
    assert.equal(referral.patient_postcode, 'LS2 9JT');
    assert.equal(referral.options_offered, 6);
    const options = await database.db.selectFrom('referral_option').select('service_id').where('ubrn', '=', referral.ubrn).execute();
    assert.ok(options.some((o) => o.service_id === ADDED));
  });
});
