// Sending the outbox: local log, retries with backoff, failing for good, one send per row with two senders.
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, beforeEach, describe, test } from 'node:test';
import { sql } from 'kysely';
import { LocalLogSender } from './local-log-sender.ts';
import { backoffSeconds, sendPendingMessages } from './send-pending.ts';
import { type MessageSender, type OutgoingMessage, PermanentSendError } from './sender.ts';
import { ACCESS_CODE_MASK } from './templates.ts';
import { type Journeys, outboxOf, startJourneys } from '../testing/journeys.ts';

let j: Journeys;
before(async () => {
  j = await startJourneys('send_pending');
});
after(() => j.close());
// Each test starts with nothing due: earlier tests' messages are out of the way.
beforeEach(async () => {
  await j.database.db.updateTable('outbox').set({ status: 'sent' }).where('status', 'in', ['pending', 'sending']).execute();
});

class FakeSender implements MessageSender {
  readonly via = 'notify';
  sent: number[] = [];
  readonly #behave: (m: OutgoingMessage) => Promise<void>;
  constructor(behave: (m: OutgoingMessage) => Promise<void> = async () => {}) {
    this.#behave = behave;
  }
  async send(m: OutgoingMessage) {
    await this.#behave(m);
    this.sent.push(m.id);
    return { reference: `ref-${m.id}` };
  }
}

const due = () => j.database.db.updateTable('outbox').set({ next_attempt_at: sql`now()` }).where('status', '=', 'pending').execute();

describe('sending the outbox', () => {
  test('the local sender writes the message log without the access code, and the stored copy is redacted', async () => {
    const r = await j.newReferral({ email: 'bea@example.com' });
    const report = await sendPendingMessages(j.database.db, new LocalLogSender(j.database.db, 'http://localhost:3000'));
    assert.deepEqual(report, { sent: 2, retrying: 0, failed: 0 });
    const rows = await outboxOf(j.database, r.ubrn);
    for (const row of rows) {
      assert.equal(row.status, 'sent');
      assert.equal(row.delivered_via, 'local');
      assert.ok(row.sent_at);
      assert.match(row.provider_reference!, /^message_log:\d+$/);
      assert.equal((row.personalisation as Record<string, string>).access_code, ACCESS_CODE_MASK);
    }
    const log = await j.database.db.selectFrom('message_log').selectAll().where('ubrn', '=', r.ubrn).orderBy('id').execute();
    assert.deepEqual(log.map((l) => l.channel), ['letter', 'email']);
    assert.ok(log.every((l) => !l.body.includes(r.accessCode) && l.body.includes(ACCESS_CODE_MASK)));
    assert.match(log[0]!.body, new RegExp(r.ubrn));
    // Sent once: nothing more to do.
    assert.deepEqual(await sendPendingMessages(j.database.db, new LocalLogSender(j.database.db, 'http://localhost:3000')), { sent: 0, retrying: 0, failed: 0 });
  });

  test('a message whose copy was logged but whose row was not marked sent (the database lost between the two) is not logged twice', async () => {
    const r = await j.newReferral();
    const local = new LocalLogSender(j.database.db, 'http://localhost:3000');
    // The copy is written, then the connection goes before the row is marked sent: the row is tried again.
    const outcomeLost: MessageSender = {
      via: 'local',
      async send(m) {
        await local.send(m);
        throw new Error('Connection terminated unexpectedly');
      },
    };
    assert.deepEqual(await sendPendingMessages(j.database.db, outcomeLost), { sent: 0, retrying: 1, failed: 0 });
    await due();
    assert.deepEqual(await sendPendingMessages(j.database.db, local), { sent: 1, retrying: 0, failed: 0 });
    const log = await j.database.db.selectFrom('message_log').select('id').where('ubrn', '=', r.ubrn).execute();
    assert.equal(log.length, 1, 'one copy in the log');
    const [row] = await outboxOf(j.database, r.ubrn);
    assert.equal(row!.status, 'sent');
    assert.equal(row!.provider_reference, `message_log:${log[0]!.id}`);
  });

  test('a failure is retried after a growing wait, then fails for good after the last attempt', async () => {
    const r = await j.newReferral();
    const failing = new FakeSender(async () => {
      throw new Error('Notify answered 503');
    });
    const options = { maxAttempts: 3, retryBaseSeconds: 30 };
    assert.deepEqual(await sendPendingMessages(j.database.db, failing, options), { sent: 0, retrying: 1, failed: 0 });
    let [row] = await outboxOf(j.database, r.ubrn);
    assert.equal(row!.status, 'pending');
    assert.equal(row!.attempts, 1);
    assert.equal(row!.last_error, 'Notify answered 503');
    const wait = (new Date(row!.next_attempt_at).getTime() - Date.now()) / 1000;
    assert.ok(wait > 25 && wait <= 30, `waits about 30 s, not ${wait}`);
    // Not due yet: left alone.
    assert.deepEqual(await sendPendingMessages(j.database.db, failing, options), { sent: 0, retrying: 0, failed: 0 });

    await due();
    assert.deepEqual(await sendPendingMessages(j.database.db, failing, options), { sent: 0, retrying: 1, failed: 0 });
    [row] = await outboxOf(j.database, r.ubrn);
    assert.equal(row!.attempts, 2);
    await due();
    assert.deepEqual(await sendPendingMessages(j.database.db, failing, options), { sent: 0, retrying: 0, failed: 1 });
    [row] = await outboxOf(j.database, r.ubrn);
    assert.equal(row!.status, 'failed');
    assert.equal(row!.attempts, 3);
    assert.equal((row!.personalisation as Record<string, string>).access_code, ACCESS_CODE_MASK, 'redacted once given up');
    assert.deepEqual([1, 2, 3, 8, 20].map((a) => backoffSeconds(a, 30)), [30, 60, 120, 3600, 3600]);
  });

  test('a permanent failure fails at once; a later success after a retry is sent', async () => {
    const a = await j.newReferral();
    const permanent = new FakeSender(async () => {
      throw new PermanentSendError('Notify answered 400: ValidationError: phone_number Not a UK mobile number');
    });
    assert.deepEqual(await sendPendingMessages(j.database.db, permanent), { sent: 0, retrying: 0, failed: 1 });
    assert.equal((await outboxOf(j.database, a.ubrn))[0]!.status, 'failed');

    const b = await j.newReferral();
    let calls = 0;
    const flaky = new FakeSender(async () => {
      if (++calls === 1) throw new Error('ECONNRESET');
    });
    await sendPendingMessages(j.database.db, flaky);
    await due();
    assert.deepEqual(await sendPendingMessages(j.database.db, flaky), { sent: 1, retrying: 0, failed: 0 });
    const [row] = await outboxOf(j.database, b.ubrn);
    assert.equal(row!.status, 'sent');
    assert.equal(row!.attempts, 2);
    assert.equal(row!.provider_reference, `ref-${row!.id}`);
    assert.equal(row!.last_error, null);
  });

  test('two senders at once send each message exactly once', async () => {
    const ubrns: string[] = [];
    for (let i = 0; i < 6; i++) ubrns.push((await j.newReferral({ email: `p${i}@example.com` })).ubrn); // 12 messages
    // Slow sends, so that both senders are busy at the same time.
    const one = new FakeSender(() => sleep(20));
    const two = new FakeSender(() => sleep(20));
    const [r1, r2] = await Promise.all([
      sendPendingMessages(j.database.db, one, { batch: 5 }).then(async (a) => ({ sent: a.sent + (await sendPendingMessages(j.database.db, one, { batch: 5 })).sent })),
      sendPendingMessages(j.database.db, two, { batch: 5 }).then(async (a) => ({ sent: a.sent + (await sendPendingMessages(j.database.db, two, { batch: 5 })).sent })),
    ]);
    const all = [...one.sent, ...two.sent];
    assert.equal(new Set(all).size, all.length, 'no message sent twice');
    assert.equal(r1.sent + r2.sent, 12);
    assert.ok(one.sent.length > 0 && two.sent.length > 0, 'both senders took a share');
    for (const ubrn of ubrns) assert.ok((await outboxOf(j.database, ubrn)).every((m) => m.status === 'sent'));
  });

  test('a message claimed by a sender that died is claimed again once its claim runs out', async () => {
    const r = await j.newReferral();
    const [row] = await outboxOf(j.database, r.ubrn);
    await j.database.db.updateTable('outbox').set({ status: 'sending', attempts: 1, claimed_until: sql`now() + interval '1 minute'` }).where('id', '=', row!.id).execute();
    const sender = new FakeSender();
    assert.equal((await sendPendingMessages(j.database.db, sender)).sent, 0, 'still claimed');
    await j.database.db.updateTable('outbox').set({ claimed_until: sql`now() - interval '1 second'` }).where('id', '=', row!.id).execute();
    assert.equal((await sendPendingMessages(j.database.db, sender)).sent, 1);
    assert.equal((await outboxOf(j.database, r.ubrn))[0]!.attempts, 2);
  });
});
