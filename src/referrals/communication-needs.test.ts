// A referral with communication needs through the API, to the message log: the letter and messages in the
// version asked for, with the service's address and the right number to call, and a copy to the carer.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalLogSender } from '../messages/local-log-sender.ts';
import { sendPendingMessages } from '../messages/send-pending.ts';
import { type Journeys, startJourneys } from '../testing/journeys.ts';

const PUBLIC_URL = 'https://openchoice.example.nhs.uk';
let j: Journeys;
before(async () => {
  j = await startJourneys('communication_needs');
  // The numbers ODS and the NHS website would give: the referring practice's, and the provider's site's.
  await j.database.db.updateTable('organisation').set({ phone: '0113 496 0001' }).where('ods_code', '=', 'GP1').execute();
  await j.database.db.updateTable('site').set({ phone: '0113 496 0002' }).where('ods_code', '=', 'S1').execute();
});
after(() => j.close());

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
type Logged = { ubrn: string; kind: string; audience: string; channel: string; text: string; subject: string | null; format: { version: string; largePrint: boolean } };

async function messagesOf(ubrn: string): Promise<Logged[]> {
  await sendPendingMessages(j.database.db, new LocalLogSender(j.database.db, PUBLIC_URL));
  const res = await j.app.inject({ method: 'GET', url: '/api/v1/messages?limit=200', headers: auth(j.tokens.admin) });
  assert.equal(res.statusCode, 200, res.body);
  return (res.json().messages as Logged[]).filter((m) => m.ubrn === ubrn).reverse();
}

const WELSH_WITH_CARER = {
  largePrint: true,
  language: 'CY',
  carer: { name: 'Gareth Price', phone: '07700 900456', email: 'gareth@example.com' },
};

test('a Welsh speaker with a carer: the letters in Welsh with the address and the practice\'s number, a copy to the carer; the provider\'s number once deferred', async () => {
  const res = await j.app.inject({
    method: 'POST', url: '/api/v1/referrals', headers: auth(j.tokens.referrer),
    payload: {
      patient: { nhsNumber: '9990000026', givenName: 'Siân', familyName: 'Hughes', dateOfBirth: '1980-05-05', postcode: 'LS1 4AP', email: 'sian@example.com' },
      specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Hip pain', communicationNeeds: WELSH_WITH_CARER,
    },
  });
  assert.equal(res.statusCode, 201, res.body);
  const { ubrn } = res.json();
  const referral = (await j.app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: auth(j.tokens.referrer) })).json();
  assert.deepEqual(referral.communicationNeeds, { largePrint: true, easyRead: false, language: 'cy', britishSignLanguage: false, carer: WELSH_WITH_CARER.carer });

  const letters = await messagesOf(ubrn);
  assert.deepEqual(letters.map((m) => [m.kind, m.audience, m.channel]), [
    ['REFERRAL_LETTER', 'patient', 'letter'], ['REFERRAL_LETTER', 'patient', 'email'], ['REFERRAL_LETTER', 'carer', 'email'], ['REFERRAL_LETTER', 'carer', 'sms'],
  ]);
  for (const m of letters) {
    assert.ok(m.text.includes(`${PUBLIC_URL}/manage`), m.text);
    assert.match(m.text, /ffoniwch GP One ar 0113 496 0001\./);
    assert.match(m.text, /cod mynediad yw ••••-••••/);
  }
  assert.equal(letters[0]!.subject, 'Eich atgyfeiriad GIG: dewiswch ble i gael eich gweld');
  assert.deepEqual(letters[0]!.format, { version: 'welsh', largePrint: true });
  for (const copy of letters.filter((m) => m.audience === 'carer')) assert.match(copy.text, /^Copi i Gareth Price yw hwn: gofynnodd /);

  // Deferred: now it is the provider who calls, so it is their number, and the date is in Welsh.
  const patient = (await j.app.inject({ method: 'POST', url: '/api/v1/patient/token', payload: { ubrn, accessCode: res.json().accessCode, dateOfBirth: '1980-05-05' } })).json().token;
  assert.equal((await j.defer(ubrn, 'S1-110', patient)).statusCode, 200);
  const deferred = (await messagesOf(ubrn)).filter((m) => m.kind === 'DEFERRED_TO_PROVIDER');
  assert.deepEqual(deferred.map((m) => [m.audience, m.channel]), [['patient', 'email'], ['carer', 'email'], ['carer', 'sms']]);
  for (const m of deferred) {
    assert.match(m.text, /ffoniwch Fixture NHS Trust ar 0113 496 0002\./);
    assert.match(m.text, /erbyn \d{1,2} (Ionawr|Chwefror|Mawrth|Ebrill|Mai|Mehefin|Gorffennaf|Awst|Medi|Hydref|Tachwedd|Rhagfyr) \d{4} i drefnu un/);
  }
});

test('the patient asks for easy read later; the booking confirmation comes in easy read, and the history says what was asked for', async () => {
  const { ubrn, patient } = await j.newReferral({ email: 'bea@example.com' });
  const put = await j.app.inject({ method: 'PUT', url: `/api/v1/referrals/${ubrn}/communication-needs`, headers: auth(patient), payload: { easyRead: true, britishSignLanguage: true } });
  assert.equal(put.statusCode, 200, put.body);
  assert.deepEqual(put.json().communicationNeeds, { largePrint: false, easyRead: true, language: null, britishSignLanguage: true, carer: null });
  const booked = await j.book(ubrn, await j.publishSlot('S1-110'), patient);
  assert.equal(booked.statusCode, 201, booked.body);
  const [confirmation] = (await messagesOf(ubrn)).filter((m) => m.kind === 'BOOKING_CONFIRMATION');
  assert.match(confirmation!.text, /\nYour appointment is booked\.\nWhere: /);
  assert.match(confirmation!.text, /You asked for a British Sign Language interpreter\./);
  assert.ok(confirmation!.text.includes(`You can change or cancel your appointment at ${PUBLIC_URL}/manage.`));
  const history = (await j.app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: auth(j.tokens.referrer) })).json().history;
  assert.ok(history.some((h: { reason: string }) => h.reason === 'Communication needs recorded: easy read, British Sign Language'), JSON.stringify(history));
  // Asked again with nothing changed: no second history entry.
  await j.app.inject({ method: 'PUT', url: `/api/v1/referrals/${ubrn}/communication-needs`, headers: auth(patient), payload: { easyRead: true, britishSignLanguage: true } });
  const again = (await j.app.inject({ method: 'GET', url: `/api/v1/referrals/${ubrn}`, headers: auth(j.tokens.referrer) })).json().history;
  assert.equal(again.length, history.length);
});

test('needs that cannot be honoured are refused with the field named; a provider with no part in the referral gets 404', async () => {
  const { ubrn } = await j.newReferral();
  const put = (payload: object, token = j.tokens.referrer) => j.app.inject({ method: 'PUT', url: `/api/v1/referrals/${ubrn}/communication-needs`, headers: auth(token), payload });
  const noWay = await put({ carer: { name: 'Gareth Price' } });
  assert.equal(noWay.statusCode, 400);
  assert.ok(noWay.json().errors.some((e: { field: string; message: string }) => e.field === 'carer.phone' && /phone number or an email address/.test(e.message)), noWay.body);
  const badLanguage = await put({ language: 'Welsh language' });
  assert.equal(badLanguage.statusCode, 400);
  assert.ok(badLanguage.json().errors.some((e: { field: string }) => e.field === 'language'), badLanguage.body);
  assert.equal((await put({ easyRead: true }, j.tokens['other-provider'])).statusCode, 404);
  // Nothing asked for reads as none recorded.
  assert.deepEqual((await put({})).json(), { communicationNeeds: null });
});
