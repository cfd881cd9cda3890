// A deterministic synthetic history of an ICB's referrals, for testing the detector: a seeded PRNG (mulberry32), so
// the same seed always makes the same history. Without a plant, every practice refers in a specialty by the same
// ICB-wide preferences between its providers (the detector's null hypothesis holds everywhere); a plant makes one
// practice send `share` of its referrals in one specialty to one provider from a given week.
import type { ReferralFact } from './detect.ts';

/** mulberry32: a small, fast 32-bit PRNG with a good spread; returns numbers in [0, 1). */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface Plant {
  practice: string;
  specialty: string;
  provider: string;
  /** the first day the practice refers this way, YYYY-MM-DD */
  fromDate: string;
  /** the share of its referrals in the specialty that go to the provider from then */
  share: number;
}

export interface HistoryOptions {
  seed: number;
  /** the first day, YYYY-MM-DD, and how many days */
  from: string;
  days: number;
  practices: number;
  specialties: number;
  /** providers in each specialty */
  providers: number;
  /** each practice's referrals in each specialty over the whole history: uniform between these */
  referralsPerPracticeSpecialty: [number, number];
  plants?: Plant[];
}

export const practiceCode = (i: number) => `P${String(i).padStart(5, '0')}`;
export const specialtyCode = (i: number) => String(100 + i * 10);
export const providerCode = (i: number) => `R${String.fromCharCode(65 + Math.floor(i / 26))}${String.fromCharCode(65 + (i % 26))}`;

const DAY_MS = 86_400_000;
const addDays = (date: string, days: number) => new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);

/** The history: one fact per referral, in no particular order. */
export function syntheticHistory(o: HistoryOptions): ReferralFact[] {
  const random = mulberry32(o.seed);
  const facts: ReferralFact[] = [];
  for (let s = 0; s < o.specialties; s++) {
    const specialty = specialtyCode(s);
    // The ICB's preferences: one or two big providers and a tail, as in real specialties.
    const weights = Array.from({ length: o.providers }, (_, i) => (i === 0 ? 4 : i === 1 ? 2 : 0.2 + random()));
    const total = weights.reduce((a, b) => a + b, 0);
    const cumulative = weights.map(((sum) => (w: number) => (sum += w / total))(0));
    const pick = () => {
      const u = random();
      const i = cumulative.findIndex((c) => u < c);
      return providerCode(i < 0 ? o.providers - 1 : i);
    };
    for (let p = 0; p < o.practices; p++) {
      const practice = practiceCode(p);
      const [lo, hi] = o.referralsPerPracticeSpecialty;
      const n = lo + Math.floor(random() * (hi - lo + 1));
      const plant = o.plants?.find((x) => x.practice === practice && x.specialty === specialty);
      for (let r = 0; r < n; r++) {
        const madeOn = addDays(o.from, Math.floor(random() * o.days));
        const planted = plant && madeOn >= plant.fromDate && random() < plant.share;
        facts.push({ practice, specialty, provider: planted ? plant.provider : pick(), madeOn });
      }
    }
  }
  return facts;
}
