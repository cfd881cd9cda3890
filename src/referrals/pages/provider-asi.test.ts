// The provider's ASI pages through app.inject, as demo-provider (Leeds Teaching Hospitals, RR8): the item with how
// to reach the patient and the whole history, logging a contact attempt (errors linked to their fields, answers
// kept), and booking the patient into a free slot of its own (choose, check, booked), after which the item leaves
// the worklist. Another provider and a referrer do not get these pages.
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { sql } from 'kysely';
import { DEMO_PASSWORD } from '../../auth/demo-accounts.ts';
import type { Database } from '../../db/database.ts';
import { openDemoTestDatabase } from '../../testing/database.ts';
import { assertShowsEveryNeed, assertShowsNoNeeds, EVERY_NEED, recordNeeds } from '../../testing/communication-needs.ts';
import { staffSession } from '../../testing/page-session.ts';
import { startTestApp } from '../../testing/test-app.ts';

/** An RR8 orthopaedics service with no slots (not directly bookable), so a referral to it can only be deferred. */
const NO_SLOTS = 'RR813-110-ASI';
/** RR8's orthopaedics service with demo slots, on the same shortlist. */
const WITH_SLOTS = 'RR813-110';
/** A service of Calderdale and Huddersfield (demo-provider-2's trust), on the same shortlist. */
const OTHER_TRUST = 'RWY01-110';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;

before(async () => {
  const own = await openDemoTestDatabase('asi-pages');
  await sql`insert into service (id, name, specialty_code, provider_ods_code, site_ods_code, directly_bookable, accreditation_status, latitude, longitude)
    select ${NO_SLOTS}, 'Orthopaedics (no slots, ASI tests) – St James''s Hospital', specialty_code, provider_ods_code, site_ods_code, false, 'ACCREDITED', latitude, longitude
    from service where id = ${WITH_SLOTS}`.execute(own.db);
  ({ app, database, close } = await startTestApp(own));
});
after(() => close());

const staff = (username: string) => staffSession(app, database, username);

/** A referral for a patient who gave a mobile, an email and an address, deferred by the patient to NO_SLOTS. */
async function deferred(familyName: string): Promise<{ ubrn: string; patient: string }> {
  const signIn = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } });
  const res = await app.inject({
    method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${signIn.json().token}` },
    payload: {
      patient: {
        nhsNumber: '9990000018', givenName: 'Ann', familyName, dateOfBirth: '1970-01-31', postcode: 'LS1 4AP',
        addressLines: ['1 Park Row', 'Leeds'], email: 'ann@example.org', mobile: '07700 900123',
      },
      specialty: '110', priority: 'URGENT', clinicalSummary: 'Locking knee after a fall.', shortlist: [NO_SLOTS, WITH_SLOTS, OTHER_TRUST],
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const { ubrn, accessCode } = res.json();
  const patient = (await app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode, dateOfBirth: '1970-01-31' } })).json().token;
  const defer = await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/deferral`, headers: { authorization: `Bearer ${patient}` }, payload: { serviceId: NO_SLOTS } });
  assert.equal(defer.statusCode, 200, defer.body);
  return { ubrn, patient };
}

describe('the ASI item', () => {
  test('shows how to reach the patient, the contact-by date with days left, the clinical summary and the whole history', async () => {
    const { ubrn } = await deferred('Reach');
    const provider = await staff('demo-provider');
    const list = await provider.get('/provider/asi');
    assert.match(list.body, new RegExp(`<a href="/provider/asi/${ubrn}">Ann Reach</a>`));
    assert.match(list.body, /None yet/);
    const res = await provider.get(`/provider/asi/${ubrn}`);
    assert.equal(res.statusCode, 200);
    assert.equal(res.headers['cache-control'], 'no-store');
    assert.match(res.body, /<a href="tel:07700900123">07700 900123<\/a>/);
    assert.match(res.body, /<a href="mailto:ann@example.org">ann@example.org<\/a>/);
    assert.match(res.body, /1 Park Row<br>Leeds<br>LS1 4AP/);
    assert.match(res.body, /Urgent/);
    assert.match(res.body, /Locking knee after a fall\./);
    assert.match(res.body, /<span id="days-left">10 days left<\/span>/);
    assert.match(res.body, /has not told us how they prefer to be contacted/);
    // The history: the referral made, then deferred, each with who and why.
    assert.match(res.body, /Referred: Not booked/);
    assert.match(res.body, /Not booked to Deferred to provider/);
    assert.match(res.body, /the patient/);
    // The deferral's reason gives the contact-by date in words, as the row above it does.
    assert.match(res.body, /must contact the patient by \d{1,2} [A-Z][a-z]+ \d{4}</);
    assert.doesNotMatch(res.body, /must contact the patient by \d{4}-/);
    assert.doesNotMatch(res.body, /the patient's|You have/, 'staff words, about the patient');
  });

  test('the patient\'s contact preferences, where they gave them', async () => {
    const { ubrn } = await deferred('Prefers');
    await database.db.insertInto('pidmas_request').values({
      ubrn, status: 'OPTED_IN', invited_at: null, invited_by_account_id: null, opted_in_at: new Date(), travel: '50_MILES', support_needed: ['TRANSPORT', 'INTERPRETER'],
      interpreter_language: 'Polish', contact_preference: 'PHONE', validated_at: null, validated_by_account_id: null, not_suitable_reason: null, outcome_note: null, updated_at: new Date(),
    }).execute();
    const item = await (await staff('demo-provider')).get(`/provider/asi/${ubrn}`);
    assert.match(item.body, /Prefers to be contacted by\s*<\/dt>\s*<dd class="nhsuk-summary-list__value">\s*Phone call/);
    assert.match(item.body, /Transport, Interpreter \(Polish\)/);
    assert.doesNotMatch(item.body, /has not told us how they prefer/);
  });

  test('an overdue item is flagged, on the item and the list', async () => {
    const { ubrn } = await deferred('Late');
    await database.db.updateTable('referral').set({ contact_by: '2020-01-01' }).where('ubrn', '=', ubrn).execute();
    const provider = await staff('demo-provider');
    const item = await provider.get(`/provider/asi/${ubrn}`);
    assert.match(item.body, /id="overdue"/);
    assert.match(item.body, /<strong class="nhsuk-tag nhsuk-tag--red">Overdue<\/strong>/);
    const list = await provider.get('/provider/asi');
    assert.match(list.body, new RegExp(`data-ubrn="${ubrn}"[\\s\\S]*?<strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>`));
  });

  test('not found for a referral not deferred to the provider, and for another provider on its shortlist; 403 for a referrer', async () => {
    const { ubrn } = await deferred('Others');
    const other = (await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-provider-2', password: DEMO_PASSWORD } })).json().token;
    const seen = await app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: { authorization: `Bearer ${other}` } });
    assert.equal(seen.statusCode, 200, 'the other trust sees the referral: it is on the shortlist');
    assert.equal((await (await staff('demo-provider-2')).get(`/provider/asi/${ubrn}`)).statusCode, 404);
    assert.equal((await (await staff('demo-referrer')).get(`/provider/asi/${ubrn}`)).statusCode, 403);
    const provider = await staff('demo-provider');
    assert.equal((await provider.get('/provider/asi/123456789012')).statusCode, 404);
    assert.equal((await provider.get('/provider/asi/not-a-ubrn')).statusCode, 404);
    for (const path of ['contact', 'book', 'book/check?slot=x']) assert.equal((await (await staff('demo-provider-2')).get(`/provider/asi/${ubrn}/${path}`)).statusCode, 404, path);
  });
});

describe('logging a contact attempt', () => {
  test('errors name each field and link to it; answers are kept; a good attempt shows on the item and the list', async () => {
    const { ubrn } = await deferred('Calls');
    const provider = await staff('demo-provider');
    assert.equal((await provider.get(`/provider/asi/${ubrn}/contact`)).statusCode, 200);
    const post = (form: Record<string, string>) => provider.post(`/provider/asi/${ubrn}/contact`, form);

    const empty = await post({});
    assert.equal(empty.statusCode, 400);
    assert.match(empty.body, /<a href="#method">\s*Select how you tried to contact the patient\s*<\/a>/);
    assert.match(empty.body, /<a href="#outcome">\s*Select what happened\s*<\/a>/);
    assert.match(empty.body, /id="method"/, 'the first radio carries the id linked to');

    const badTime = await post({ time: 'lunchtime', method: 'PHONE', outcome: 'NO_ANSWER', note: 'Kept note' });
    assert.equal(badTime.statusCode, 400);
    assert.match(badTime.body, /<a href="#time">\s*Enter the time as hours and minutes, for example 09:30\s*<\/a>/);
    assert.match(badTime.body, /value="lunchtime"/, 'the answer is kept');
    assert.match(badTime.body, />Kept note<\/textarea>/);
    assert.match(badTime.body, /value="PHONE" checked/);

    const mismatch = await post({ method: 'LETTER', outcome: 'VOICEMAIL' });
    assert.equal(mismatch.statusCode, 400);
    assert.match(mismatch.body, /<a href="#outcome">\s*&quot;Left a voicemail&quot; cannot follow a letter: select what happened\s*<\/a>/);

    const long = await post({ method: 'PHONE', outcome: 'NO_ANSWER', note: 'x'.repeat(1001) });
    assert.match(long.body, /<a href="#note">\s*Note must be 1,000 characters or fewer\s*<\/a>/);

    const logged = await post({ time: '', method: 'PHONE', outcome: 'NO_ANSWER', note: 'Rang twice.' });
    assert.equal(logged.statusCode, 303, logged.body);
    assert.equal(logged.headers.location, `/provider/asi/${ubrn}?logged=1`);
    const item = await provider.get(`/provider/asi/${ubrn}?logged=1`);
    assert.match(item.body, /Contact attempt logged/);
    assert.match(item.body, /<td class="nhsuk-table__cell">Phone call<\/td>\s*<td class="nhsuk-table__cell">No answer<\/td>\s*<td class="nhsuk-table__cell">Rang twice\.<\/td>/);
    assert.match(item.body, /No change \(Deferred to provider\)/, 'noted in the history');
    const list = await provider.get('/provider/asi');
    const row = new RegExp(`data-ubrn="${ubrn}"[\\s\\S]*?<td class="nhsuk-table__cell contact-attempts">1 attempt, last: no answer, today</td>`);
    assert.match(list.body, row);
  });

  test('a time later today is refused; a time earlier today is kept', async () => {
    const { ubrn } = await deferred('Times');
    const provider = await staff('demo-provider');
    await provider.get(`/provider/asi/${ubrn}/contact`);
    const london = (offsetMinutes: number) =>
      new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(Date.now() + offsetMinutes * 60_000));
    // Near midnight "later" or "earlier" would be another day: the rule is tested in the domain; here only the page.
    const minutesToday = (() => { const [h, m] = london(0).split(':').map(Number); return h! * 60 + m!; })();
    if (minutesToday < 1430) {
      const later = await provider.post(`/provider/asi/${ubrn}/contact`, { time: london(5), method: 'PHONE', outcome: 'NO_ANSWER' });
      assert.equal(later.statusCode, 400);
      assert.match(later.body, /<a href="#time">\s*The time must be earlier today, not later\s*<\/a>/);
    }
    if (minutesToday > 10) {
      const earlier = await provider.post(`/provider/asi/${ubrn}/contact`, { time: london(-5), method: 'EMAIL', outcome: 'MESSAGE_SENT' });
      assert.equal(earlier.statusCode, 303, earlier.body);
      const [stored] = await database.db.selectFrom('contact_attempt').select('attempted_at').where('ubrn', '=', ubrn).execute();
      assert.ok(Math.abs(new Date(stored!.attempted_at).getTime() - (Date.now() - 5 * 60_000)) < 2 * 60_000, 'the time given, in UK time');
    }
  });
});

describe('booking the patient from the ASI item', () => {
  test('choose a free slot of its own services, check it, book: the patient is sent the confirmation and the item leaves the list', async () => {
    const { ubrn } = await deferred('Books');
    const provider = await staff('demo-provider');
    const choose = await provider.get(`/provider/asi/${ubrn}/book`);
    assert.equal(choose.statusCode, 200);
    assert.match(choose.body, /St James/);
    assert.doesNotMatch(choose.body, /Huddersfield/, 'only its own services');
    const slotId = /name="slotId" type="radio" value="([0-9a-f-]{36})"/.exec(choose.body)?.[1] ?? /value="([0-9a-f-]{36})"[^>]*name="slotId"/.exec(choose.body)?.[1];
    assert.ok(slotId, 'a free slot is offered');

    const none = await provider.post(`/provider/asi/${ubrn}/book`, {});
    assert.equal(none.statusCode, 400);
    assert.match(none.body, /<a href="#slot-choice">\s*Select an appointment\s*<\/a>/);

    const chosen = await provider.post(`/provider/asi/${ubrn}/book`, { slotId });
    assert.equal(chosen.statusCode, 303);
    assert.equal(chosen.headers.location, `/provider/asi/${ubrn}/book/check?slot=${slotId}`);
    const check = await provider.get(chosen.headers.location as string);
    assert.equal(check.statusCode, 200);
    assert.match(check.body, /Check and book the appointment/);
    const form = { slotId, idempotencyKey: /name="idempotencyKey" value="([^"]+)"/.exec(check.body)![1]! };
    const booked = await provider.post(`/provider/asi/${ubrn}/book/check`, form);
    assert.equal(booked.statusCode, 303, booked.body);
    assert.equal(booked.headers.location, `/provider/asi/${ubrn}/booked`);
    const done = await provider.get(`/provider/asi/${ubrn}/booked`);
    assert.equal(done.statusCode, 200);
    assert.match(done.body, /Appointment booked/);
    assert.match(done.body, /has been sent a booking confirmation/);

    const again = await provider.post(`/provider/asi/${ubrn}/book/check`, form);
    assert.equal(again.statusCode, 303, 'sent twice: the booking is shown, not booked twice');
    assert.equal(again.headers.location, `/provider/asi/${ubrn}/booked`);
    const appointments = await database.db.selectFrom('appointment').select('slot_id').where('ubrn', '=', ubrn).execute();
    assert.deepEqual(appointments.map((a) => a.slot_id), [slotId]);
    const messages = await database.db.selectFrom('outbox').select('channel').where('ubrn', '=', ubrn).where('kind', '=', 'BOOKING_CONFIRMATION').execute();
    assert.deepEqual(messages.map((m) => m.channel).sort(), ['email', 'sms']);

    assert.doesNotMatch((await provider.get('/provider/asi')).body, new RegExp(`data-ubrn="${ubrn}"`), 'off the worklist');
    assert.equal((await provider.get(`/provider/asi/${ubrn}`)).statusCode, 404, 'no longer an ASI');
    await provider.get(`/provider/asi/${ubrn}/booked`);
    const late = await provider.post(`/provider/asi/${ubrn}/contact`, { method: 'PHONE', outcome: 'NO_ANSWER' });
    assert.equal(late.statusCode, 303, 'a form from before the booking shows the booking');
    assert.equal(late.headers.location, `/provider/asi/${ubrn}/booked`);
    assert.equal((await (await staff('demo-provider-2')).get(`/provider/asi/${ubrn}/booked`)).statusCode, 404);
  });

  test('with no free slot at any of its services on the shortlist, the page says so and where to publish some', async () => {
    const signIn = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username: 'demo-referrer', password: DEMO_PASSWORD } });
    const referrer = { authorization: `Bearer ${signIn.json().token}` };
    const res = await app.inject({
      method: 'POST', url: '/api/v1/referrals', headers: referrer,
      payload: { patient: { nhsNumber: '9990000018', givenName: 'Ann', familyName: 'Noslots', dateOfBirth: '1970-01-31', postcode: 'LS1 4AP' }, specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Knee', shortlist: [NO_SLOTS] },
    });
    const { ubrn } = res.json();
    assert.equal((await app.inject({ method: 'POST', url: `/api/v1/referrals/${ubrn}/deferral`, headers: referrer, payload: { serviceId: NO_SLOTS } })).statusCode, 200);
    const provider = await staff('demo-provider');
    const item = await provider.get(`/provider/asi/${ubrn}`);
    assert.match(item.body, /Postcode only: LS1 4AP/, 'no address given: the postcode still says where');
    assert.match(item.body, /Mobile\s*<\/dt>\s*<dd class="nhsuk-summary-list__value">\s*Not given/);
    const choose = await provider.get(`/provider/asi/${ubrn}/book`);
    assert.equal(choose.statusCode, 200);
    assert.match(choose.body, /id="no-slots"/);
    assert.match(choose.body, new RegExp(`href="/provider/services/${NO_SLOTS}/slots"`));
  });

  test('a slot taken between choosing and booking: back to the choice, with the reason', async () => {
    const { ubrn } = await deferred('Race');
    const rival = await deferred('Rival');
    const provider = await staff('demo-provider');
    const choose = await provider.get(`/provider/asi/${ubrn}/book`);
    const slotId = /value="([0-9a-f-]{36})"/.exec(choose.body)![1]!;
    const check = await provider.get(`/provider/asi/${ubrn}/book/check?slot=${slotId}`);
    const key = /name="idempotencyKey" value="([^"]+)"/.exec(check.body)![1]!;
    const taken = await app.inject({ method: 'POST', url: `/api/v1/referrals/${rival.ubrn}/appointment`, headers: { authorization: `Bearer ${rival.patient}`, 'idempotency-key': randomUUID() }, payload: { slotId } });
    assert.equal(taken.statusCode, 201, taken.body);
    const lost = await provider.post(`/provider/asi/${ubrn}/book/check`, { slotId, idempotencyKey: key });
    assert.equal(lost.statusCode, 409);
    assert.match(lost.body, /<a href="#slot-choice">\s*That slot has just been booked by someone else\. Choose another\s*<\/a>/);
    assert.equal((await provider.get(`/provider/asi/${ubrn}/book/check?slot=${slotId}`)).statusCode, 409, 'the check page says so too');
  });
});

describe('the patient\'s communication needs', () => {
  test('the ASI item says, with how to reach the patient, what they need and how to reach their carer; nothing when none are recorded', async () => {
    const { ubrn } = await deferred('Needs');
    const provider = await staff('demo-provider');
    assertShowsNoNeeds((await provider.get(`/provider/asi/${ubrn}`)).body);
    await recordNeeds(database, ubrn, EVERY_NEED);
    const page = await provider.get(`/provider/asi/${ubrn}`);
    assert.equal(page.statusCode, 200);
    const contact = /<dl[^>]*id="contact-details"[^>]*>((?:(?!<\/dl>).)*)<\/dl>/s.exec(page.body)?.[1] ?? '';
    assertShowsEveryNeed(contact);
  });
});
