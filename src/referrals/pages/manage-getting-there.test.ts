// Getting there, and changing one's mind, in Manage Your Referral (through app.inject with PageSession): each
// option's travel cost says how to claim help and which ICB transport applies; the booked appointment has
// directions, a calendar entry only its patient can download, and a confirmation to print; until they book, the
// patient can measure distances from another postcode or rank by what matters most, and see the options afresh.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Database } from '../../db/database.ts';
import { parseIcs, icsValue } from '../../testing/ics.ts';
import { anonymousSession, patientSession, staffSession } from '../../testing/page-session.ts';
import { referThroughApi, startDemoApp } from '../../testing/test-app.ts';
import { TRAVEL_COSTS_HELP } from '../../shortlist/travel-help.ts';
import { DEMO_PASSWORD } from '../../auth/demo-accounts.ts';
import { londonDate } from '../../domain/dates.ts';
import { addDays } from '../../domain/rtt-clock.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;

before(async () => {
  ({ app, database, close } = await startDemoApp());
});
after(() => close());

/** The page's words as a person reads them: no tags, no attributes. */
const words = (html: string) => html.replace(/<script[\s\S]*?<\/script>/g, '').replace(/<[^>]+>/g, ' ').replace(/\s+/g, ' ');
const ISO_DATE = /\b\d{4}-\d{2}-\d{2}\b/;

async function bookFirstFreeSlot(session: Awaited<ReturnType<typeof patientSession>>, serviceId: string) {
  const slot = await database.db.selectFrom('slot').select(['id', 'starts_at', 'ends_at']).where('service_id', '=', serviceId).where('starts_at', '>', new Date())
    .where('withdrawn_at', 'is', null).orderBy('starts_at').executeTakeFirstOrThrow();
  const check = await session.get(`/manage/check/${slot.id}`);
  assert.equal(check.statusCode, 200, check.body);
  const key = /name="idempotencyKey" value="([^"]+)"/.exec(check.body)![1]!;
  const booked = await session.post(`/manage/check/${slot.id}`, { idempotencyKey: key });
  assert.equal(booked.statusCode, 303, booked.body);
  assert.equal(booked.headers.location, '/manage/booked');
  return slot;
}

describe('getting there', () => {
  test('each option says how to claim help with travel costs; options in West Yorkshire name its patient transport', async () => {
    const { ubrn } = await referThroughApi(app, { familyName: 'Travel' }, ['RR813-110', 'NT332-110']);
    const session = await patientSession(app, database, ubrn);
    const res = await session.get('/manage');
    assert.equal(res.statusCode, 200);
    const nhs = /<tr[^>]*data-service-id="RR813-110"[\s\S]*?<\/tr>/.exec(res.body)![0];
    const independent = /<tr[^>]*data-service-id="NT332-110"[\s\S]*?<\/tr>/.exec(res.body)![0];
    for (const row of [nhs, independent]) assert.match(row, /href="#travel-help"/);
    assert.match(nhs, /href="#transport-QWO"/, 'a Leeds trust is in NHS West Yorkshire ICB');
    assert.doesNotMatch(independent, /#transport-/, 'an independent provider with no ICB has no ICB transport');
    // The help is explained once, in plain words, with the scheme's conditions.
    const text = words(res.body);
    assert.match(text, /Healthcare Travel Costs Scheme \(HTCS\)/);
    for (const benefit of ['Income Support', 'income-based Jobseeker', 'income-related Employment and Support Allowance', 'Pension Credit Guarantee Credit', 'Universal Credit', 'HC2', 'HC3', 'HC5(T)']) {
      assert.ok(text.includes(benefit.replace(/'/g, '&#39;')) || text.includes(benefit), benefit);
    }
    assert.match(res.body, /id="transport-QWO"[\s\S]*Yorkshire Ambulance Service/);
    assert.match(text, /depends on your medical needs, not your income/);
    // Each row's links have their own accessible names.
    const names = [...res.body.matchAll(/href="#travel-help"[^>]*>([\s\S]*?)<\/a>/g)].map((m) => words(m[1]!).trim());
    assert.equal(new Set(names).size, names.length, names.join(' | '));
    assert.ok(TRAVEL_COSTS_HELP.qualifying.length >= 4);
  });

  test('the public compare page says the same: how to claim help, and West Yorkshire\'s patient transport for its trusts', async () => {
    const res = await anonymousSession(app).get('/?specialty=110&postcode=LS1+4AP&sortBy=DISTANCE&distance=25');
    assert.equal(res.statusCode, 200);
    assert.match(res.body, /id="travel-help"/);
    assert.match(res.body, /Healthcare Travel Costs Scheme \(HTCS\)/);
    const cards = [...res.body.matchAll(/<li class="nhsuk-card oc-option"[\s\S]*?<\/li>\s*(?=<li class="nhsuk-card|<\/ol>)/g)].map((m) => m[0]);
    assert.ok(cards.length >= 5);
    for (const card of cards) assert.match(card, /href="#travel-help"/);
    assert.ok(cards.some((c) => /data-service-id="RR8/.test(c) && /href="#transport-QWO"/.test(c)), 'a Leeds trust names West Yorkshire\'s transport');
    assert.match(res.body, /id="transport-QWO"/);
  });

  test('the booked appointment: directions with address, postcode and a map link; a calendar entry; a confirmation to print; no ISO dates', async () => {
    const { ubrn } = await referThroughApi(app, { familyName: 'Booked' }, ['RR813-110']);
    const session = await patientSession(app, database, ubrn);
    const slot = await bookFirstFreeSlot(session, 'RR813-110');

    const booked = await session.get('/manage/booked');
    assert.equal(booked.statusCode, 200);
    assert.match(booked.body, /id="directions-address"[\s\S]*St James&#39;s Hospital[\s\S]*Beckett Street[\s\S]*LS9 7TF/);
    assert.match(booked.body, /href="https:\/\/www\.openstreetmap\.org\/search\?query=LS9%207TF"/);
    assert.match(booked.body, /href="\/manage\/appointment\.ics"/);
    assert.match(booked.body, /href="\/manage\/confirmation"/);

    const ics = await session.get('/manage/appointment.ics');
    assert.equal(ics.statusCode, 200);
    assert.match(String(ics.headers['content-type']), /^text\/calendar/);
    assert.match(String(ics.headers['content-disposition']), /attachment; filename="appointment\.ics"/);
    assert.equal(ics.headers['cache-control'], 'no-store');
    const props = parseIcs(ics.body);
    const utc = (d: Date) => new Date(d).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
    assert.equal(icsValue(props, 'DTSTART'), utc(slot.starts_at));
    assert.equal(icsValue(props, 'DTEND'), utc(slot.ends_at));
    assert.match(icsValue(props, 'UID')!, /^appointment-.+@/);
    assert.match(icsValue(props, 'DTSTAMP')!, /^\d{8}T\d{6}Z$/);
    assert.match(icsValue(props, 'SUMMARY')!, /Trauma (and|&) Orthopaedics appointment at St James's Hospital/);
    assert.equal(icsValue(props, 'LOCATION'), "St James's Hospital, Beckett Street, Leeds, West Yorkshire, LS9 7TF");
    assert.match(icsValue(props, 'DESCRIPTION')!, new RegExp(ubrn.replace(/(\d{4})(\d{4})(\d{4})/, '$1 $2 $3')));

    const confirmation = await session.get('/manage/confirmation');
    assert.equal(confirmation.statusCode, 200);
    assert.match(confirmation.body, /id="confirmation"/);
    assert.match(confirmation.body, /LS9 7TF/);
    assert.match(confirmation.body, /data-print/);
    // Navigation is marked to be left out when printed; the print stylesheet hides the header, footer and back link.
    assert.match(confirmation.body, /class="oc-no-print"><a href="\/manage" id="manage-link"/);
    const css = await app.inject({ method: 'GET', url: '/assets/openchoice.css' });
    assert.match(css.body, /@media print\s*{[^}]*\.nhsuk-header[^}]*\.nhsuk-footer[^}]*\.nhsuk-back-link[^}]*\.oc-no-print/);

    for (const url of ['/manage', '/manage/booked', '/manage/confirmation', '/manage/choose', '/manage/cancel']) {
      const res = await session.get(url);
      assert.equal(res.statusCode, 200, url);
      assert.doesNotMatch(words(res.body), ISO_DATE, `${url} shows an ISO date`);
    }
  });

  test('only the signed-in patient gets their calendar entry, confirmation and search pages', async () => {
    const { ubrn } = await referThroughApi(app, { familyName: 'Unbooked' }, ['RR801-110']);
    for (const url of ['/manage/search/postcode', '/manage/search/priority']) {
      const anonymous = await anonymousSession(app).get(url);
      assert.equal(anonymous.headers.location, '/manage/sign-in', url);
      assert.equal((await (await staffSession(app, database, 'demo-referrer')).get(url)).statusCode, 403, url);
    }
    for (const url of ['/manage/appointment.ics', '/manage/confirmation']) {
      const anonymous = await anonymousSession(app).get(url);
      assert.equal(anonymous.statusCode, 303, url);
      assert.equal(anonymous.headers.location, '/manage/sign-in');
      assert.equal((await (await staffSession(app, database, 'demo-provider')).get(url)).statusCode, 403, url);
      // A patient with nothing booked is sent back to their referral, never shown another's appointment.
      const unbooked = await (await patientSession(app, database, ubrn)).get(url);
      assert.equal(unbooked.statusCode, 303, url);
      assert.equal(unbooked.headers.location, '/manage');
    }
  });
});

describe('no ISO dates on patients\' pages', () => {
  test('a pathway moved to a faster alternative: its option\'s reasons give the expected date in words', async () => {
    const { ubrn } = await referThroughApi(app, { familyName: 'Faster' }, ['RR813-110', 'RR801-110']);
    await database.db.updateTable('referral').set({ rtt_clock_start: addDays(londonDate(), -200) }).where('ubrn', '=', ubrn).execute();
    const token = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } })).json().token;
    const headers = { authorization: `Bearer ${token}` };
    const found = await app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}/alternatives`, headers });
    assert.equal(found.statusCode, 200, found.body);
    const serviceId = found.json().alternatives[0].service.id;
    const moved = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/alternatives`, headers, payload: { serviceId } });
    assert.equal(moved.statusCode, 201, moved.body);
    // The API keeps its words (dates as YYYY-MM-DD); the patient's page writes them for people.
    const session = await patientSession(app, database, moved.json().ubrn);
    const home = await session.get('/manage');
    assert.equal(home.statusCode, 200);
    assert.match(words(home.body), /Expected to see you by \d{1,2} [A-Z][a-z]+ \d{4}/);
    assert.doesNotMatch(words(home.body), ISO_DATE);
  });
});

describe('patients can change their mind', () => {
  test('another postcode: checked on its page (error summary linking to the box, answer kept), then the options ranked afresh from it', async () => {
    const { ubrn } = await referThroughApi(app, { familyName: 'Mover' }, ['RR813-110', 'RR801-110']);
    const session = await patientSession(app, database, ubrn);
    const home = await session.get('/manage');
    assert.match(home.body, /href="\/manage\/search\/postcode"/);
    assert.match(home.body, /href="\/manage\/search\/priority"/);
    const form = await session.get('/manage/search/postcode');
    assert.equal(form.statusCode, 200);
    assert.match(form.body, /Your home \(LS1 4AP\)/);

    const cases: [string, RegExp, number][] = [
      ['', /Enter the postcode to measure distances from/, 400],
      ['NOT A POSTCODE', /Enter a real postcode, like LS1 4AP/, 400],
      ['BD9', /Enter the full postcode, like LS1 4AP/, 400],
      ['LS99 9ZZ', /We cannot find LS99 9ZZ/, 422],
      // Shetland: no listed service within the distance limit; nothing is lost.
      ['ZE1 0AA', /There are no .+ services near ZE1 0AA/, 422],
    ];
    for (const [postcode, message, status] of cases) {
      const res = await session.post('/manage/search/postcode', { origin: 'other', postcode });
      assert.equal(res.statusCode, status, postcode);
      assert.match(res.body, /class="nhsuk-error-summary"/);
      assert.match(res.body, /<a href="#postcode">/, `${postcode}: the error links to the postcode box`);
      assert.match(res.body, message);
      assert.match(res.body, new RegExp(`id="postcode"[^>]*value="${postcode}"|value="${postcode}"[^>]*id="postcode"`), 'the answer is kept');
    }
    assert.match((await session.post('/manage/search/postcode', {})).body, /<a href="#origin">\s*Select where to measure distances from/);
    const unchanged = await database.db.selectFrom('referral_option').select('service_id').where('ubrn', '=', ubrn).orderBy('rank').execute();
    assert.deepEqual(unchanged.map((o) => o.service_id), ['RR813-110', 'RR801-110'], 'bad answers change nothing');

    const moved = await session.post('/manage/search/postcode', { origin: 'other', postcode: 'bd9 6rj' });
    assert.equal(moved.statusCode, 303, moved.body);
    assert.equal(moved.headers.location, '/manage?options=updated');
    const after = await session.get('/manage?options=updated');
    assert.match(after.body, /id="options-updated"/);
    assert.match(words(after.body), /straight line from BD9 6RJ/);
    const options = await database.db.selectFrom('referral_option').select(['service_id', 'offered']).where('ubrn', '=', ubrn).orderBy('rank').execute();
    assert.equal(options.length, 5, 'the engine offers 5 afresh');
    // The same options, in the same order, as the shortlist engine gives for that postcode.
    const engine = await app.inject({ method: 'POST', url: '/api/v1/shortlists', payload: { specialty: '110', postcode: 'BD9 6RJ', sortBy: 'WAIT', priority: 'ROUTINE', age: 56 } });
    assert.equal(engine.statusCode, 200, engine.body);
    assert.deepEqual(options.map((o) => o.service_id), (engine.json().options as { service: { id: string } }[]).map((o) => o.service.id));
    assert.match(JSON.stringify(options[0]!.offered), /from BD9 6RJ/);
    const referral = await database.db.selectFrom('referral').select(['options_offered', 'preferences', 'specialty_code', 'priority']).where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
    assert.equal(referral.options_offered, 5);
    assert.equal((referral.preferences as { originPostcode: string }).originPostcode, 'BD9 6RJ');
    assert.equal(referral.specialty_code, '110');
    const history = await database.db.selectFrom('referral_event').select(['reason', 'from_status', 'to_status', 'actor_kind']).where('ubrn', '=', ubrn).orderBy('id').execute();
    const note = history.at(-1)!;
    assert.match(note.reason, /The patient changed their search: distances from BD9 6RJ, shortest wait first; 5 options offered afresh/);
    assert.equal(note.from_status, 'NOT_BOOKED');
    assert.equal(note.to_status, 'NOT_BOOKED');
    assert.equal(note.actor_kind, 'patient');

    // Back home: the origin is the home postcode again.
    assert.equal((await session.post('/manage/search/postcode', { origin: 'home', postcode: '' })).statusCode, 303);
    const prefs = await database.db.selectFrom('referral').select('preferences').where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
    assert.equal((prefs.preferences as { originPostcode: string | null }).originPostcode, null);
    assert.match(words((await session.get('/manage')).body), /straight line from LS1 4AP, your home postcode/);
  });

  test('what matters most: the options ranked again by it; until they book, and not after', async () => {
    const { ubrn } = await referThroughApi(app, { familyName: 'Nearest' }, ['RR813-110']);
    const session = await patientSession(app, database, ubrn);
    assert.equal((await session.get('/manage/search/priority')).statusCode, 200);
    const empty = await session.post('/manage/search/priority', {});
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /<a href="#sortBy">\s*Select what matters most to you/);
    const res = await session.post('/manage/search/priority', { sortBy: 'DISTANCE' });
    assert.equal(res.statusCode, 303, res.body);
    const options = await database.db.selectFrom('referral_option').select(['service_id', 'offered']).where('ubrn', '=', ubrn).orderBy('rank').execute();
    assert.equal(options.length, 5);
    const km = options.map((o) => (o.offered as { distanceKm: number }).distanceKm);
    assert.deepEqual(km, [...km].sort((a, b) => a - b), 'nearest first');
    assert.match(JSON.stringify(options[0]!.offered), /nearest/);
    assert.match((await session.get('/manage/search/priority')).body, /value="DISTANCE" checked/);

    // Booked: the options stay as they are; the pages send the patient back to the referral.
    await bookFirstFreeSlot(session, options[0]!.service_id);
    assert.doesNotMatch((await session.get('/manage')).body, /href="\/manage\/search\//);
    await session.get('/manage');
    for (const url of ['/manage/search/postcode', '/manage/search/priority']) {
      assert.equal((await session.get(url)).headers.location, '/manage', url);
      const refused = await session.post(url, { origin: 'other', postcode: 'BD9 6RJ', sortBy: 'WAIT' });
      assert.equal(refused.statusCode, 303, url);
      assert.equal(refused.headers.location, '/manage', url);
    }
    const still = await database.db.selectFrom('referral_option').select('service_id').where('ubrn', '=', ubrn).orderBy('rank').execute();
    assert.deepEqual(still.map((o) => o.service_id), options.map((o) => o.service_id), 'a booked referral keeps its options');
  });
});
