// Mutual-aid matching benchmark: the engine (src/domain/optimal-assignment.ts) on an instance built from the real
// April 2026 RTT figures (bench/matching-instance.ts), against the naive greedy baseline (bench/matching-greedy.ts)
// and the true optimum by linear programming (bench/matching-lp.ts).
//   1. the engine and the baseline each run in a child process of their own, so that time and peak memory are
//      theirs alone; an independent checker (here, written from api.md) checks every answer's feasibility;
//   2. the LP optimum, one LP per specialty (specialties share no offer, so the sum is the whole optimum), each in
//      a child process with a time limit, smallest first, until the LP budget runs out; the specialties it solved
//      are the sub-instance on which the engine's and the baseline's gaps to the optimum are measured;
//   3. the targets: under 60 s and 2 GiB on ≥ 400,000 patients; within 0.5% of the optimum; better than greedy.
//
//   npm run bench:matching -- [--quick] [--patients N] [--seed N] [--lp-seconds S] [--lp-budget S] [--lp-parallel N]
//
// Environment: BENCH_MATCHING_PATIENTS (a sample of that many patients, capacities scaled alike; --quick is 20,000),
// BENCH_MATCHING_DATA (the nhs-rtt-2026-04 folder, default ../shared/data/nhs-rtt-2026-04 beside the repository),
// BENCH_MATCHING_LP_SECONDS (per LP solve, default 300), BENCH_MATCHING_LP_BUDGET (all LPs, default 1800).
// Exits 1 if any answer breaks a rule of feasibility; a missed target is printed, not fatal.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { deserialize, serialize } from 'node:v8';
import { haversineKm } from '../src/domain/distance.ts';
import { type MatchAssignment, type MatchInstance, type MatchResult, matchPatients } from '../src/domain/optimal-assignment.ts';
import { greedyMatch } from './matching-greedy.ts';
import { DEFAULT_SETTINGS, buildInstance, restrictToSpecialties, sampleInstance, specialtyFigures } from './matching-instance.ts';
import { type LpOptimum, solveOptimum } from './matching-lp.ts';

const THIS_FILE = fileURLToPath(import.meta.url);
const ENGINE_FILE = fileURLToPath(new URL('../src/domain/optimal-assignment.ts', import.meta.url));

const TARGET_PATIENTS = 400_000;
const TARGET_SECONDS = 60;
const TARGET_BYTES = 2 * 1024 ** 3;
const TARGET_GAP = 0.005;

// ---------------------------------------------------------------- settings

const { values: flags } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    patients: { type: 'string' },
    seed: { type: 'string' },
    'lp-seconds': { type: 'string' },
    'lp-budget': { type: 'string' },
    'lp-parallel': { type: 'string' },
    child: { type: 'string' },
    in: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

function positive(raw: string | undefined, fallback: number, name: string): number {
  if (raw === undefined || raw === '') return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, not "${raw}"`);
  return Math.round(n);
}

// ---------------------------------------------------------------- child processes

type Task = 'engine' | 'greedy' | 'lp';

interface ChildReport {
  ms: number;
  /** RSS with Node started and nothing loaded. */
  rssStart: number;
  /** RSS with the instance loaded, after a full GC: the run's starting point. */
  rssBefore: number;
  /** The largest RSS while the task ran. */
  peakRss: number;
  /** How peakRss was measured. */
  peakHow: string;
  answer: MatchResult | LpOptimum;
}

const hwmReset = () => {
  try {
    // Linux: resets the high-water mark that getrusage's maxrss reports, so the peak is the run's own.
    writeFileSync('/proc/self/clear_refs', '5');
    return true;
  } catch {
    return false;
  }
};

/** Runs in the child: one task on the instance in `in`, the report to `out`. */
async function child(task: Task, inFile: string, outFile: string): Promise<void> {
  const rssStart = process.memoryUsage().rss;
  const instance = deserialize(readFileSync(inFile)) as MatchInstance;
  (globalThis as { gc?: () => void }).gc?.();
  const rssBefore = process.memoryUsage().rss;
  const reset = hwmReset();
  const lpSeconds = Number(process.env.BENCH_MATCHING_LP_SECONDS ?? 300);
  const t0 = performance.now();
  const answer = task === 'engine'
    ? matchPatients(instance)
    : task === 'greedy'
      ? greedyMatch(instance)
      : await solveOptimum(instance, { timeLimitSeconds: lpSeconds });
  const ms = performance.now() - t0;
  const peakRss = process.resourceUsage().maxRSS * 1024;
  const peakHow = reset
    ? 'peak RSS of the run (maxRSS, high-water mark reset just before it)'
    : 'peak RSS over the child\'s whole life, loading the instance included (maxRSS; the high-water mark could not be reset)';
  const report: ChildReport = { ms, rssStart, rssBefore, peakRss, peakHow, answer };
  writeFileSync(outFile, serialize(report));
}

/** Runs one task in a child process of its own; rejects with the child's last words if it fails. */
function inChild(task: Task, instance: MatchInstance, dir: string, name: string, timeoutMs: number): Promise<ChildReport> {
  const inFile = join(dir, `${name}.in`);
  const outFile = join(dir, `${name}.out`);
  writeFileSync(inFile, serialize(instance));
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--expose-gc', THIS_FILE, '--child', task, '--in', inFile, '--out', outFile], {
      stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    proc.stderr.setEncoding('utf8').on('data', (s: string) => (stderr = (stderr + s).slice(-4000)));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.on('error', reject);
    proc.on('close', (code, signal) => {
      clearTimeout(timer);
      rmSync(inFile, { force: true });
      if (code !== 0) {
        const why = signal === 'SIGKILL' ? `killed after ${secs(timeoutMs)}` : `exit code ${code}${signal ? `, signal ${signal}` : ''}`;
        const last = (stderr.trim().split('\n').at(-1) ?? '').slice(0, 300);
        reject(new Error(`${task} child failed (${why})${last ? `: ${last}` : ''}`));
        return;
      }
      const report = deserialize(readFileSync(outFile)) as ChildReport;
      rmSync(outFile, { force: true });
      resolve(report);
    });
  });
}

// ---------------------------------------------------------------- the independent check

interface Checked {
  problems: string[];
  matched: number;
  waitWeeks: number;
  distanceKm: number;
}

/**
 * Checks an answer against the contract (api.md), from the instance alone: each patient answered exactly once,
 * offers within capacity, same specialty, the distance (recomputed by haversine) within the patient's limit and
 * as reported, the age within the offer's limits, and the totals as summed here.
 */
function checkAnswer(instance: MatchInstance, assignments: readonly MatchAssignment[], unmatched: readonly string[] | null, totals: MatchResult['totals'] | null): Checked {
  const problems: string[] = [];
  const problem = (what: string) => {
    if (problems.length < 10) problems.push(what);
    else if (problems.length === 10) problems.push('… and more');
  };
  const patients = new Map(instance.patients.map((p) => [p.id, p]));
  const offers = new Map(instance.offers.map((o) => [o.id, { offer: o, load: 0 }]));
  const answered = new Set<string>();
  let waitWeeks = 0;
  let distanceKm = 0;
  for (const a of assignments) {
    const patient = patients.get(a.patientId);
    const slot = offers.get(a.offerId);
    if (!patient || !slot) {
      problem(`${a.patientId} → ${a.offerId}: unknown ${patient ? 'offer' : 'patient'}`);
      continue;
    }
    const { offer } = slot;
    if (answered.has(patient.id)) problem(`${patient.id}: answered more than once`);
    answered.add(patient.id);
    if (++slot.load > offer.capacity) problem(`${offer.id}: more than its capacity of ${offer.capacity}`);
    if (patient.specialty !== offer.specialty) problem(`${patient.id} (${patient.specialty}) → ${offer.id} (${offer.specialty}): another specialty`);
    const km = haversineKm(patient, offer);
    if (Math.abs(km - a.distanceKm) > 1e-6) problem(`${patient.id} → ${offer.id}: distance ${a.distanceKm} km reported, ${km} km by haversine`);
    if (patient.maxTravelKm !== null && km > patient.maxTravelKm + 1e-9) problem(`${patient.id} → ${offer.id}: ${km} km, beyond the limit of ${patient.maxTravelKm} km`);
    if (offer.minAge !== null && !(patient.age !== null && patient.age >= offer.minAge)) problem(`${patient.id} (age ${patient.age}) → ${offer.id}: under its minimum age ${offer.minAge}`);
    if (offer.maxAge !== null && !(patient.age !== null && patient.age <= offer.maxAge)) problem(`${patient.id} (age ${patient.age}) → ${offer.id}: over its maximum age ${offer.maxAge}`);
    waitWeeks += patient.waitWeeks;
    distanceKm += km;
  }
  if (unmatched) {
    for (const id of unmatched) {
      if (!patients.has(id)) problem(`unmatched ${id}: unknown patient`);
      else if (answered.has(id)) problem(`${id}: both matched and unmatched, or unmatched twice`);
      answered.add(id);
    }
    if (answered.size !== instance.patients.length) problem(`${fmt(instance.patients.length - answered.size)} patients neither matched nor unmatched`);
  }
  if (totals) {
    const near = (a: number, b: number) => Math.abs(a - b) <= 1e-6 * Math.max(1, Math.abs(b));
    if (totals.matched !== assignments.length) problem(`totals.matched ${totals.matched}, but ${assignments.length} assignments`);
    if (!near(totals.waitWeeksMatched, waitWeeks)) problem(`totals.waitWeeksMatched ${totals.waitWeeksMatched}, but the assignments add up to ${waitWeeks}`);
    if (!near(totals.distanceKm, distanceKm)) problem(`totals.distanceKm ${totals.distanceKm}, but the assignments add up to ${distanceKm}`);
  }
  return { problems, matched: assignments.length, waitWeeks, distanceKm };
}

// ---------------------------------------------------------------- output

const log = (line = '') => process.stdout.write(`${line}\n`);
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const fmt = (n: number, digits = 0) => n.toLocaleString('en-GB', { minimumFractionDigits: digits, maximumFractionDigits: digits });
const mib = (bytes: number) => `${fmt(bytes / 1024 ** 2)} MiB`;
/** Rounding noise (a few parts in a billion) prints as 0, not −0.000%. */
const pct = (x: number) => `${x > -5e-6 ? '' : '−'}${fmt(Math.abs(x) * 100, 3)}%`;
const failures: string[] = [];

function printChecked(label: string, c: Checked): void {
  const mean = c.matched === 0 ? 0 : c.distanceKm / c.matched;
  log(`  ${label.padEnd(12)} ${fmt(c.matched).padStart(9)} matched  ${fmt(c.waitWeeks, 1).padStart(13)} waitWeeks  ${fmt(c.distanceKm, 1).padStart(14)} km  mean ${fmt(mean, 2)} km`);
  if (c.problems.length === 0) log(`  ${''.padEnd(12)} feasibility check: ok (each patient once, capacity, specialty, travel limit, age, totals)`);
  else {
    log(`  ${''.padEnd(12)} feasibility check: FAILED`);
    for (const p of c.problems) log(`  ${''.padEnd(14)}${p}`);
    failures.push(`${label}: infeasible answer`);
  }
}

function printRun(label: string, r: ChildReport): void {
  log(`  ${label.padEnd(12)} ${secs(r.ms)}; ${r.peakHow}: ${mib(r.peakRss)}`);
  log(`  ${''.padEnd(12)} RSS with Node alone ${mib(r.rssStart)}, with the instance loaded ${mib(r.rssBefore)}: the run added ${mib(Math.max(0, r.peakRss - r.rssBefore))} at most`);
}

const gapWait = (lp: number, x: number) => (lp === 0 ? 0 : (lp - x) / lp);
const gapKm = (lp: number, x: number) => (lp === 0 ? 0 : (x - lp) / lp);
/** Better in the contract's order: more waitWeeks, or the same waitWeeks and less distance. */
function better(a: Checked, b: Checked): boolean {
  const same = Math.abs(a.waitWeeks - b.waitWeeks) <= 1e-9 * Math.max(1, b.waitWeeks);
  return same ? a.distanceKm < b.distanceKm - 1e-9 * Math.max(1, b.distanceKm) : a.waitWeeks > b.waitWeeks;
}

/** `tested` false: the run was too small for the target to mean anything, so it is shown but not judged. */
function target(ok: boolean, what: string, tested = true): void {
  log(`  ${!tested ? 'n/a   ' : ok ? 'met   ' : 'MISSED'}  ${what}`);
}

// ---------------------------------------------------------------- the LP, specialty by specialty

interface LpPart {
  specialty: string;
  report?: ChildReport;
  failure?: string;
}

async function lpBySpecialty(instance: MatchInstance, dir: string, settings: { lpSeconds: number; lpBudget: number; lpParallel: number }): Promise<LpPart[]> {
  const figures = specialtyFigures(instance);
  // Smallest first, so that a budget that runs out leaves the most specialties solved.
  const queue = [...figures].filter(([, f]) => f.patients > 0 && f.offers > 0).sort(([, a], [, b]) => a.patients * a.offers - b.patients * b.offers).map(([s]) => s);
  const parts: LpPart[] = [];
  const deadline = performance.now() + settings.lpBudget * 1000;
  const worker = async () => {
    for (let s = queue.shift(); s !== undefined; s = queue.shift()) {
      if (performance.now() > deadline) {
        parts.push({ specialty: s, failure: `not tried: the LP budget of ${settings.lpBudget} s was spent` });
        continue;
      }
      try {
        // Two solves of at most lpSeconds each, plus building the model and writing the answer.
        const report = await inChild('lp', restrictToSpecialties(instance, new Set([s])), dir, `lp-${s}`, (2 * settings.lpSeconds + 120) * 1000);
        parts.push({ specialty: s, report });
        const lp = report.answer as LpOptimum;
        log(`  LP ${s}: ${fmt(lp.size.columns)} columns × ${fmt(lp.size.rows)} rows, solved in ${secs(report.ms)}` +
          ` (waitWeeks ${lp.seconds.waitSolve.toFixed(1)} s, then distance ${lp.seconds.distanceSolve.toFixed(1)} s), peak RSS ${mib(report.peakRss)}`);
      } catch (err) {
        parts.push({ specialty: s, failure: (err as Error).message });
        log(`  LP ${s}: ${(err as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({ length: settings.lpParallel }, worker));
  return parts.sort((a, b) => a.specialty.localeCompare(b.specialty));
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  if (flags.help) {
    log(`npm run bench:matching -- [options]
  --quick            a sample of 20,000 patients (BENCH_MATCHING_PATIENTS=N for another size)
  --patients N       a sample of N patients, offer capacities scaled alike
  --seed N           the instance's seed (BENCH_SEED, default ${DEFAULT_SETTINGS.seed})
  --lp-seconds S     time limit of each LP solve (BENCH_MATCHING_LP_SECONDS, default 300)
  --lp-budget S      time for all the LPs; specialties not started by then are left out (BENCH_MATCHING_LP_BUDGET, default 1800)
  --lp-parallel N    LPs solved at once, each in its own process (default: the number of cores, at most 2)`);
    return 0;
  }
  const settings = {
    sample: flags.patients !== undefined || process.env.BENCH_MATCHING_PATIENTS
      ? positive(flags.patients ?? process.env.BENCH_MATCHING_PATIENTS, 20_000, 'patients')
      : flags.quick ? 20_000 : undefined,
    seed: positive(flags.seed ?? process.env.BENCH_SEED, DEFAULT_SETTINGS.seed, 'seed'),
    lpSeconds: positive(flags['lp-seconds'] ?? process.env.BENCH_MATCHING_LP_SECONDS, 300, 'lp-seconds'),
    lpBudget: positive(flags['lp-budget'] ?? process.env.BENCH_MATCHING_LP_BUDGET, 1800, 'lp-budget'),
    lpParallel: positive(flags['lp-parallel'], Math.min(2, availableParallelism()), 'lp-parallel'),
  };
  process.env.BENCH_MATCHING_LP_SECONDS = String(settings.lpSeconds); // for the LP children
  const started = performance.now();
  const engineHeader = readFileSync(ENGINE_FILE, 'utf8').split('\n')[0];
  log(`Mutual-aid matching benchmark, ${new Date().toISOString()}; Node ${process.version}, ${availableParallelism()} cores`);
  log(`engine: src/domain/optimal-assignment.ts, "${engineHeader}"`);

  // ---- the instance
  const t0 = performance.now();
  const built = await buildInstance({ ...DEFAULT_SETTINGS, seed: settings.seed });
  const instance = settings.sample ? sampleInstance(built.instance, settings.sample, settings.seed) : built.instance;
  log(`\nInstance (built in ${secs(performance.now() - t0)}) from ${DEFAULT_SETTINGS.dataDir}`);
  for (const rule of built.rules) log(`  ${rule}`);
  log(`  threshold: over ${built.thresholdWeeks} weeks; ${fmt(built.droppedPatients)} patients over it left out at ${built.droppedProviders} providers with no location`);
  if (settings.sample) {
    log(`  QUICK RUN: a random ${fmt(instance.patients.length)} of the ${fmt(built.instance.patients.length)} patients, offer capacities scaled by the same fraction`);
  }
  const capacity = instance.offers.reduce((sum, o) => sum + o.capacity, 0);
  log(`  ${fmt(instance.patients.length)} patients, ${fmt(instance.offers.length)} offers (from ${built.offeringRows} provider × specialty rows), ` +
    `total capacity ${fmt(capacity)} = ${fmt((100 * capacity) / Math.max(1, instance.patients.length), 1)}% of the patients`);
  log(`  ${'specialty'.padEnd(10)}${'patients'.padStart(10)}${'offers'.padStart(8)}${'capacity'.padStart(10)}${'cap/pat'.padStart(9)}`);
  for (const [s, f] of specialtyFigures(instance)) {
    log(`  ${s.padEnd(10)}${fmt(f.patients).padStart(10)}${fmt(f.offers).padStart(8)}${fmt(f.capacity).padStart(10)}${fmt(f.capacity / Math.max(1, f.patients), 2).padStart(9)}`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'bench-matching-'));
  try {
    // ---- the engine and the baseline, each alone in a child process
    log('\nEngine and greedy baseline on the whole instance, each in a child process of its own');
    const engineRun = await inChild('engine', instance, dir, 'engine', 60 * 60_000);
    printRun('engine', engineRun);
    const engineAnswer = engineRun.answer as MatchResult;
    const engine = checkAnswer(instance, engineAnswer.assignments, engineAnswer.unmatched, engineAnswer.totals);
    printChecked('engine', engine);
    const greedyRun = await inChild('greedy', instance, dir, 'greedy', 60 * 60_000);
    printRun('greedy', greedyRun);
    const greedyAnswer = greedyRun.answer as MatchResult;
    const greedy = checkAnswer(instance, greedyAnswer.assignments, greedyAnswer.unmatched, greedyAnswer.totals);
    printChecked('greedy', greedy);

    // ---- the LP optimum
    log(`\nLP optimum (highs-js ${highsVersion()}): maximise waitWeeks, then minimise km at that waitWeeks; one LP per specialty,` +
      ` ${settings.lpParallel} at a time, each solve limited to ${settings.lpSeconds} s, all of them to ${settings.lpBudget} s`);
    log('  (bipartite b-matching: the constraint matrix is totally unimodular, so the LP optimum is integral: the true optimum)');
    const parts = await lpBySpecialty(instance, dir, settings);
    const solved = parts.filter((p) => p.report);
    const failed = parts.filter((p) => p.failure);
    const solvedSet = new Set(solved.map((p) => p.specialty));
    const sub = restrictToSpecialties(instance, solvedSet);
    const whole = failed.length === 0;
    log(whole
      ? `  all ${solved.length} specialties solved: the optimum of the whole instance`
      : `  solved ${solved.length} of ${parts.length} specialties (${[...solvedSet].join(', ') || 'none'}); left out: ${failed.map((p) => p.specialty).join(', ')}`);
    log(`  compared on ${whole ? 'the whole instance' : 'the sub-instance of the solved specialties'}: ${fmt(sub.patients.length)} patients, ${fmt(sub.offers.length)} offers`);

    const lpAssignments = solved.flatMap((p) => (p.report!.answer as LpOptimum).assignments);
    const lp = checkAnswer(sub, lpAssignments, null, null);
    const maxFractional = Math.max(0, ...solved.map((p) => (p.report!.answer as LpOptimum).maxFractional));
    const lpObjective = solved.reduce((sum, p) => {
      const a = p.report!.answer as LpOptimum;
      return { waitWeeks: sum.waitWeeks + a.lp.waitWeeks, distanceKm: sum.distanceKm + a.lp.distanceKm };
    }, { waitWeeks: 0, distanceKm: 0 });
    const lpSeconds = solved.reduce((sum, p) => sum + p.report!.ms, 0);
    const lpPeak = Math.max(0, ...solved.map((p) => p.report!.peakRss));

    // ---- engine and baseline on exactly that sub-instance
    let engineSub = engine;
    let greedySub = greedy;
    if (!whole && sub.patients.length > 0) {
      const te = performance.now();
      const e = matchPatients(sub);
      const engineMs = performance.now() - te;
      const tg = performance.now();
      const g = greedyMatch(sub);
      const greedyMs = performance.now() - tg;
      engineSub = checkAnswer(sub, e.assignments, e.unmatched, e.totals);
      greedySub = checkAnswer(sub, g.assignments, g.unmatched, g.totals);
      log(`  engine and greedy run again on that sub-instance, in this process: ${secs(engineMs)} and ${secs(greedyMs)}`);
    }

    if (sub.patients.length > 0) {
      log(`  LP run time ${secs(lpSeconds)} (the solver processes' times added up), largest peak RSS ${mib(lpPeak)}; HiGHS's objectives` +
        ` ${fmt(lpObjective.waitWeeks, 1)} waitWeeks and ${fmt(lpObjective.distanceKm, 1)} km; largest distance of any x from 0 or 1: ${maxFractional}`);
      printChecked('LP optimum', lp);
      if (!whole) {
        printChecked('engine', engineSub);
        printChecked('greedy', greedySub);
      }
      log(`\n  gap to the LP optimum     waitWeeks (LP − x)/LP   distance (x − LP)/LP`);
      for (const [label, c] of [['engine', engineSub], ['greedy', greedySub]] as const) {
        log(`  ${label.padEnd(26)}${pct(gapWait(lp.waitWeeks, c.waitWeeks)).padStart(21)}${pct(gapKm(lp.distanceKm, c.distanceKm)).padStart(23)}`);
      }
    }

    // ---- the targets
    const fullSize = instance.patients.length >= TARGET_PATIENTS;
    log(`\nTargets${fullSize ? '' : ` (QUICK RUN: ${fmt(instance.patients.length)} patients, so the time and memory targets are not really tested)`}`);
    target(engineRun.ms < TARGET_SECONDS * 1000, `engine under ${TARGET_SECONDS} s on ≥ ${fmt(TARGET_PATIENTS)} patients: ${secs(engineRun.ms)} on ${fmt(instance.patients.length)}`, fullSize);
    target(engineRun.peakRss < TARGET_BYTES, `engine under 2 GiB on ≥ ${fmt(TARGET_PATIENTS)} patients: peak RSS ${mib(engineRun.peakRss)}`, fullSize);
    const wGap = gapWait(lp.waitWeeks, engineSub.waitWeeks);
    const kGap = gapKm(lp.distanceKm, engineSub.distanceKm);
    target(sub.patients.length > 0 && wGap <= TARGET_GAP && kGap <= TARGET_GAP,
      `engine within ${TARGET_GAP * 100}% of the LP optimum on both objectives (${whole ? 'whole instance' : 'solved specialties'}): waitWeeks ${pct(wGap)}, distance ${pct(kGap)}`);
    target(better(engine, greedy), `engine strictly better than greedy (whole instance): waitWeeks ${fmt(engine.waitWeeks, 1)} vs ${fmt(greedy.waitWeeks, 1)}, km ${fmt(engine.distanceKm, 1)} vs ${fmt(greedy.distanceKm, 1)}`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  log(`\nDone in ${secs(performance.now() - started)}.`);
  if (failures.length > 0) {
    log(`FAILED: ${failures.join('; ')}`);
    return 1;
  }
  return 0;
}

/** The highs-js release (its version names the HiGHS version it embeds). */
function highsVersion(): string {
  const file = fileURLToPath(new URL('../node_modules/highs/package.json', import.meta.url));
  return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
}

if (flags.child) {
  if (!['engine', 'greedy', 'lp'].includes(flags.child) || !flags.in || !flags.out) throw new Error('--child engine|greedy|lp --in FILE --out FILE');
  try {
    await child(flags.child as Task, flags.in, flags.out);
  } catch (err) {
    // One line for the parent to show: Node's own report of an error in the WebAssembly glue quotes pages of it.
    const { name, message } = err as Error;
    const hint = flags.child === 'lp' && message.startsWith('Aborted(') ? ' (most likely HiGHS out of its 2 GiB of WebAssembly memory)' : '';
    process.stderr.write(`\n${name}: ${message.split('\n')[0]}${hint}\n`);
    process.exitCode = 1;
  }
} else {
  process.exitCode = await main();
}
