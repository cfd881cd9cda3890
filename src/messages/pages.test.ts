import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { LocalLogSender } from './local-log-sender.ts';
import { sendPendingMessages } from './send-pending.ts';
import { type Journeys, startJourneys } from '../testing/journeys.ts';
import { anonymousSession, staffSession } from '../testing/page-session.ts';

let j: Journeys;
before(async () => {
  j = await startJourneys('admin_pages');
});
after(() => j.close());

// The journeys' accounts are named after their roles.
const pageAs = async (role: 'admin' | 'referrer' | null) => {
  const session = role ? await staffSession(j.app, j.database, role) : anonymousSession(j.app);
  return session.get('/admin/messages');
};

test('the demo\'s message log page shows what was sent, without access codes or names', async () => {
  const referral = await j.newReferral({ email: 'bea.jones@example.com' });
  await sendPendingMessages(j.database.db, new LocalLogSender(j.database.db, 'http://localhost:3000'));
  const res = await pageAs('admin');
  assert.equal(res.statusCode, 200, res.body);
  assert.match(res.body, /<h1>Messages sent<\/h1>/);
  assert.match(res.body, /Referral letter by letter/);
  assert.match(res.body, /Referral letter by email to b•••@example\.com/);
  assert.ok(!res.body.includes(referral.accessCode), 'no access code');
  assert.doesNotMatch(res.body, /Bea|Jones/);
});

test('each kind of message is headed in words, never its code', async () => {
  await j.newReferral({ email: 'cy.kay@example.com', mobile: '07700900123' });
  await sendPendingMessages(j.database.db, new LocalLogSender(j.database.db, 'http://localhost:3000'));
  // The log as a PIDMAS invitation and a move leave it, by email and by text.
  const newest = await j.database.db.selectFrom('message_log').select(['id', 'channel']).orderBy('id', 'desc').limit(3).execute();
  const sms = newest.find((m) => m.channel === 'sms');
  assert.ok(sms, 'a text message was sent');
  await j.database.db.updateTable('message_log').set({ kind: 'PIDMAS_INVITATION' }).where('id', '=', sms.id).execute();
  await j.database.db.updateTable('message_log').set({ kind: 'TRANSFERRED' }).where('id', '=', newest.find((m) => m.channel === 'email')!.id).execute();
  const res = await pageAs('admin');
  assert.match(res.body, /Invitation to ask to move provider by text message to /);
  assert.match(res.body, /Referral moved to another provider by email to /);
  const headings = [...res.body.matchAll(/<h2 class="nhsuk-card__heading[^"]*">([^<]*)<\/h2>/g)].map((m) => m[1]!);
  assert.ok(headings.length >= 3);
  for (const h of headings) assert.doesNotMatch(h, /[A-Z]{2,}_[A-Z]|\bsms\b/, h);
});

test('only administrators see it', async () => {
  assert.equal((await pageAs('referrer')).statusCode, 403);
  const anonymous = await pageAs(null);
  assert.equal(anonymous.statusCode, 303);
  assert.equal(anonymous.headers.location, '/sign-in');
});
