// GET /api/v1/messages: administrators only, never an access code, recipients masked.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalLogSender } from './local-log-sender.ts';
import { maskRecipient } from './mask.ts';
import { sendPendingMessages } from './send-pending.ts';
import { type Journeys, startJourneys } from '../testing/journeys.ts';

let j: Journeys;
before(async () => {
  j = await startJourneys('messages_routes');
});
after(() => j.close());

const list = (token: string, query = '') => j.app.inject({ method: 'GET', url: `/api/v1/messages${query}`, headers: { authorization: `Bearer ${token}` } });

test('administrators see the local message log, newest first, with access codes and recipients masked', async () => {
  const first = await j.newReferral();
  const second = await j.newReferral({ email: 'bea.jones@example.com', mobile: '07700 900123' });
  await sendPendingMessages(j.database.db, new LocalLogSender(j.database.db, 'http://localhost:3000'));

  const res = await list(j.tokens.admin);
  assert.equal(res.statusCode, 200, res.body);
  assert.ok(!res.body.includes(first.accessCode) && !res.body.includes(second.accessCode), 'no access code anywhere in the answer');
  assert.ok(!/Bea|Jones/.test(res.body), 'patients\' names are cut to initials');
  // Only this test's messages: what other tests of the file sent, in whatever order they ran, is not its business.
  const messages = res.json().messages.filter((m: { ubrn: string }) => [first.ubrn, second.ubrn].includes(m.ubrn));
  assert.deepEqual(messages.map((m: { ubrn: string; channel: string }) => [m.ubrn, m.channel]), [
    [second.ubrn, 'sms'], [second.ubrn, 'email'], [second.ubrn, 'letter'], [first.ubrn, 'letter'],
  ]);
  const [sms, email, letter] = messages;
  assert.equal(sms.recipient, '•••••••123');
  assert.equal(sms.subject, null);
  assert.equal(email.recipient, 'b•••@example.com');
  assert.equal(letter.recipient, 'B. J., LS1 •••');
  assert.equal(letter.kind, 'REFERRAL_LETTER');
  assert.match(letter.text, /access code is ••••-••••/);
  assert.ok(letter.sentAt && letter.createdAt);
  assert.equal((await list(j.tokens.admin, '?limit=1')).json().messages.length, 1);
});

test('nobody but an administrator may list messages', async () => {
  for (const who of [j.tokens.referrer, j.tokens.provider]) assert.equal((await list(who)).statusCode, 403);
  const patient = await j.newReferral();
  assert.equal((await list(patient.patient)).statusCode, 403);
  assert.equal((await j.app.inject({ method: 'GET', url: '/api/v1/messages' })).statusCode, 401);
});

test('masking keeps enough to tell messages apart', () => {
  assert.equal(maskRecipient('email', 'someone@nhs.net'), 's•••@nhs.net');
  assert.equal(maskRecipient('sms', '+44 7700 900 987'), '•••••••987');
  assert.equal(maskRecipient('letter', 'Ann Smith\nLS1 4AP'), 'A. S., LS1 •••');
});
