// `npm start` with no settings: embedded PGlite, migrated and loaded with the demo data set on first start,
// reused on the next. Runs the real entry point as a child process, as a newcomer would.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { type ServerProcess, startServerProcess } from '../support/server-process.ts';

const dataDir = await mkdtemp(join(tmpdir(), 'openchoice-smoke-'));
after(() => rm(dataDir, { recursive: true, force: true }));

async function start(): Promise<ServerProcess> {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'info' };
  delete env.DATABASE_URL;
  return startServerProcess(env, { timeoutMs: 180_000 });
}

async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

test('first start loads the demo data into PGlite and serves /health and a shortlist', { timeout: 240_000 }, async () => {
  const { child, base, output, startedInMs } = await start();
  try {
    console.log(`first start (migrate + demo data load) answered /health after ${startedInMs} ms`);
    assert.deepEqual(await (await fetch(`${base}/health`)).json(), { status: 'ok', database: 'pglite' });
    const res = await fetch(`${base}/api/v1/shortlists`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ specialty: '110', postcode: 'LS1 4AP', sortBy: 'WAIT' }),
    });
    assert.equal(res.status, 200);
    const body = (await res.json()) as { options: unknown[]; eligibleCount: number };
    assert.equal(body.options.length, 5, JSON.stringify(body).slice(0, 500));
    assert.ok(body.eligibleCount >= 5);
    const page = await fetch(`${base}/`);
    assert.equal(page.status, 200);
    assert.match(await page.text(), /Compare hospitals by waiting time and distance/);
    assert.match(output(), /demo data set loaded/);
  } finally {
    assert.equal(await stop(child), 0, 'SIGTERM stops the service cleanly');
  }
});

test('the next start reuses the embedded database', { timeout: 120_000 }, async () => {
  const { child, base, output, startedInMs } = await start();
  try {
    console.log(`second start answered /health after ${startedInMs} ms`);
    const res = await fetch(`${base}/api/v1/postcodes/sw1a1aa`);
    assert.equal(res.status, 200);
    assert.equal(((await res.json()) as { postcode: string }).postcode, 'SW1A 1AA');
    assert.doesNotMatch(output(), /demo data set loaded/);
  } finally {
    assert.equal(await stop(child), 0);
  }
});
