// The RTT extract is read in a worker thread: it must answer exactly what reading it on the main thread answers, and
// fail the same way (an ImportError naming the line for a bad row; the file system's error for a missing file).
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { ImportError } from './csv.ts';
import { REFERENCE_DATA_DIR } from './demo.ts';
import { readRtt, readRttInWorker } from './rtt.ts';

let dir: string;
let good: string;
let bad: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'openchoice-rtt-worker-'));
  const head = execFileSync('sh', ['-c', `unzip -p "${REFERENCE_DATA_DIR}20260430-RTT-April-2026-full-extract.csv.zip" '*.csv' | head -400`]).toString();
  good = join(dir, 'good.csv');
  await writeFile(good, head);
  const lines = head.split('\n');
  const at = lines.findIndex((l) => l.includes(',Part_2,'));
  lines[at] = lines[at]!.replace(/,Part_2,(.*?),(C_\d+|X\d+),([^,]*),\d+,/, ',Part_2,$1,$2,$3,lots,');
  bad = join(dir, 'bad.csv');
  await writeFile(bad, lines.join('\n'));
});
after(() => rm(dir, { recursive: true, force: true }));

test('the worker reads an extract as the main thread does: the same sums and the same counts', async () => {
  const inThread = await readRtt(good);
  assert.ok(inThread.groups.length > 10);
  assert.equal(inThread.counts.rowsRead, 399);
  assert.deepEqual(await readRttInWorker(good), inThread);
});

test('a bad row fails in the worker with the ImportError, and its line, that the main thread gives', async () => {
  const inThread = await readRtt(bad).then(() => assert.fail('read a bad file'), (err: unknown) => err);
  assert.ok(inThread instanceof ImportError);
  await assert.rejects(readRttInWorker(bad), (err: unknown) => err instanceof ImportError && err.message === inThread.message && /^line \d+: /.test(err.message));
  await assert.rejects(readRttInWorker(join(dir, 'missing.csv')), /ENOENT/);
});
