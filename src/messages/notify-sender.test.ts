// NotifySender with a fake client in place of notifications-node-client: Notify is never called from tests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type NotifyClientLike, NotifySender } from './notify-sender.ts';
import { type OutgoingMessage, PermanentSendError } from './sender.ts';

const TEMPLATES = { 'REFERRAL_LETTER:email': 'tpl-letter-email', 'REFERRAL_LETTER:sms': 'tpl-letter-sms', 'REFERRAL_LETTER:letter': 'tpl-letter-post' };
const PUBLIC_URL = 'https://openchoice.example.nhs.uk';

function fakeClient(fail?: unknown) {
  const calls: unknown[][] = [];
  const answer = (...args: unknown[]) => {
    calls.push(args);
    return fail ? Promise.reject(fail) : Promise.resolve({ data: { id: `notify-${calls.length}` } });
  };
  const client: NotifyClientLike = { sendEmail: answer, sendSms: answer, sendLetter: answer };
  return { client, calls };
}

const message = (channel: OutgoingMessage['channel'], recipient: string): OutgoingMessage => ({
  id: 42, ubrn: '123456789012', kind: 'REFERRAL_LETTER', audience: 'patient', channel, recipient,
  personalisation: { given_name: 'Bea', family_name: 'Jones', ubrn: '123456789012', access_code: 'ABCD-EFGH' },
});

test('email, text and letter go to the template for their kind and channel, referenced by outbox id only', async () => {
  const { client, calls } = fakeClient();
  const sender = new NotifySender(client, TEMPLATES, PUBLIC_URL);
  assert.deepEqual(await sender.send(message('email', 'bea@example.com')), { reference: 'notify-1' });
  assert.deepEqual(calls[0], ['tpl-letter-email', 'bea@example.com', { personalisation: { ...message('email', '').personalisation, manage_link: 'https://openchoice.example.nhs.uk/manage' }, reference: 'outbox-42' }]);
  await sender.send(message('sms', '07700900123'));
  assert.deepEqual(calls[1]!.slice(0, 2), ['tpl-letter-sms', '07700900123']);
  await sender.send(message('letter', 'Bea Jones\n1 Park Row\nLeeds\nLS1 4AP'));
  const [template, options] = calls[2] as [string, { personalisation: Record<string, string> }];
  assert.equal(template, 'tpl-letter-post');
  assert.equal(options.personalisation.address_line_1, 'Bea Jones');
  assert.equal(options.personalisation.address_line_4, 'LS1 4AP');
  assert.equal(options.personalisation.access_code, 'ABCD-EFGH');
});

test('a letter without a full address and a kind without a template fail for good, without calling Notify', async () => {
  const { client, calls } = fakeClient();
  const sender = new NotifySender(client, TEMPLATES, PUBLIC_URL);
  await assert.rejects(sender.send(message('letter', 'Bea Jones\nLS1 4AP')), PermanentSendError);
  await assert.rejects(sender.send({ ...message('email', 'bea@example.com'), kind: 'BOOKING_CONFIRMATION' }), (e: unknown) => e instanceof PermanentSendError && /BOOKING_CONFIRMATION:email/.test(e.message));
  assert.equal(calls.length, 0);
});

test("Notify's 400 is permanent; 429, 5xx and network errors are retried; errors quote Notify's codes, not the request", async () => {
  const http = (status: number) => ({ response: { status, data: { errors: [{ error: 'ValidationError', message: 'email_address Not a valid email address' }] } }, config: { data: 'bea@example.com' } });
  const bad = new NotifySender(fakeClient(http(400)).client, TEMPLATES, PUBLIC_URL);
  await assert.rejects(bad.send(message('email', 'bea@')), (e: unknown) => e instanceof PermanentSendError && e.message === 'Notify answered 400: ValidationError: email_address Not a valid email address');
  for (const status of [429, 500, 503]) {
    const sender = new NotifySender(fakeClient(http(status)).client, TEMPLATES, PUBLIC_URL);
    await assert.rejects(sender.send(message('email', 'bea@example.com')), (e: unknown) => !(e instanceof PermanentSendError) && (e as Error).message.startsWith(`Notify answered ${status}`));
  }
  const offline = new NotifySender(fakeClient(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })).client, TEMPLATES, PUBLIC_URL);
  await assert.rejects(offline.send(message('sms', '07700900123')), /Notify unreachable: ECONNREFUSED/);
});

test('a patient who asked for Welsh or easy read gets that version\'s template where one is set up, else the standard one', async () => {
  const { client, calls } = fakeClient();
  const sender = new NotifySender(client, { ...TEMPLATES, 'REFERRAL_LETTER:email:welsh': 'tpl-letter-email-cy' }, PUBLIC_URL);
  const welsh = message('email', 'bea@example.com');
  await sender.send({ ...welsh, personalisation: { ...welsh.personalisation, version: 'welsh' } });
  await sender.send({ ...welsh, personalisation: { ...welsh.personalisation, version: 'easy-read' } });
  assert.deepEqual(calls.map((c) => c[0]), ['tpl-letter-email-cy', 'tpl-letter-email']);
});
