// npm run backup and npm run restore on a real embedded database holding referrals made through the API.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { buildApp } from '../app.ts';
import { issueToken } from '../auth/sessions.ts';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { testConfig } from '../testing/database.ts';
import { loadDirectoryFixture } from '../testing/directory-fixture.ts';

const BACKUP = fileURLToPath(new URL('./backup.ts', import.meta.url));
const RESTORE = fileURLToPath(new URL('./restore.ts', import.meta.url));

let root: string;
const dataDirOf = (name: string) => join(root, name); // DATA_DIR; the database is in DATA_DIR/pglite
const pgliteOf = (name: string) => join(dataDirOf(name), 'pglite');
let ubrns: string[];

/** Runs a command as `npm run` would, on the embedded database of DATA_DIR `dataDir`. */
function run(cli: string, args: string[], dataDir: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'silent' };
  delete env.DATABASE_URL;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

async function referralsIn(pgliteDir: string): Promise<string[]> {
  const database = await openDatabase({ kind: 'pglite', dataDir: pgliteDir, poolSize: 1 });
  try {
    return (await database.db.selectFrom('referral').select('ubrn').orderBy('ubrn').execute()).map((r) => r.ubrn);
  } finally {
    await database.close();
  }
}

before(async () => {
  root = await mkdtemp(join(tmpdir(), 'openchoice-backup-'));
  // The service's own code makes the referrals, on an embedded database as `npm start` would open it.
  const database = await openDatabase({ kind: 'pglite', dataDir: pgliteOf('live'), poolSize: 3 });
  try {
    await migrate(database.pool);
    await loadDirectoryFixture(database);
    await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
    const token = (await issueToken(database.db, await createAccount(database, 'referrer', 'referrer', 'GP1'), 'api')).token;
    const app = await buildApp({ config: testConfig(), database, logger: false });
    try {
      for (const familyName of ['Jones', 'Smith', 'Patel', 'Nowak', 'Evans']) {
        const res = await app.inject({
          method: 'POST', url: '/api/v1/referrals', headers: { authorization: `Bearer ${token}` },
          payload: {
            patient: { nhsNumber: '9990000026', givenName: 'Bea', familyName, dateOfBirth: '1980-05-05', postcode: 'LS1 4AP' },
            specialty: '110', priority: 'ROUTINE', clinicalSummary: 'Hip pain', shortlist: ['S1-110', 'S2-110'],
          },
        });
        assert.equal(res.statusCode, 201, res.body);
      }
    } finally {
      await app.close();
    }
  } finally {
    await database.close();
  }
  ubrns = await referralsIn(pgliteOf('live'));
  assert.equal(ubrns.length, 5);
});
after(() => rm(root, { recursive: true, force: true }));

test('a backup restored into a fresh folder holds every referral; a running service is not backed up', { timeout: 180_000 }, async () => {
  // While the service has the database open, the backup refuses, naming the process.
  const running = await openDatabase({ kind: 'pglite', dataDir: pgliteOf('live'), poolSize: 1 });
  try {
    const refused = await run(BACKUP, ['--to', 'backups/while-running.pglite-backup'], dataDirOf('live'));
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /in use by process \d+/);
    await assert.rejects(readFile(join(root, 'backups/while-running.pglite-backup')), { code: 'ENOENT' });
  } finally {
    await running.close();
  }

  const backup = await run(BACKUP, ['--to', 'backups/one.pglite-backup'], dataDirOf('live'));
  assert.equal(backup.code, 0, backup.stderr);
  assert.match(backup.stdout, /5 referrals/);
  assert.deepEqual((await readdir(join(root, 'backups'))).sort(), ['one.pglite-backup'], 'no partial file is left behind');

  const restored = await run(RESTORE, [join(root, 'backups/one.pglite-backup')], dataDirOf('fresh'));
  assert.equal(restored.code, 0, restored.stderr);
  assert.deepEqual(await referralsIn(pgliteOf('fresh')), ubrns, 'every referral, by UBRN');

  // The folder now holds a database: replaced only when asked, and the old one is kept.
  const again = await run(RESTORE, [join(root, 'backups/one.pglite-backup')], dataDirOf('fresh'));
  assert.equal(again.code, 1);
  assert.match(again.stderr, /already holds a database.*--force/);
  const forced = await run(RESTORE, [join(root, 'backups/one.pglite-backup'), '--force'], dataDirOf('fresh'));
  assert.equal(forced.code, 0, forced.stderr);
  const aside = (await readdir(dataDirOf('fresh'))).filter((f) => f.startsWith('pglite.before-restore-'));
  assert.equal(aside.length, 1, 'the replaced database is kept beside it');
  assert.deepEqual(await referralsIn(join(dataDirOf('fresh'), aside[0]!)), ubrns);
  assert.deepEqual(await referralsIn(pgliteOf('fresh')), ubrns);
});

test('a damaged, cut-short or foreign file, or one of a newer version, is refused and nothing is changed', { timeout: 180_000 }, async () => {
  const good = await readFile(join(root, 'backups/one.pglite-backup'));
  const headerEnd = good.indexOf(0x0a, good.indexOf(0x0a) + 1);
  const flipped = Buffer.from(good);
  flipped[headerEnd + 1 + Math.floor((good.length - headerEnd) / 2)]! ^= 0xff;
  const header = JSON.parse(good.subarray(good.indexOf(0x0a) + 1, headerEnd).toString('utf8'));
  const newer = Buffer.concat([
    Buffer.from(`OPENCHOICE-PGLITE-BACKUP 1\n${JSON.stringify({ ...header, migrationVersion: 9999 })}\n`), good.subarray(headerEnd + 1),
  ]);
  // A header that disagrees with what the data holds: caught by opening the copy, before anything is replaced.
  const miscounted = Buffer.concat([
    Buffer.from(`OPENCHOICE-PGLITE-BACKUP 1\n${JSON.stringify({ ...header, referrals: header.referrals + 1 })}\n`), good.subarray(headerEnd + 1),
  ]);
  const cases: [string, Buffer, RegExp][] = [
    ['miscounted', miscounted, /did not restore as it was backed up: migration \d+ and 5 referrals, where the backup had migration \d+ and 6/],
    ['corrupt', flipped, /damaged: its checksum does not match/],
    ['short', good.subarray(0, good.length - 100), /damaged or cut short/],
    ['foreign', Buffer.from('PGDMP not ours'), /not an OpenChoice embedded-database backup/],
    ['newer', newer, /made by a newer OpenChoice.*migration 9999/],
  ];
  for (const [name, bytes, says] of cases) {
    await writeFile(join(root, `backups/${name}.pglite-backup`), bytes);
    const refused = await run(RESTORE, [join(root, `backups/${name}.pglite-backup`), '--force'], dataDirOf('fresh'));
    assert.equal(refused.code, 1, `${name}: ${refused.stdout}`);
    assert.match(refused.stderr, says, name);
  }
  assert.deepEqual(await referralsIn(pgliteOf('fresh')), ubrns, 'the database there is untouched');
  assert.equal((await readdir(dataDirOf('fresh'))).filter((f) => f.includes('.restoring-')).length, 0, 'no half-restored folder is left');

  const usage = await run(RESTORE, [], dataDirOf('fresh'));
  assert.equal(usage.code, 64);
  assert.match(usage.stderr, /usage: npm run restore/);
});
