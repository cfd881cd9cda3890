// A newcomer's first `npm start`, measured as README's "Run it" reports it: for each revision, a fresh clone of this
// repository (its node_modules linked, as after `npm install`), `npm start`, `/health` polled every 0.1 s until it
// answers (the first answer) and until it no longer says `loading` (everything in); then stopped and started again
// on the same data (a later start). Revisions take turns, so that each sees the machine as the others do.
//
//   node bench/first-start.ts [--runs 3] [--port 3998] <revision> [<revision> …]     (default: HEAD)
//
// Needs nothing but this checkout's node_modules (`npm install`). Prints each start and the medians.
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, openSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values: flags, positionals } = parseArgs({ allowPositionals: true, options: { runs: { type: 'string', default: '3' }, port: { type: 'string', default: '3998' } } });
const runs = Number(flags.runs);
const port = Number(flags.port);
const repo = resolve(import.meta.dirname, '..');
const revisions = (positionals.length > 0 ? positionals : ['HEAD']).map((r) => execFileSync('git', ['-C', repo, 'rev-parse', '--short', r], { encoding: 'utf8' }).trim());

interface Start { firstMs: number; allMs: number }

async function health(): Promise<{ status?: string; loading?: string[] } | null> {
  try {
    const res = await fetch(`http://127.0.0.1:${port}/health`, { signal: AbortSignal.timeout(1000) });
    return (await res.json()) as { status?: string; loading?: string[] };
  } catch {
    return null;
  }
}

async function start(dir: string, label: string): Promise<Start> {
  const log = join(dir, `${label}.log`);
  const t0 = performance.now();
  const out = openSync(log, 'w');
  const child = spawn('npm', ['start'], { cwd: dir, env: { ...process.env, PORT: String(port) }, stdio: ['ignore', out, out], detached: true });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  let firstMs: number | null = null;
  try {
    for (;;) {
      if (child.exitCode !== null) throw new Error(`npm start exited with ${child.exitCode}:\n${readFileSync(log, 'utf8').slice(-2000)}`);
      const h = await health();
      const now = performance.now() - t0;
      if (h?.status && firstMs === null) firstMs = now;
      if (h?.status && !h.loading) return { firstMs: firstMs!, allMs: now };
      await new Promise((r) => setTimeout(r, 100));
    }
  } finally {
    // npm, its shell and the server: the whole group, and wait until every one is gone (the server outlives npm
    // while it closes the database, whose lock would refuse the next start).
    const group = -child.pid!;
    const alive = () => {
      try {
        process.kill(group, 0);
        return true;
      } catch {
        return false;
      }
    };
    if (alive()) process.kill(group, 'SIGTERM');
    await exited;
    while (alive()) await new Promise((r) => setTimeout(r, 200));
  }
}

const seen = new Map<string, { first: Start[]; later: Start[] }>(revisions.map((r) => [r, { first: [], later: [] }]));
const fmt = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
for (let run = 1; run <= runs; run++) {
  for (const rev of revisions) {
    const dir = mkdtempSync(join(tmpdir(), `openchoice-first-start-${rev}-`));
    try {
      execFileSync('git', ['clone', '-q', repo, dir]);
      execFileSync('git', ['-C', dir, 'checkout', '-q', rev]);
      symlinkSync(join(repo, 'node_modules'), join(dir, 'node_modules'));
      const first = await start(dir, 'first');
      const later = await start(dir, 'later');
      seen.get(rev)!.first.push(first);
      seen.get(rev)!.later.push(later);
      console.log(`run ${run} ${rev}: first answer ${fmt(first.firstMs)}, all loaded ${fmt(first.allMs)}; later start ${fmt(later.firstMs)}, all loaded ${fmt(later.allMs)}`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
for (const [rev, { first, later }] of seen) {
  console.log(`${rev}: first answer median ${fmt(median(first.map((s) => s.firstMs)))} (${first.map((s) => fmt(s.firstMs)).join(', ')}), later start median ${fmt(median(later.map((s) => s.firstMs)))}`);
}
