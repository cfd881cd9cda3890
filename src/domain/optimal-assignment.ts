// The matching engine: the optimal assignment of long-waiting patients to offered capacity. Pure code, no I/O.
//
// Feasible: each patient at most once, an offer never above its capacity, same specialty, distance within the
// patient's limit, age within the offer's limits. Best, in this order: the largest total waitWeeks of the
// patients matched, then the least total distance (api.md, "Matching engine, offline").
//
// The answer is exact, not a heuristic. It is the min-cost flow of a network source → patient → offer → sink whose
// patient edges cost −M·waitWeeks + km with M large enough that any wait outweighs any distance. Successive
// shortest paths solves that network, and with such costs the shortest path always starts at the longest waiters
// who can still be placed, so the engine takes patients in groups of equal wait, longest first, and adds each
// group by shortest augmenting paths measured in km. Two facts keep it fast:
//   - Patients are not graph nodes. A patient q placed at offer a who could go to offer b is an edge a → b of cost
//     km(q,b) − km(q,a); per pair of offers a heap holds those edges, so Dijkstra runs on the few offers of one
//     specialty, with Johnson potentials keeping reduced costs non-negative.
//   - When no augmenting path exists, every offer the search reached is full and can only reach full offers, and
//     that stays true for good (a later path can never pass through them). They are marked closed, so patients
//     who could only go there are refused without a search.
// Waits of exactly 0 are never matched: moving such a patient adds travel without any wait to set against it.
import { kmBetween, prepare } from './distance.ts';

export interface MatchPatient {
  id: string;
  specialty: string;
  latitude: number;
  longitude: number;
  waitWeeks: number;
  /** null: anywhere */
  maxTravelKm: number | null;
  /** null: not known, so only offers without age limits take the patient */
  age: number | null;
  /** the provider the patient waits at now; an offer from the same provider is no move at all */
  provider?: string;
}

export interface MatchOffer {
  id: string;
  specialty: string;
  latitude: number;
  longitude: number;
  capacity: number;
  minAge: number | null;
  maxAge: number | null;
  provider?: string;
}

export interface MatchInstance {
  patients: readonly MatchPatient[];
  offers: readonly MatchOffer[];
}

export interface MatchAssignment {
  patientId: string;
  offerId: string;
  distanceKm: number;
}

export interface MatchResult {
  /** in the order the patients were given */
  assignments: MatchAssignment[];
  unmatched: string[];
  totals: { matched: number; waitWeeksMatched: number; distanceKm: number };
}

/** Whether a patient may go to an offer, leaving distance aside. */
export function offerAccepts(offer: MatchOffer, patient: MatchPatient): boolean {
  if (offer.specialty !== patient.specialty) return false;
  if (offer.provider !== undefined && offer.provider === patient.provider) return false;
  if (offer.minAge !== null && (patient.age === null || patient.age < offer.minAge)) return false;
  if (offer.maxAge !== null && (patient.age === null || patient.age > offer.maxAge)) return false;
  return true;
}

export function withinTravel(patient: MatchPatient, km: number): boolean {
  return patient.maxTravelKm === null || km <= patient.maxTravelKm;
}

export function matchPatients(instance: MatchInstance): MatchResult {
  const offerOf = new Int32Array(instance.patients.length).fill(-1);
  const kmOf = new Float64Array(instance.patients.length);
  for (const [specialty, group] of groupBySpecialty(instance)) {
    void specialty;
    matchSpecialty(instance, group.patients, group.offers, offerOf, kmOf);
  }
  const assignments: MatchAssignment[] = [];
  const unmatched: string[] = [];
  let waitWeeksMatched = 0;
  let distanceKm = 0;
  instance.patients.forEach((patient, p) => {
    const o = offerOf[p]!;
    if (o < 0) {
      unmatched.push(patient.id);
      return;
    }
    assignments.push({ patientId: patient.id, offerId: instance.offers[o]!.id, distanceKm: kmOf[p]! });
    waitWeeksMatched += patient.waitWeeks;
    distanceKm += kmOf[p]!;
  });
  return { assignments, unmatched, totals: { matched: assignments.length, waitWeeksMatched, distanceKm } };
}

function groupBySpecialty(instance: MatchInstance) {
  const groups = new Map<string, { patients: number[]; offers: number[] }>();
  const groupFor = (specialty: string) => {
    let group = groups.get(specialty);
    if (!group) groups.set(specialty, (group = { patients: [], offers: [] }));
    return group;
  };
  instance.offers.forEach((offer, o) => {
    if (offer.capacity > 0) groupFor(offer.specialty).offers.push(o);
  });
  instance.patients.forEach((patient, p) => {
    if (patient.waitWeeks > 0 && groups.has(patient.specialty)) groupFor(patient.specialty).patients.push(p);
  });
  return groups;
}

/** The offers a patient may go to, in compressed rows: for patient i, entries start[i] .. start[i+1]. */
interface Adjacency {
  start: Int32Array;
  offer: Int32Array; // local offer index
  km: Float64Array;
}

function feasibleOffers(instance: MatchInstance, patients: readonly number[], offers: readonly number[]): Adjacency {
  const prepared = offers.map((o) => prepare(instance.offers[o]!));
  const start = new Int32Array(patients.length + 1);
  let offer: Int32Array = new Int32Array(Math.max(16, patients.length * 4));
  let km: Float64Array = new Float64Array(offer.length);
  let size = 0;
  patients.forEach((p, i) => {
    const patient = instance.patients[p]!;
    const from = prepare(patient);
    start[i] = size;
    offers.forEach((o, local) => {
      if (!offerAccepts(instance.offers[o]!, patient)) return;
      const to = prepared[local]!;
      const distance = kmBetween(from, to.lat, to.lng, to.cosLat);
      if (!withinTravel(patient, distance)) return;
      if (size === offer.length) {
        offer = grow(offer, size * 2);
        km = grow(km, size * 2);
      }
      offer[size] = local;
      km[size] = distance;
      size++;
    });
  });
  start[patients.length] = size;
  return { start, offer, km };
}

function grow(array: Int32Array, length: number): Int32Array;
function grow(array: Float64Array, length: number): Float64Array;
function grow(array: Int32Array | Float64Array, length: number): Int32Array | Float64Array {
  const bigger = array instanceof Int32Array ? new Int32Array(length) : new Float64Array(length);
  bigger.set(array);
  return bigger;
}

/** A min-heap of (key, item) pairs in typed arrays. Entries go stale rather than being removed. */
class Heap {
  keys: Float64Array = new Float64Array(8);
  items: Int32Array = new Int32Array(8);
  size = 0;

  push(key: number, item: number): void {
    if (this.size === this.keys.length) {
      this.keys = grow(this.keys, this.size * 2);
      this.items = grow(this.items, this.size * 2);
    }
    let i = this.size++;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (this.keys[parent]! <= key) break;
      this.keys[i] = this.keys[parent]!;
      this.items[i] = this.items[parent]!;
      i = parent;
    }
    this.keys[i] = key;
    this.items[i] = item;
  }

  pop(): void {
    const last = --this.size;
    if (last === 0) return;
    const key = this.keys[last]!;
    const item = this.items[last]!;
    let i = 0;
    for (;;) {
      let child = 2 * i + 1;
      if (child >= last) break;
      if (child + 1 < last && this.keys[child + 1]! < this.keys[child]!) child++;
      if (this.keys[child]! >= key) break;
      this.keys[i] = this.keys[child]!;
      this.items[i] = this.items[child]!;
      i = child;
    }
    this.keys[i] = key;
    this.items[i] = item;
  }
}

const NONE = -1;
const FROM_SOURCE = -2;

function matchSpecialty(
  instance: MatchInstance,
  patients: number[],
  offers: readonly number[],
  offerOf: Int32Array,
  kmOf: Float64Array,
): void {
  // Longest waiters first; ties keep the input order so the answer is repeatable.
  patients.sort((a, b) => instance.patients[b]!.waitWeeks - instance.patients[a]!.waitWeeks || a - b);
  const adjacency = feasibleOffers(instance, patients, offers);
  const k = offers.length;
  const sink = k;
  const capacity = Int32Array.from(offers, (o) => instance.offers[o]!.capacity);
  const load = new Int32Array(k);
  const closed = new Uint8Array(k);
  const potential = new Float64Array(k + 1);
  const placedAt = new Int32Array(patients.length).fill(NONE); // local offer, by local patient index
  const placedKm = new Float64Array(patients.length);
  // moveHeaps[a * k + b]: patients placed at a who could go to b, keyed by km(q,b) − km(q,a).
  const moveHeaps: (Heap | undefined)[] = new Array(k * k);
  // movesFrom[a]: the offers b with a heap a → b, so a search need not look at every pair.
  const movesFrom: number[][] = Array.from({ length: k }, () => []);
  // The top of each heap, cached in flat arrays: a search reads these, and goes to the heap only when the cached
  // patient has left a since (a patient who returns to a brings back the same key, so the cache stays right).
  const bestKey = new Float64Array(k * k).fill(Infinity);
  const bestMove = new Int32Array(k * k).fill(NONE);

  const place = (q: number, a: number, km: number) => {
    placedAt[q] = a;
    placedKm[q] = km;
    for (let e = adjacency.start[q]!; e < adjacency.start[q + 1]!; e++) {
      const b = adjacency.offer[e]!;
      if (b === a || closed[b]) continue;
      const pair = a * k + b;
      let heap = moveHeaps[pair];
      if (!heap) {
        moveHeaps[pair] = heap = new Heap();
        movesFrom[a]!.push(b);
      }
      const key = adjacency.km[e]! - km;
      heap.push(key, q);
      const cached = bestMove[pair]!;
      if (cached !== NONE && placedAt[cached] !== a) {
        // The cached top has left: take the heap's true top, this entry included.
        while (placedAt[heap.items[0]!] !== a) heap.pop();
        bestKey[pair] = heap.keys[0]!;
        bestMove[pair] = heap.items[0]!;
      } else if (key < bestKey[pair]!) {
        bestKey[pair] = key;
        bestMove[pair] = q;
      }
    }
  };
  // Dijkstra state over the k offers and the sink.
  const label = new Float64Array(k + 1);
  const settled = new Uint8Array(k + 1);
  const predOffer = new Int32Array(k + 1);
  const predPatient = new Int32Array(k + 1);
  const queue = new Heap();

  // Per group: for each offer, the group's patients who could go there, nearest first.
  let groupEntryOffer = new Int32Array(64);
  let groupEntryKm = new Float64Array(64);
  let groupEntryPatient = new Int32Array(64);
  const sourceStart = new Int32Array(k + 1);
  const sourceCursor = new Int32Array(k);
  const inGroup = new Uint8Array(patients.length);

  let first = 0;
  while (first < patients.length) {
    const wait = instance.patients[patients[first]!]!.waitWeeks;
    let end = first;
    while (end < patients.length && instance.patients[patients[end]!]!.waitWeeks === wait) end++;

    // Gather the group's edges to offers that are not closed, counting-sorted by offer, then by km within each.
    let entries = 0;
    sourceStart.fill(0);
    for (let i = first; i < end; i++) {
      for (let e = adjacency.start[i]!; e < adjacency.start[i + 1]!; e++) {
        if (closed[adjacency.offer[e]!]) continue;
        sourceStart[adjacency.offer[e]! + 1]!++;
        entries++;
      }
    }
    if (entries === 0) {
      first = end;
      continue;
    }
    if (entries > groupEntryOffer.length) {
      groupEntryOffer = new Int32Array(entries * 2);
      groupEntryKm = new Float64Array(entries * 2);
      groupEntryPatient = new Int32Array(entries * 2);
    }
    for (let o = 0; o < k; o++) sourceStart[o + 1]! += sourceStart[o]!;
    sourceCursor.set(sourceStart.subarray(0, k));
    for (let i = first; i < end; i++) {
      inGroup[i] = 1;
      for (let e = adjacency.start[i]!; e < adjacency.start[i + 1]!; e++) {
        const o = adjacency.offer[e]!;
        if (closed[o]) continue;
        const slot = sourceCursor[o]!++;
        groupEntryOffer[slot] = o;
        groupEntryKm[slot] = adjacency.km[e]!;
        groupEntryPatient[slot] = i;
      }
    }
    for (let o = 0; o < k; o++) sortRange(groupEntryKm, groupEntryPatient, sourceStart[o]!, sourceStart[o + 1]!);
    sourceCursor.set(sourceStart.subarray(0, k));

    // Add the group one shortest augmenting path at a time.
    for (;;) {
      label.fill(Infinity);
      settled.fill(0);
      queue.size = 0;
      let anySource = false;
      for (let o = 0; o < k; o++) {
        if (closed[o]) continue;
        let c = sourceCursor[o]!;
        while (c < sourceStart[o + 1]! && !inGroup[groupEntryPatient[c]!]) c++;
        sourceCursor[o] = c;
        if (c === sourceStart[o + 1]!) continue;
        label[o] = groupEntryKm[c]! - potential[o]!;
        predOffer[o] = FROM_SOURCE;
        predPatient[o] = groupEntryPatient[c]!;
        queue.push(label[o]!, o);
        anySource = true;
      }
      if (!anySource) break;

      let reached = false;
      while (queue.size > 0) {
        const u = queue.items[0]!;
        const du = queue.keys[0]!;
        queue.pop();
        if (settled[u] || du > label[u]!) continue;
        settled[u] = 1;
        if (u === sink) {
          reached = true;
          break;
        }
        if (load[u]! < capacity[u]!) {
          const candidate = du + potential[u]! - potential[sink]!;
          if (candidate < label[sink]!) {
            label[sink] = candidate;
            predOffer[sink] = u;
            predPatient[sink] = NONE;
            queue.push(candidate, sink);
          }
        }
        const targets = movesFrom[u]!;
        for (let t = 0; t < targets.length; t++) {
          const b = targets[t]!;
          if (settled[b] || closed[b]) continue;
          const pair = u * k + b;
          let q = bestMove[pair]!;
          if (q === NONE) continue;
          if (placedAt[q] !== u) {
            const heap = moveHeaps[pair]!;
            while (heap.size > 0 && placedAt[heap.items[0]!] !== u) heap.pop();
            if (heap.size === 0) {
              bestMove[pair] = NONE;
              bestKey[pair] = Infinity;
              continue;
            }
            q = bestMove[pair] = heap.items[0]!;
            bestKey[pair] = heap.keys[0]!;
          }
          const reduced = bestKey[pair]! + potential[u]! - potential[b]!;
          const candidate = du + Math.max(0, reduced); // rounding can leave −1e-12; the true value is ≥ 0
          if (candidate < label[b]!) {
            label[b] = candidate;
            predOffer[b] = u;
            predPatient[b] = q;
            queue.push(candidate, b);
          }
        }
      }

      if (!reached) {
        // Everything the group can reach is full, and stays full: close it and give up on the rest of the group.
        for (let o = 0; o < k; o++) if (settled[o]) closed[o] = 1;
        break;
      }

      const limit = label[sink]!;
      for (let v = 0; v <= k; v++) potential[v]! += Math.min(label[v]!, limit);

      // Walk back from the sink: each step moves one placed patient on; the first step places the new patient.
      const free = predOffer[sink]!;
      load[free]!++;
      let to = free;
      for (;;) {
        const from = predOffer[to]!;
        const q = predPatient[to]!;
        place(q, to, kmTo(adjacency, q, to));
        if (from === FROM_SOURCE) {
          inGroup[q] = 0;
          break;
        }
        to = from;
      }
    }
    for (let i = first; i < end; i++) inGroup[i] = 0;
    first = end;
  }

  for (let i = 0; i < patients.length; i++) {
    if (placedAt[i] === NONE) continue;
    offerOf[patients[i]!] = offers[placedAt[i]!]!;
    kmOf[patients[i]!] = placedKm[i]!;
  }
}

function kmTo(adjacency: Adjacency, q: number, offer: number): number {
  for (let e = adjacency.start[q]!; e < adjacency.start[q + 1]!; e++) if (adjacency.offer[e] === offer) return adjacency.km[e]!;
  throw new Error('matching: a move to an offer the patient cannot reach');
}

/** Sorts entries [from, to) by km, carrying the patient along (insertion sort for short runs, else via an index). */
function sortRange(km: Float64Array, patient: Int32Array, from: number, to: number): void {
  const length = to - from;
  if (length < 2) return;
  if (length <= 16) {
    for (let i = from + 1; i < to; i++) {
      const key = km[i]!;
      const item = patient[i]!;
      let j = i - 1;
      while (j >= from && (km[j]! > key || (km[j] === key && patient[j]! > item))) {
        km[j + 1] = km[j]!;
        patient[j + 1] = patient[j]!;
        j--;
      }
      km[j + 1] = key;
      patient[j + 1] = item;
    }
    return;
  }
  const order = Array.from({ length }, (_, i) => from + i);
  order.sort((a, b) => km[a]! - km[b]! || patient[a]! - patient[b]!);
  const sortedKm = order.map((i) => km[i]!);
  const sortedPatient = order.map((i) => patient[i]!);
  km.set(sortedKm, from);
  patient.set(sortedPatient, from);
}
