// `npm start` with no settings: embedded PGlite, migrated and loaded with the demo data set on first start,
// reused on the next. Runs the real entry point as a child process, as a newcomer would.
import assert from 'node:assert/strict';
import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { DEMO_DATA_BEHIND } from '../../src/demo/demo-data-set.ts';
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

async function health(base: string): Promise<{ status: string; database: string; loading?: string[] }> {
  return (await fetch(`${base}/health`)).json() as Promise<{ status: string; database: string; loading?: string[] }>;
}

/** Polls /health until it names nothing still loading; answers what it said along the way. */
async function untilLoaded(base: string, timeoutMs: number): Promise<string[][]> {
  const seen: string[][] = [];
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const h = await health(base);
    assert.equal(h.status, 'ok', 'the service stays up while it loads');
    if (!h.loading) return seen;
    seen.push(h.loading);
    if (Date.now() > deadline) assert.fail(`still loading after ${timeoutMs / 1000} s: ${h.loading.join(', ')}`);
    await new Promise((r) => setTimeout(r, 500));
  }
}

test('first start answers before the history and slots are in, says so on /health, and serves while it loads', { timeout: 300_000 }, async () => {
  const { child, base, output, startedInMs } = await start();
  try {
    console.log(`first start (migrate + the data the service needs) answered /health after ${startedInMs} ms`);
    const first = await health(base);
    assert.deepEqual({ ...first, loading: undefined }, { status: 'ok', database: 'pglite', loading: undefined });
    assert.ok(first.loading?.includes(DEMO_DATA_BEHIND), `loading: ${JSON.stringify(first.loading)}`);
    // The postcodes are in before it answers: a lookup while the rest loads is never "unknown postcode".
    const postcode = await fetch(`${base}/api/v1/postcodes/ls14ap`);
    assert.equal(postcode.status, 200);
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
    const t0 = Date.now();
    await untilLoaded(base, 240_000);
    console.log(`then loaded the rest in the background in ${Date.now() - t0} ms`);
    assert.deepEqual(await health(base), { status: 'ok', database: 'pglite' }, 'the contract\'s answer once everything is in');
    assert.match(output(), /demo data set loaded/);
    assert.match(output(), /demo referral history loaded/);
    assert.match(output(), /demo slots published/);
    assert.match(output(), /background jobs started/);
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
    await untilLoaded(base, 60_000);
    // The FHIR interface serves on the embedded database too: its CapabilityStatement, then the demo's free slots.
    const metadata = await fetch(`${base}/fhir/R4/metadata`);
    assert.equal(metadata.status, 200);
    assert.match(String(metadata.headers.get('content-type')), /^application\/fhir\+json/);
    assert.equal(((await metadata.json()) as { resourceType: string }).resourceType, 'CapabilityStatement');
    const shortlist = await fetch(`${base}/fhir/R4/HealthcareService?_query=shortlist&specialty=110&postcode=LS1%204AP`);
    assert.equal(shortlist.status, 200);
    const bundle = (await shortlist.json()) as { entry?: { resource: { resourceType: string; id: string } }[] };
    const services = (bundle.entry ?? []).filter((e) => e.resource.resourceType === 'HealthcareService');
    assert.equal(services.length, 5);
    const slots = await Promise.all(services.map(async (s) => ((await (await fetch(`${base}/fhir/R4/Slot?status=free&schedule.actor:HealthcareService=${s.resource.id}`)).json()) as { entry?: unknown[] }).entry?.length ?? 0));
    assert.ok(slots.some((n) => n > 0), `some shortlisted service publishes free slots: ${slots.join(', ')}`);
    assert.doesNotMatch(output(), /demo referral history loaded/, 'the history is loaded once');
  } finally {
    assert.equal(await stop(child), 0);
  }
});
