// The embedded database's folder lock (issue 12, defect 9): one holder at a time, released by the operating system
// when its holder dies however it dies, and never fooled by a process id left in a file.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { DataDirInUseError, lockDataDir } from './data-dir-lock.ts';

test('a second lock on the folder is refused, naming the holder; released, it can be taken again', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'openchoice-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const release = await lockDataDir(dir);
  await assert.rejects(lockDataDir(dir), (err: Error) => err instanceof DataDirInUseError && err.message.includes(`process ${process.pid}`));
  await release();
  const again = await lockDataDir(dir);
  await again();
});

test('an old process id in the folder (even a live process\'s) does not lock it', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'openchoice-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  // What the earlier lock left: process 1 is always alive, so that lock refused to start for ever.
  await writeFile(join(dir, 'openchoice.pid'), '1');
  const release = await lockDataDir(dir);
  await release();
});

test('a holder killed with SIGKILL leaves the folder free at once', { timeout: 30_000 }, async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'openchoice-lock-'));
  t.after(() => rm(dir, { recursive: true, force: true }));
  const script = `import { lockDataDir } from ${JSON.stringify(new URL('./data-dir-lock.ts', import.meta.url).href)};
    await lockDataDir(${JSON.stringify(dir)}); process.stdout.write('locked\\n'); setInterval(() => {}, 1000);`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (d) => String(d).includes('locked') && resolve());
    child.on('exit', (code) => reject(new Error(`the holder exited first (${code})`)));
  });
  await assert.rejects(lockDataDir(dir), (err: Error) => err instanceof DataDirInUseError && err.message.includes(`process ${child.pid}`));
  child.kill('SIGKILL');
  await new Promise((resolve) => child.on('exit', resolve));
  const release = await lockDataDir(dir);
  await release();
});
