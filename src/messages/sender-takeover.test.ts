// A sender that dies mid-send (issue 12, defect 2): its claimed messages are taken over by another sender at once,
// not after its claim runs out, and none is sent twice. The sender's death is its lock connection ending, as the
// database sees a killed process; a child process killed with SIGKILL is the second test.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, beforeEach, test } from 'node:test';
import { sql } from 'kysely';
import { sendPendingMessages } from './send-pending.ts';
import type { MessageSender, OutgoingMessage } from './sender.ts';
import { startSenderLiveness } from './sender-liveness.ts';
import { type Journeys, outboxOf, startJourneys } from '../testing/journeys.ts';

let j: Journeys;
before(async () => {
  j = await startJourneys('sender_takeover');
});
after(() => j.close());
beforeEach(async () => {
  await j.database.db.updateTable('outbox').set({ status: 'sent' }).where('status', 'in', ['pending', 'sending']).execute();
});

const quiet = { warn() {}, info() {} };
class Recorder implements MessageSender {
  readonly via = 'notify';
  readonly sent: number[] = [];
  readonly hang: boolean;
  constructor(hang = false) {
    this.hang = hang;
  }
  async send(m: OutgoingMessage) {
    if (this.hang) await new Promise(() => {}); // dies mid-send: never answers
    this.sent.push(Number(m.id));
    return { reference: `ref-${m.id}` };
  }
}

test('a sender whose lock connection ends loses its claims at once; a live sender\'s claims are left alone', async () => {
  const r = await j.newReferral({ email: 'dee@example.com' });
  const ids = (await outboxOf(j.database, r.ubrn)).map((m) => Number(m.id));
  assert.ok(ids.length >= 2);
  const dying = await startSenderLiveness(j.database.pool, quiet, 60_000);
  const taker = await startSenderLiveness(j.database.pool, quiet, 60_000);
  after(() => Promise.all([dying.stop(), taker.stop()]));
  assert.ok(dying.key && taker.key && dying.key !== taker.key);
  // The dying sender claims the messages and hangs in the send.
  void sendPendingMessages(j.database.db, new Recorder(true), { senderKey: dying.key, claimSeconds: 300 });
  for (let i = 0; i < 50; i++) {
    const rows = await outboxOf(j.database, r.ubrn);
    if (rows.every((m) => m.status === 'sending')) break;
    await new Promise((res) => setTimeout(res, 20));
  }
  const other = new Recorder();
  assert.deepEqual(await sendPendingMessages(j.database.db, other, { senderKey: taker.key }), { sent: 0, retrying: 0, failed: 0 }, 'a live sender\'s claims are its own');
  // The dying sender's connection ends, as when its process is killed: its lock goes with it.
  await sql`select pg_terminate_backend(pid) from pg_stat_activity where application_name = 'openchoice-outbox-sender' and pid <> pg_backend_pid()
    and pid in (select l.pid from pg_locks l where l.locktype = 'advisory' and l.classid = 20299 and l.objid = ${dying.key}::oid)`.execute(j.database.db);
  for (let i = 0; i < 50 && (await sql<{ n: number }>`select count(*)::int n from pg_locks where locktype = 'advisory' and classid = 20299 and objid = ${dying.key}::oid`.execute(j.database.db)).rows[0]!.n > 0; i++) {
    await new Promise((res) => setTimeout(res, 20));
  }
  const report = await sendPendingMessages(j.database.db, other, { senderKey: taker.key });
  assert.equal(report.sent, ids.length, 'taken over at once, not after the five-minute claim');
  assert.deepEqual(other.sent.sort(), ids.sort());
  assert.ok((await outboxOf(j.database, r.ubrn)).every((m) => m.status === 'sent'));
});

test('a sender process killed with SIGKILL mid-send: its messages go out from another within seconds, once each', { timeout: 60_000 }, async () => {
  const r = await j.newReferral({ email: 'kim@example.com' });
  const ids = (await outboxOf(j.database, r.ubrn)).map((m) => Number(m.id));
  const o = j.database.pool.options;
  const url = o.connectionString ?? `postgres://${o.user}@${o.host}:${o.port}/${o.database}`;
  const here = (f: string) => JSON.stringify(new URL(f, import.meta.url).href);
  const script = `
    import pg from 'pg';
    import { Kysely, PostgresDialect } from 'kysely';
    import { sendPendingMessages } from ${here('./send-pending.ts')};
    import { startSenderLiveness } from ${here('./sender-liveness.ts')};
    const pool = new pg.Pool({ connectionString: ${JSON.stringify(url)}, max: 2 });
    const db = new Kysely({ dialect: new PostgresDialect({ pool }) });
    const liveness = await startSenderLiveness(pool, { warn() {}, info() {} });
    const hang = { via: 'notify', send: () => { process.stdout.write('sending\\n'); return new Promise(() => {}); } };
    await sendPendingMessages(db, hang, { senderKey: liveness.key, claimSeconds: 300 });`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('sending') && resolve());
    child.on('exit', (code) => reject(new Error(`the sender exited first (${code})`)));
  });
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('exit', resolve));
  const taker = await startSenderLiveness(j.database.pool, quiet);
  after(() => taker.stop());
  const other = new Recorder();
  const started = Date.now();
  while (other.sent.length < ids.length && Date.now() - started < 10_000) {
    await sendPendingMessages(j.database.db, other, { senderKey: taker.key });
    if (other.sent.length < ids.length) await new Promise((res) => setTimeout(res, 200));
  }
  assert.deepEqual(other.sent.sort(), ids.sort(), 'every message of the killed sender, each once');
  assert.ok(Date.now() - started < 10_000, `taken over in ${Date.now() - started} ms`);
});
