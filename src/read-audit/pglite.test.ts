// The read audit on the embedded database (PGlite) as on PostgreSQL: rows go in, the trigger refuses UPDATE,
// DELETE and TRUNCATE, and only the purge function deletes, only rows older than its (at least six-year) period.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { purgeReadAudit } from '../jobs/purge.ts';

test('embedded PGlite: the read audit is append-only and purged only past its retention', { timeout: 180_000 }, async () => {
  const dir = await mkdtemp(join(tmpdir(), 'openchoice-read-audit-'));
  const database = await openDatabase({ kind: 'pglite', dataDir: dir, poolSize: 2 });
  try {
    await migrate(database.pool);
    const { db, pool } = database;
    const row = { role: 'provider', username: 'p', account_id: 1, ubrn: '000000000001', route: 'GET /api/v1/referrals/:ubrn' };
    await db.insertInto('patient_read_audit').values([row, { ...row, read_at: new Date(Date.now() - 9 * 366 * 86_400_000) }]).execute();
    await assert.rejects(db.updateTable('patient_read_audit').set({ username: 'q' }).execute(), /append-only/);
    await assert.rejects(db.deleteFrom('patient_read_audit').execute(), /append-only/);
    await assert.rejects(pool.query('truncate patient_read_audit'), /append-only/);
    await assert.rejects(purgeReadAudit(db, 5), /at least six years/);
    // Eight years: the nine-year-old row goes, the new one stays.
    assert.deepEqual(await purgeReadAudit(db, 8), { readAuditRows: 1 });
    const left = await db.selectFrom('patient_read_audit').select('read_at').execute();
    assert.equal(left.length, 1);
    assert.ok(left[0]!.read_at.getTime() > Date.now() - 86_400_000);
    // A row with no patient named is refused.
    await assert.rejects(db.insertInto('patient_read_audit').values({ role: 'admin', route: 'GET /x' }).execute(), /names_someone/);
  } finally {
    await database.close();
    await rm(dir, { recursive: true, force: true });
  }
});
