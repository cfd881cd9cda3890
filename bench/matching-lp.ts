// The matching's true optimum by linear programming (HiGHS, compiled to WebAssembly), to measure the engine against.
//
// One variable x per feasible (patient, offer) pair, 0 ≤ x ≤ 1; each patient at most once, each offer at most
// its capacity. That is a bipartite b-matching: its constraint matrix is totally unimodular, so the LP has an
// integral optimal vertex and the LP optimum is the optimum over real assignments, not merely a bound. The
// objective is lexicographic, so it takes two solves:
//   1. maximise Σ waitWeeks·x, giving W*;
//   2. minimise Σ km·x over the optimal face of the first: any optimal x meets complementary slackness with the
//      first solve's optimal dual, so the columns of non-zero reduced cost are fixed at their bounds and the rows
//      of non-zero dual made tight, and the rest is free. No tolerance row, and the face of an integral polytope
//      is integral, so the second answer is integral too. It starts from the first's basis.
// The answer reports how far from 0 or 1 any x ended up, so a fractional answer would show, and checks that the
// second answer still reaches W*. Specialties share no offer, so each is its own LP.
//
// Offers of one specialty at one place with the same age limits are interchangeable, so the LP sees each such
// group as one pool with their capacities added (the benchmark's weekly offers make up to four times fewer
// columns that way), and the answer hands each pool's patients to its offers in order. Patients who have waited
// 0 weeks are left out: they add nothing to the first objective and only distance to the second.
//
// The model goes to HiGHS as typed arrays (compressed columns) rather than LP text: nothing to format or parse,
// no string length limit, and the second solve reuses the first model and its basis. HiGHS runs here as
// WebAssembly with at most 2 GiB, which is what limits the size: about 2 million columns (patient–offer pairs)
// per specialty. Importing this module does nothing; the solver loads on the first call.
import type { Highs, OptionValue } from 'highs';
import { kmBetween, prepare } from '../src/domain/distance.ts';
import type { MatchAssignment, MatchInstance, MatchOffer } from '../src/domain/optimal-assignment.ts';
import { accepts } from './matching-instance.ts';

export interface LpOptimum {
  /** Of the answer's assignments; equal to the LP's objective values when the answer is integral. */
  waitWeeks: number;
  distanceKm: number;
  matched: number;
  assignments: MatchAssignment[];
  /** The objective values HiGHS reported: W* of the first solve, the least distance of the second. */
  lp: { waitWeeks: number; distanceKm: number };
  /** The largest distance of any x from 0 or 1; 0 for an integral answer. */
  maxFractional: number;
  size: { columns: number; rows: number; pools: number };
  seconds: { build: number; waitSolve: number; distanceSolve: number };
}

export interface LpOptions {
  /** Per solve; HiGHS stops there and solveOptimum throws. */
  timeLimitSeconds?: number;
  /** HiGHS's own log on stderr. */
  verbose?: boolean;
  /** Passed to HiGHS as they are (e.g. `{ solver: 'ipm' }`). */
  highsOptions?: Record<string, OptionValue>;
  /** Called after each specialty's LP, for progress lines. */
  onSpecialty?: (specialty: string, figures: { columns: number; rows: number; seconds: LpOptimum['seconds'] }) => void;
}

export class LpFailure extends Error {
  override name = 'LpFailure';
}

let runtime: Promise<Highs> | undefined;
/** The WebAssembly module is loaded once, on first use. */
function highs(): Promise<Highs> {
  runtime ??= import('highs').then((m) => {
    // Node loads the ES build, whose default export is the loader; the types describe the CommonJS build's.
    type Loader = typeof m.default.default;
    const exported = m.default as unknown as Loader | { default: Loader };
    return (typeof exported === 'function' ? exported : exported.default)();
  });
  return runtime;
}

/** Interchangeable offers: same specialty, place and age limits. */
function poolsOf(offers: readonly MatchOffer[]): Pool[] {
  const pools = new Map<string, Pool>();
  offers.forEach((offer, o) => {
    if (offer.capacity <= 0) return;
    const key = `${offer.specialty}|${offer.latitude}|${offer.longitude}|${offer.minAge}|${offer.maxAge}`;
    const pool = pools.get(key);
    if (pool) {
      pool.members.push(o);
      pool.capacity += offer.capacity;
    } else pools.set(key, { offer, members: [o], capacity: offer.capacity });
  });
  return [...pools.values()];
}

const MODEL_OPTIMAL = 7;
const STATUS_NAMES: Record<number, string> = {
  8: 'infeasible', 9: 'unbounded or infeasible', 10: 'unbounded', 13: 'time limit reached', 14: 'iteration limit reached',
  15: 'unknown', 17: 'interrupted', 4: 'solve error',
};

export async function solveOptimum(instance: MatchInstance, options: LpOptions = {}): Promise<LpOptimum> {
  const pools = poolsOf(instance.offers);
  const patientsBySpecialty = new Map<string, number[]>();
  instance.patients.forEach((patient, p) => {
    if (!(patient.waitWeeks > 0)) return;
    let list = patientsBySpecialty.get(patient.specialty);
    if (!list) patientsBySpecialty.set(patient.specialty, (list = []));
    list.push(p);
  });
  const offerOf = new Int32Array(instance.patients.length).fill(-1);
  const kmOf = new Float64Array(instance.patients.length);
  const total: LpOptimum = {
    waitWeeks: 0, distanceKm: 0, matched: 0, assignments: [], lp: { waitWeeks: 0, distanceKm: 0 }, maxFractional: 0,
    size: { columns: 0, rows: 0, pools: pools.length }, seconds: { build: 0, waitSolve: 0, distanceSolve: 0 },
  };
  // Specialties share no offer, so the optimum is the sum of one LP per specialty, each far smaller than the whole.
  const specialties = [...new Set(pools.map((pool) => pool.offer.specialty))].sort();
  for (const specialty of specialties) {
    const patients = patientsBySpecialty.get(specialty);
    if (!patients) continue;
    const part = await solveSpecialty(instance, patients, pools.filter((pool) => pool.offer.specialty === specialty), options);
    options.onSpecialty?.(specialty, { columns: part.columns, rows: part.rows, seconds: part.seconds });
    for (let i = 0; i < part.patient.length; i++) {
      offerOf[part.patient[i]!] = part.offer[i]!;
      kmOf[part.patient[i]!] = part.km[i]!;
    }
    total.lp.waitWeeks += part.lpWait;
    total.lp.distanceKm += part.lpKm;
    total.maxFractional = Math.max(total.maxFractional, part.maxFractional);
    total.size.columns += part.columns;
    total.size.rows += part.rows;
    total.seconds.build += part.seconds.build;
    total.seconds.waitSolve += part.seconds.waitSolve;
    total.seconds.distanceSolve += part.seconds.distanceSolve;
  }
  instance.patients.forEach((patient, p) => {
    if (offerOf[p]! < 0) return;
    total.assignments.push({ patientId: patient.id, offerId: instance.offers[offerOf[p]!]!.id, distanceKm: kmOf[p]! });
    total.waitWeeks += patient.waitWeeks;
    total.distanceKm += kmOf[p]!;
  });
  total.matched = total.assignments.length;
  return total;
}

interface Pool {
  offer: MatchOffer;
  members: number[];
  capacity: number;
}

/** Reduced costs and duals this far from 0 are taken as 0 (waits of whole days make real ones at least 1/7). */
const DUAL_TOLERANCE = 1e-6;

async function solveSpecialty(instance: MatchInstance, patients: readonly number[], pools: readonly Pool[], options: LpOptions) {
  const t0 = performance.now();
  const points = pools.map((pool) => prepare(pool.offer));
  // Columns in patient order: for column j, its patient, pool and km.
  let colPatient = new Int32Array(1 << 16);
  let colPool = new Int32Array(colPatient.length);
  let colKm = new Float64Array(colPatient.length);
  let columns = 0;
  let patientRows = 0;
  const rowOfColumn: number[] = [];
  for (const p of patients) {
    const patient = instance.patients[p]!;
    const from = prepare(patient);
    const first = columns;
    pools.forEach((pool, k) => {
      const to = points[k]!;
      const km = kmBetween(from, to.lat, to.lng, to.cosLat);
      if (!accepts(pool.offer, patient, km)) return;
      if (columns === colPatient.length) {
        colPatient = grow(colPatient, new Int32Array(columns * 2));
        colPool = grow(colPool, new Int32Array(columns * 2));
        colKm = grow(colKm, new Float64Array(columns * 2));
      }
      colPatient[columns] = p;
      colPool[columns] = k;
      colKm[columns] = km;
      rowOfColumn.push(patientRows);
      columns++;
    });
    if (columns > first) patientRows++;
  }
  const rows = patientRows + pools.length;
  const answer = {
    patient: [] as number[], offer: [] as number[], km: [] as number[], lpWait: 0, lpKm: 0, maxFractional: 0, columns, rows,
    seconds: { build: (performance.now() - t0) / 1000, waitSolve: 0, distanceSolve: 0 },
  };
  if (columns === 0) return answer;

  const starts = new Int32Array(columns + 1);
  const indices = new Int32Array(2 * columns);
  const wait = new Float64Array(columns);
  for (let j = 0; j < columns; j++) {
    starts[j + 1] = 2 * (j + 1);
    indices[2 * j] = rowOfColumn[j]!;
    indices[2 * j + 1] = patientRows + colPool[j]!;
    wait[j] = instance.patients[colPatient[j]!]!.waitWeeks;
  }
  const rowUpper = new Float64Array(rows).fill(1);
  pools.forEach((pool, k) => (rowUpper[patientRows + k] = pool.capacity));

  const solver = await highs();
  const model = solver.createModel({
    numCols: columns,
    numRows: rows,
    sense: solver.constants.objectiveSense.maximize,
    colCost: wait,
    colLower: new Float64Array(columns),
    colUpper: new Float64Array(columns).fill(1),
    rowLower: new Float64Array(rows).fill(-solver.infinity),
    rowUpper,
    matrix: { format: 'csc', numRows: rows, numCols: columns, starts, indices, values: new Float64Array(2 * columns).fill(1) },
  });
  try {
    model.options.set({
      output_flag: options.verbose ?? false,
      // Presolve finds next to nothing to remove from a b-matching, and its copy of the model is what makes the
      // larger specialties overflow WebAssembly's 2 GiB (with it, 1.8 million columns fail; without, 2 million solve).
      presolve: 'off',
      ...(options.timeLimitSeconds ? { time_limit: options.timeLimitSeconds } : {}),
      ...options.highsOptions,
    });
    const solve = (what: string) => {
      const started = performance.now();
      model.zeroAllClocks(); // the time limit is per solve
      const { modelStatus } = model.run();
      if (modelStatus !== MODEL_OPTIMAL) {
        throw new LpFailure(`${what}: HiGHS stopped with status ${modelStatus} (${STATUS_NAMES[modelStatus] ?? 'not optimal'}) after ${secs(started)} s`);
      }
      return (performance.now() - started) / 1000;
    };

    answer.seconds.waitSolve = solve('maximising waitWeeks');
    answer.lpWait = model.getObjectiveValue();

    // Every optimal x meets complementary slackness with this optimal dual: a column of non-zero reduced cost
    // stays at its bound and a row of non-zero dual stays tight. Fixing those leaves exactly the optimal face.
    const first = model.getSolution();
    const lower = new Float64Array(columns);
    const upper = new Float64Array(columns).fill(1);
    for (let j = 0; j < columns; j++) {
      if (Math.abs(first.colDual[j]!) <= DUAL_TOLERANCE) continue;
      lower[j] = upper[j] = Math.round(first.colValue[j]!);
    }
    const rowLower = new Float64Array(rows).fill(-solver.infinity);
    for (let i = 0; i < rows; i++) if (Math.abs(first.rowDual[i]!) > DUAL_TOLERANCE) rowLower[i] = rowUpper[i]!;
    model.changeColsBounds({ kind: 'range', from: 0, to: columns - 1 }, lower, upper);
    model.changeRowsBounds({ kind: 'range', from: 0, to: rows - 1 }, rowLower, rowUpper);
    model.changeColsCost({ kind: 'range', from: 0, to: columns - 1 }, colKm.subarray(0, columns));
    model.changeObjectiveSense(solver.constants.objectiveSense.minimize);
    answer.seconds.distanceSolve = solve('minimising distance at that waitWeeks');
    answer.lpKm = model.getObjectiveValue();
    const x = model.getSolution().colValue;

    // Each pool's patients go to its offers in order, filling each before the next.
    const used = pools.map(() => ({ member: 0, load: 0 }));
    let waitAfter = 0;
    for (let j = 0; j < columns; j++) {
      const v = x[j]!;
      answer.maxFractional = Math.max(answer.maxFractional, Math.min(Math.abs(v), Math.abs(1 - v)));
      if (v <= 0.5) continue;
      const pool = pools[colPool[j]!]!;
      const u = used[colPool[j]!]!;
      while (u.load >= instance.offers[pool.members[u.member]!]!.capacity) {
        if (++u.member === pool.members.length) throw new LpFailure(`the LP answer puts more patients in a pool than it has places (x = ${v})`);
        u.load = 0;
      }
      u.load++;
      answer.patient.push(colPatient[j]!);
      answer.offer.push(pool.members[u.member]!);
      answer.km.push(colKm[j]!);
      waitAfter += wait[j]!;
    }
    // The safety net under the fixing: the second answer must still reach W*.
    if (Math.abs(waitAfter - answer.lpWait) > 1e-6 * Math.max(1, answer.lpWait)) {
      throw new LpFailure(`minimising distance lost waitWeeks: ${waitAfter} after, ${answer.lpWait} before`);
    }
    return answer;
  } finally {
    model.dispose();
  }
}

const secs = (since: number) => ((performance.now() - since) / 1000).toFixed(1);

function grow<T extends Int32Array | Float64Array>(from: T, to: T): T {
  to.set(from);
  return to;
}
