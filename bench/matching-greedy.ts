// The naive baseline the engine must beat: the longest waiter takes the nearest offer that may have them and has
// room, then the next longest, and so on. It never moves anyone once placed, so a long waiter can take the one
// place a slightly shorter waiter could have used while having a place of their own further away.
import { kmBetween, prepare } from '../src/domain/distance.ts';
import type { MatchAssignment, MatchInstance, MatchResult } from '../src/domain/optimal-assignment.ts';
import { accepts } from './matching-instance.ts';

export function greedyMatch(instance: MatchInstance): MatchResult {
  const bySpecialty = new Map<string, number[]>();
  instance.offers.forEach((offer, o) => {
    if (offer.capacity <= 0) return;
    let list = bySpecialty.get(offer.specialty);
    if (!list) bySpecialty.set(offer.specialty, (list = []));
    list.push(o);
  });
  const points = instance.offers.map(prepare);
  const room = Int32Array.from(instance.offers, (o) => o.capacity);

  // Longest waiters first; equal waits keep the input order.
  const order = Array.from(instance.patients.keys()).sort((a, b) => instance.patients[b]!.waitWeeks - instance.patients[a]!.waitWeeks || a - b);
  const offerOf = new Int32Array(instance.patients.length).fill(-1);
  const kmOf = new Float64Array(instance.patients.length);
  for (const p of order) {
    const patient = instance.patients[p]!;
    const candidates = bySpecialty.get(patient.specialty);
    if (!candidates) continue;
    const from = prepare(patient);
    let best = -1;
    let bestKm = Infinity;
    for (const o of candidates) {
      if (room[o] === 0) continue;
      const to = points[o]!;
      const km = kmBetween(from, to.lat, to.lng, to.cosLat);
      if (km < bestKm && accepts(instance.offers[o]!, patient, km)) {
        best = o;
        bestKm = km;
      }
    }
    if (best < 0) continue;
    room[best]!--;
    offerOf[p] = best;
    kmOf[p] = bestKm;
  }

  const assignments: MatchAssignment[] = [];
  const unmatched: string[] = [];
  let waitWeeksMatched = 0;
  let distanceKm = 0;
  instance.patients.forEach((patient, p) => {
    if (offerOf[p]! < 0) {
      unmatched.push(patient.id);
      return;
    }
    assignments.push({ patientId: patient.id, offerId: instance.offers[offerOf[p]!]!.id, distanceKm: kmOf[p]! });
    waitWeeksMatched += patient.waitWeeks;
    distanceKm += kmOf[p]!;
  });
  return { assignments, unmatched, totals: { matched: assignments.length, waitWeeksMatched, distanceKm } };
}
