// Demo only: a year of invented referral history for the practices of NHS West Yorkshire ICB (QWO), so that the
// commissioner's measures of choice have something to measure on a fresh `npm start`. A generative model over the
// real directory (services, their sites' positions and waits) and the ICB's real GP practices (their postcodes'
// positions). Pure: inputs in, rows out, no I/O and no clock; the same seed, `now` and inputs give the same rows.
// The loader (./load-referral-history.ts) reads the inputs and writes the rows.
//
// THE MODEL, stated (each constant below is the number the README quotes):
// - Period: the 52 full weeks (Monday to Sunday, London) before the week of `now`. Referrals are made on weekdays
//   (a day drawn uniformly from Monday to Friday) at a minute drawn uniformly from 08:00 to 17:59.
// - Volume: each practice makes a Poisson number of referrals a week with mean WEEKLY_RATE (the ODS extract has no
//   list sizes, so every practice counts the same), except the practice of planted pattern (a), a large practice
//   at LARGE_PRACTICE_FACTOR times the rate, in the planted and the unplanted history alike. Hyde Park Surgery
//   (B86025, the demo referrer's practice) makes none, so the demo referrer's worklist stays as the other demos
//   leave it. `weeklyRate` scales the whole (the benchmark's million).
// - Specialty: drawn in proportion to the incomplete RTT pathways of the ICB's providers in that treatment function
//   (rtt_wait), among the specialties with services in the directory.
// - Priority: routine 80%, urgent 15%, two-week wait 5%. On paper (received_via PAPER): 3%.
// - Triage: a referral in a specialty of a demo referral assessment service (trauma and orthopaedics,
//   rheumatology, ophthalmology) goes through the demo referral centre (DEMO-RMC) with probability TRIAGE_SHARE; the
//   centre triages it 1 to 10 days later as needing a consultant and offers the shortlist.
// - Shortlist: the engine's BALANCED ranking (src/domain/ranking.ts: wait in weeks + miles / 10, lower first) over
//   the active, accredited services of the specialty within 80 km of the practice; a service with no published
//   wait counts as UNKNOWN_WAIT_WEEKS. Five options, unless fewer are within reach (coded FEWER_WITHIN_REACH), or,
//   with probability SHORT_SHARE, 1 to 4 for a reason drawn from SHORT_REASONS (REFERRER_CHOSE: 1 or 2 options).
// - Choice: the service chosen from the shortlist with probability proportional to
//   exp(-wait weeks / WAIT_SCALE_WEEKS - km / DISTANCE_SCALE_KM). The patient chose (patient_chose) with probability
//   PATIENT_CHOSE_SHARE, never when the referrer chose the shortlist.
// - Booking: 0 to 2 days after the options are offered; by the patient online (booked_by_patient) with probability
//   BOOKED_BY_PATIENT_SHARE of those who chose a directly bookable service, else by staff. With probability
//   SLOT_ISSUE_SHARE no slot was free: the patient deferred to the provider (DEFERRED_TO_PROVIDER), who booked them
//   2 to 10 days later. The appointment is 1 to 28 days after booking, never later than yesterday, in a slot made
//   for it (so no past slot is ever free). Then the provider accepted it (ACCEPTED) 1 to 5 days after booking, or
//   with probability REJECTED_SHARE rejected it (REJECTED, the appointment cancelled and its slot withdrawn, a
//   reason from REJECTION_MIX). Nothing is left on a worklist: no AWAITING_TRIAGE, BOOKED or DEFERRED_TO_PROVIDER.
// - Patients: invented. NHS numbers in the 999 test range (999 + a serial from 700000, the check digit valid),
//   names from short lists, born 1940 to 2005, living at their practice's postcode.
// - Randomness: each practice-week's count and each referral draw from streams of their own (sfc32 seeded from a
//   hash of the seed and the practice, week and referral), so `planted: false` changes only what the patterns touch
//   (and, through them, the minute of some slots).
//   Slot and appointment ids are UUIDs made from the referral's serial.
// - UBRNs begin with 0: src/domain/ubrn.ts never draws a leading zero, so no real referral can take one.
//   '0' + the referral's serial in 11 digits. The access code hash is 64 random hex digits: a hash of nothing, so
//   nobody can sign in as these patients. Made by the demo referrer's account (nothing reads created_by).
//
// PLANTED PATTERNS (PLANTED_PATTERNS below; `planted: false` gives the same history without them):
// (a) From the first day of the month 6 months before `now`, Burton Croft Surgery (B86030, Leeds LS6) sends 75% of
//     its trauma and orthopaedics (110) referrals to Spire Elland Hospital (NT348, service NT348-110, independent
//     sector, 20 km away; put on the shortlist in place of the fifth option when the ranking left it off), against
//     its natural share before (about none: nearer services with shorter waits win).
// (b) For 6 weeks, from the Monday 20 weeks before the week of `now`, every ICB shortlist of 5 is cut to 1 to 4
//     options with probability 45% (half FEWER_WITHIN_REACH, half REFERRER_CHOSE), against SHORT_SHARE otherwise.
import { haversineKm, kmToMiles } from '../domain/distance.ts';
import { nhsNumberCheckDigit } from '../domain/nhs-number.ts';
import { addDays, daysBetween } from '../domain/rtt-clock.ts';

export const HISTORY_WEEKS = 52;
export const WEEKLY_RATE = 1.2;
export const LARGE_PRACTICE_FACTOR = 8;
export const EXCLUDED_PRACTICES: readonly string[] = ['B86025'];
export const MAX_DISTANCE_KM = 80;
export const UNKNOWN_WAIT_WEEKS = 26;
export const PRIORITY_MIX = [['ROUTINE', 0.8], ['URGENT', 0.15], ['TWO_WEEK_WAIT', 0.05]] as const;
export const PAPER_SHARE = 0.03;
export const TRIAGE_SHARE = 0.3;
export const SHORT_SHARE = 0.08;
export const SHORT_REASONS = [['REFERRER_CHOSE', 0.4], ['PATIENT_ASKED', 0.3], ['CLINICALLY_SPECIALIST', 0.15], ['URGENT_CAPACITY', 0.1], ['OTHER', 0.05]] as const;
export const WAIT_SCALE_WEEKS = 6;
export const DISTANCE_SCALE_KM = 8;
export const PATIENT_CHOSE_SHARE = 0.85;
export const BOOKED_BY_PATIENT_SHARE = 0.55;
export const SLOT_ISSUE_SHARE = 0.04;
export const REJECTED_SHARE = 0.03;
export const REJECTION_MIX = [['CLINICALLY_INAPPROPRIATE', 0.35], ['SERVICE_CANNOT_MEET_NEEDS', 0.25], ['INSUFFICIENT_INFORMATION', 0.25], ['WRONG_SPECIALTY', 0.1], ['DUPLICATE_REFERRAL', 0.05]] as const;
export const NHS_NUMBER_SERIAL_FROM = 700_000;
export const NHS_NUMBER_SERIALS = 300_000;
export const HISTORY_UBRN_PREFIX = '0';
export const DEFAULT_SEED = 20261;

export const PLANTED_PATTERNS = {
  /** (a) one practice sends most of its trauma and orthopaedics to one independent-sector provider */
  orthopaedics: {
    practice: 'B86030',
    practiceName: 'Burton Croft Surgery',
    provider: 'NT348',
    providerName: 'Spire Elland Hospital',
    serviceId: 'NT348-110',
    specialty: '110',
    /** from the first day of the month this many months before `now`'s month */
    monthsBefore: 6,
    shareAfter: 0.75,
  },
  /** (b) a stretch of weeks in which the ICB's shortlists offer fewer than 5 far more often */
  fewerOptions: {
    /** the stretch starts on the Monday this many weeks before the Monday of `now`'s week */
    weeksBefore: 20,
    weeks: 6,
    shortShare: 0.45,
    codes: [['FEWER_WITHIN_REACH', 0.5], ['REFERRER_CHOSE', 0.5]] as const,
  },
} as const;

export type FewerCode = 'FEWER_WITHIN_REACH' | 'PATIENT_ASKED' | 'CLINICALLY_SPECIALIST' | 'URGENT_CAPACITY' | 'REFERRER_CHOSE' | 'OTHER';
export type Priority = (typeof PRIORITY_MIX)[number][0];

export interface HistoryPractice { odsCode: string; name: string; postcode: string; latitude: number; longitude: number }
export interface HistoryService {
  id: string; name: string; specialtyCode: string; providerOdsCode: string; providerName: string;
  latitude: number; longitude: number; waitWeeks: number | null; directlyBookable: boolean;
}
export interface HistoryAssessmentService { id: string; name: string; specialties: readonly string[] }

export interface HistoryInputs {
  now: Date;
  practices: readonly HistoryPractice[];
  services: readonly HistoryService[];
  /** [treatment function code, weight] */
  specialtyMix: readonly (readonly [string, number])[];
  assessmentServices: readonly HistoryAssessmentService[];
  /** the account recorded as making them */
  accountId: number;
}

export interface HistoryOptions {
  seed?: number;
  planted?: boolean;
  /** referrals a practice makes a week, on average (WEEKLY_RATE) */
  weeklyRate?: number;
  /** the serial of the first referral (UBRN and NHS number), so two histories can share a database */
  firstSerial?: number;
}

// Rows as the tables have them (column names), dates and instants as ISO strings.
export interface ReferralRow {
  ubrn: string; access_code_hash: string; status: string; priority: Priority; specialty_code: string; clinical_summary: string;
  patient_nhs_number: string; patient_given_name: string; patient_family_name: string; patient_date_of_birth: string; patient_postcode: string;
  preferences: { sortBy: 'BALANCED'; maxDistanceKm: number; originPostcode: null };
  referring_organisation_ods_code: string; created_by_account_id: number; rtt_clock_start: string; options_offered: number;
  fewer_options_reason: string | null; fewer_options_code: FewerCode | null; patient_chose: boolean; created_at: string; updated_at: string;
  received_via: 'ELECTRONIC' | 'PAPER'; rtt_clock_state: 'RUNNING' | 'STOPPED'; rtt_clock_stopped_on: string | null; rtt_paused_days: number; source: 'REFERRAL'; consultant_led: boolean; tertiary: boolean;
  rejection_reason: string | null; rejection_note: string | null; rejected_at: string | null; rejected_by: string | null; rejected_service_id: string | null;
}
export interface OptionRow { ubrn: string; rank: number; service_id: string; offered: Record<string, unknown> }
export interface EventRow { ubrn: string; at: string; actor_kind: 'staff' | 'patient' | 'system'; actor_label: string; from_status: string | null; to_status: string; reason: string }
export interface SlotRow { id: string; service_id: string; starts_at: string; ends_at: string; created_at: string; withdrawn_at: string | null }
export interface AppointmentRow {
  id: string; ubrn: string; slot_id: string; service_id: string; starts_at: string; ends_at: string; booked_at: string; booked_by: string;
  booked_by_patient: boolean; cancelled_at: string | null; cancelled_by: string | null; cancel_reason: string | null;
}
export interface TriageRow {
  ubrn: string; assessment_service_id: string; sent_on: string; due_on: string; outcome: 'NEEDS_CONSULTANT'; reason_code: string | null;
  detail: string | null; triaged_at: string; triaged_by: string;
}

/** One referral and everything written about it. */
export interface HistoryReferral {
  referral: ReferralRow;
  options: OptionRow[];
  events: EventRow[];
  slot: SlotRow;
  appointment: AppointmentRow;
  triage: TriageRow | null;
  /** for tests: the made-on date and the chosen service's provider */
  madeOn: string;
  providerOdsCode: string;
}

// ---- randomness -------------------------------------------------------------------------------------------------

/** mulberry32: a small, fast, seeded PRNG; uniform in [0, 1). */
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

/**
 * sfc32 (Chris Doty-Humphrey's Small Fast Counting generator): 128 bits of state, so a million streams seeded from
 * different keys do not fall onto the same sequence, as 32-bit-state streams would by the birthday bound.
 */
export function sfc32(a: number, b: number, c: number, d: number): () => number {
  return () => {
    a >>>= 0; b >>>= 0; c >>>= 0; d >>>= 0;
    const t = (((a + b) >>> 0) + d) >>> 0;
    d = (d + 1) >>> 0;
    a = b ^ (b >>> 9);
    b = (c + (c << 3)) >>> 0;
    c = (c << 21) | (c >>> 11);
    c = (c + t) >>> 0;
    return t / 4294967296;
  };
}
/** A stream of its own for a key of integers: sfc32 seeded from four hashes of it, warmed up. */
export function streamFor(...key: number[]): () => number {
  const random = sfc32(mix(...key, 1), mix(...key, 2), mix(...key, 3), mix(...key, 4));
  for (let i = 0; i < 12; i++) random();
  return random;
}

/** A seed for a stream of its own from several integers (so one decision's draws never shift another's). */
function mix(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p >>> 0), 0x01000193);
    h ^= h >>> 13;
    h = Math.imul(h, 0x5bd1e995);
  }
  return (h ^ (h >>> 15)) >>> 0;
}

/** Knuth's Poisson sampler (fine for the small means here). */
export function poisson(mean: number, random: () => number): number {
  if (mean <= 0) return 0;
  if (mean > 50) return Math.max(0, Math.round(mean + Math.sqrt(mean) * normal(random)));
  const limit = Math.exp(-mean);
  let k = 0;
  let p = random();
  while (p > limit) {
    k++;
    p *= random();
  }
  return k;
}
function normal(random: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - random())) * Math.cos(2 * Math.PI * random());
}

function pick<T extends string>(mixture: readonly (readonly [T, number])[], u: number): T {
  const total = mixture.reduce((s, [, w]) => s + w, 0);
  let x = u * total;
  for (const [v, w] of mixture) {
    if (x < w) return v;
    x -= w;
  }
  return mixture[mixture.length - 1]![0];
}
const int = (random: () => number, lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
const hex = (random: () => number, n: number) => Array.from({ length: n }, () => Math.floor(random() * 16).toString(16)).join('');
/** A UUID that no other row of the history has: the referral's serial in its last 12 hex digits, the kind of row before. */
const uuidOf = (kind: 'slot' | 'appointment', serial: number) => `0e157041-0000-4000-${kind === 'slot' ? '8001' : '8002'}-${serial.toString(16).padStart(12, '0')}`;

// ---- dates ------------------------------------------------------------------------------------------------------

const LONDON = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/London', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
function londonParts(at: number) {
  const p = Object.fromEntries(LONDON.formatToParts(at).map((x) => [x.type, x.value]));
  return { date: `${p.year}-${p.month}-${p.day}`, wall: Date.UTC(Number(p.year), Number(p.month) - 1, Number(p.day), Number(p.hour), Number(p.minute)) };
}
const noonCache = new Map<string, number>();
/** The instant of a London wall-clock minute of a day between 06:00 and 22:00 (the offset there is the day's noon's). */
export function londonMinute(date: string, minuteOfDay: number): number {
  let noon = noonCache.get(date);
  if (noon === undefined) {
    const [y, m, d] = date.split('-').map(Number) as [number, number, number];
    const asUtc = Date.UTC(y, m - 1, d, 12, 0);
    noon = asUtc - (londonParts(asUtc).wall - asUtc);
    noonCache.set(date, noon);
  }
  return noon + (minuteOfDay - 720) * 60_000;
}
const iso = (ms: number) => new Date(ms).toISOString();
const weekdayOf = (date: string) => (new Date(`${date}T00:00:00Z`).getUTCDay() + 6) % 7;
const mondayOf = (date: string) => addDays(date, -weekdayOf(date));
const firstOfMonthBefore = (date: string, months: number) => {
  const [y, m] = date.split('-').map(Number) as [number, number];
  const d = new Date(Date.UTC(y, m - 1 - months, 1));
  return d.toISOString().slice(0, 10);
};

/** The period and the planted patterns' dates for a `now`. */
export function historyCalendar(now: Date) {
  const today = londonParts(now.getTime()).date;
  const thisMonday = mondayOf(today);
  const first = addDays(thisMonday, -7 * HISTORY_WEEKS);
  const stretchFrom = addDays(thisMonday, -7 * PLANTED_PATTERNS.fewerOptions.weeksBefore);
  return {
    today,
    /** the first and last day of the history (a Monday and a Sunday) */
    from: first,
    to: addDays(thisMonday, -1),
    orthopaedicsFrom: firstOfMonthBefore(today, PLANTED_PATTERNS.orthopaedics.monthsBefore),
    fewerOptionsFrom: stretchFrom,
    fewerOptionsTo: addDays(stretchFrom, 7 * PLANTED_PATTERNS.fewerOptions.weeks - 1),
  };
}

// ---- people -----------------------------------------------------------------------------------------------------

const GIVEN = ['Amelia', 'Oliver', 'Isla', 'George', 'Ava', 'Noah', 'Mia', 'Arthur', 'Ivy', 'Muhammad', 'Grace', 'Leo', 'Freya', 'Harry', 'Zara', 'Jack', 'Aisha', 'Thomas', 'Ruby', 'Yusuf'];
const FAMILY = ['Smith', 'Jones', 'Taylor', 'Brown', 'Williams', 'Wilson', 'Johnson', 'Davies', 'Patel', 'Robinson', 'Wright', 'Thompson', 'Evans', 'Walker', 'Hussain', 'Khan', 'Roberts', 'Green', 'Hall', 'Wood'];

/** A valid NHS number in the 999 test range from a serial below 10^6 (the next serial when one has no check digit). */
export function historyNhsNumber(serial: number): string {
  for (let s = serial; ; s++) {
    const nine = `999${String(s % 1_000_000).padStart(6, '0')}`;
    const check = nhsNumberCheckDigit(nine);
    if (check !== null && check !== 10) return `${nine}${check}`;
  }
}
export const historyUbrn = (serial: number) => `${HISTORY_UBRN_PREFIX}${String(serial).padStart(11, '0')}`;

// ---- the model --------------------------------------------------------------------------------------------------

interface Near { service: HistoryService; km: number; score: number }

/** The engine's BALANCED order over a specialty's services within reach of a practice. */
function ranked(practice: HistoryPractice, services: readonly HistoryService[]): Near[] {
  const out: Near[] = [];
  for (const s of services) {
    const km = haversineKm(practice, s);
    if (km > MAX_DISTANCE_KM) continue;
    out.push({ service: s, km, score: (s.waitWeeks ?? UNKNOWN_WAIT_WEEKS) + kmToMiles(km) / 10 });
  }
  return out.sort((a, b) => a.score - b.score || a.km - b.km || (a.service.id < b.service.id ? -1 : 1));
}

const FEWER_WORDS: Record<FewerCode, string> = {
  FEWER_WITHIN_REACH: 'Fewer than 5 providers within reach',
  PATIENT_ASKED: 'The patient asked for fewer options',
  CLINICALLY_SPECIALIST: 'Only these providers are clinically suitable',
  URGENT_CAPACITY: 'Only these providers can see the patient in time',
  REFERRER_CHOSE: 'The referrer chose these providers',
  OTHER: 'Other reason recorded by the referrer',
};

/**
 * The history, one referral at a time, in order of practice, week and serial (a generator, so a million need not be
 * held at once). Deterministic in (inputs, options).
 */
export function* generateReferralHistory(inputs: HistoryInputs, options: HistoryOptions = {}): Generator<HistoryReferral> {
  const seed = options.seed ?? DEFAULT_SEED;
  const planted = options.planted ?? true;
  const rate = options.weeklyRate ?? WEEKLY_RATE;
  const cal = historyCalendar(inputs.now);
  const yesterday = addDays(cal.today, -1);
  const bySpecialty = new Map<string, HistoryService[]>();
  for (const s of [...inputs.services].sort((a, b) => (a.id < b.id ? -1 : 1))) {
    if (!bySpecialty.has(s.specialtyCode)) bySpecialty.set(s.specialtyCode, []);
    bySpecialty.get(s.specialtyCode)!.push(s);
  }
  const mixture = inputs.specialtyMix.filter(([code, w]) => w > 0 && bySpecialty.has(code));
  if (mixture.length === 0) return;
  const ras = new Map<string, HistoryAssessmentService>();
  for (const a of inputs.assessmentServices) for (const code of a.specialties) if (!ras.has(code)) ras.set(code, a);
  const practices = [...inputs.practices].filter((p) => !EXCLUDED_PRACTICES.includes(p.odsCode)).sort((a, b) => (a.odsCode < b.odsCode ? -1 : 1));
  const rankCache = new Map<string, Near[]>();
  const slotsTaken = new Map<string, number>();
  const a = PLANTED_PATTERNS.orthopaedics;
  const plantedService = inputs.services.find((s) => s.id === a.serviceId);
  let serial = options.firstSerial ?? 1;

  for (const [pi, practice] of practices.entries()) {
    const weekly = rate * (practice.odsCode === a.practice ? LARGE_PRACTICE_FACTOR : 1);
    for (let week = 0; week < HISTORY_WEEKS; week++) {
      const monday = addDays(cal.from, 7 * week);
      const count = poisson(weekly, streamFor(seed, pi, week, 0xc0));
      for (let k = 0; k < count; k++) {
        const r = streamFor(seed, pi, week, k, 0xbeef);
        const n = serial++;
        const ubrn = historyUbrn(n);
        const madeOn = addDays(monday, int(r, 0, 4));
        const createdMs = londonMinute(madeOn, int(r, 8 * 60, 18 * 60 - 1));
        const specialty = pick(mixture, r());
        const priority = pick(PRIORITY_MIX, r());
        const paper = r() < PAPER_SHARE;
        const centre = ras.get(specialty);
        const triaged = centre !== undefined && r() < TRIAGE_SHARE;
        // Shortlist: the ranking's first five, fewer when fewer are within reach or for a coded reason.
        const key = `${practice.odsCode}/${specialty}`;
        let near = rankCache.get(key);
        if (!near) rankCache.set(key, (near = ranked(practice, bySpecialty.get(specialty)!)));
        if (near.length === 0) { serial--; continue; }
        const inStretch = planted && madeOn >= cal.fewerOptionsFrom && madeOn <= cal.fewerOptionsTo;
        const uShort = r(), uReason = r(), uLength = r();
        let length = Math.min(5, near.length);
        let code: FewerCode | null = length < 5 ? 'FEWER_WITHIN_REACH' : null;
        if (length === 5 && uShort < (inStretch ? PLANTED_PATTERNS.fewerOptions.shortShare : SHORT_SHARE)) {
          code = inStretch ? pick(PLANTED_PATTERNS.fewerOptions.codes, uReason) : pick(SHORT_REASONS, uReason);
          length = code === 'REFERRER_CHOSE' ? 1 + Math.floor(uLength * 2) : 1 + Math.floor(uLength * 4);
        }
        let shortlist = near.slice(0, length);
        // Planted (a): from its month, the practice's orthopaedic referrals mostly go to the named provider.
        const uPlanted = r();
        const plantedNow = planted && practice.odsCode === a.practice && specialty === a.specialty && madeOn >= cal.orthopaedicsFrom && plantedService !== undefined;
        let chosen: Near;
        const uChoice = r();
        if (plantedNow && uPlanted < a.shareAfter) {
          chosen = shortlist.find((x) => x.service.id === a.serviceId) ?? { service: plantedService!, km: haversineKm(practice, plantedService!), score: 0 };
          if (!shortlist.includes(chosen)) shortlist = [...shortlist.slice(0, Math.max(0, length - 1)), chosen];
        } else {
          // Otherwise in proportion to exp(-wait / WAIT_SCALE_WEEKS - km / DISTANCE_SCALE_KM); when planted, not the planted provider.
          const pool = plantedNow ? shortlist.filter((x) => x.service.id !== a.serviceId) : shortlist;
          const from = pool.length > 0 ? pool : shortlist;
          const weights = from.map((x) => Math.exp(-(x.service.waitWeeks ?? UNKNOWN_WAIT_WEEKS) / WAIT_SCALE_WEEKS - x.km / DISTANCE_SCALE_KM));
          const total = weights.reduce((s, w) => s + w, 0);
          let x = uChoice * total;
          let i = 0;
          while (i < from.length - 1 && x >= weights[i]!) x -= weights[i++]!;
          chosen = from[i]!;
        }
        const patientChose = code !== 'REFERRER_CHOSE' && r() < PATIENT_CHOSE_SHARE;
        const slotIssue = r() < SLOT_ISSUE_SHARE;
        const byPatient = patientChose && chosen.service.directlyBookable && !slotIssue && r() < BOOKED_BY_PATIENT_SHARE;
        const rejected = r() < REJECTED_SHARE;
        const rejection = pick(REJECTION_MIX, r());
        const given = GIVEN[int(r, 0, GIVEN.length - 1)]!;
        const family = FAMILY[int(r, 0, FAMILY.length - 1)]!;
        const born = addDays('1940-01-01', int(r, 0, 65 * 365));
        const accessHash = hex(r, 64);

        // The timeline, in days after the referral was made, none later than yesterday.
        const day = (base: string, plus: number) => (addDays(base, plus) > yesterday ? yesterday : addDays(base, plus));
        const at = (date: string, lo: number, after: number) => Math.max(after + 60_000, londonMinute(date, int(r, lo, 17 * 60)));
        const events: EventRow[] = [];
        const referrerLabel = `GP (${practice.name})`;
        let offeredMs = createdMs;
        let triage: TriageRow | null = null;
        if (triaged) {
          const targetDays = priority === 'ROUTINE' ? 14 : priority === 'URGENT' ? 2 : 1;
          const triagedOn = day(madeOn, int(r, 1, Math.min(10, Math.max(1, targetDays))));
          offeredMs = at(triagedOn, 9 * 60, createdMs);
          events.push({ ubrn, at: iso(createdMs), actor_kind: 'staff', actor_label: referrerLabel, from_status: null, to_status: 'AWAITING_TRIAGE', reason: `Referral created and sent to ${centre.name} for triage` });
          events.push({ ubrn, at: iso(offeredMs), actor_kind: 'staff', actor_label: 'Referral centre clinician (Demo Referral Management Centre)', from_status: 'AWAITING_TRIAGE', to_status: 'NOT_BOOKED',
            reason: `Triaged by ${centre.name}: needs a consultant; ${shortlist.length} provider${shortlist.length === 1 ? '' : 's'} offered${code ? ` (fewer than 5: ${FEWER_WORDS[code]})` : ''}` });
          triage = { ubrn, assessment_service_id: centre.id, sent_on: madeOn, due_on: addDays(madeOn, targetDays), outcome: 'NEEDS_CONSULTANT', reason_code: code, detail: null, triaged_at: iso(offeredMs), triaged_by: 'Referral centre clinician (Demo Referral Management Centre)' };
        } else {
          events.push({ ubrn, at: iso(createdMs), actor_kind: 'staff', actor_label: referrerLabel, from_status: null, to_status: 'NOT_BOOKED', reason: `Referral created with ${shortlist.length} option${shortlist.length === 1 ? '' : 's'} to choose from` });
        }
        const offeredOn = londonParts(offeredMs).date;
        const providerLabel = `Booking office (${chosen.service.providerName})`;
        let bookedOn = day(offeredOn, int(r, 0, 2));
        let bookedMs = at(bookedOn, 8 * 60, offeredMs);
        if (slotIssue) {
          events.push({ ubrn, at: iso(bookedMs), actor_kind: 'patient', actor_label: 'the patient', from_status: 'NOT_BOOKED', to_status: 'DEFERRED_TO_PROVIDER', reason: 'No free slot: deferred to the provider' });
          const deferredMs = bookedMs;
          bookedOn = day(bookedOn, int(r, 2, 10));
          bookedMs = at(bookedOn, 8 * 60, deferredMs);
          events.push({ ubrn, at: iso(bookedMs), actor_kind: 'staff', actor_label: providerLabel, from_status: 'DEFERRED_TO_PROVIDER', to_status: 'BOOKED', reason: `Booked at ${chosen.service.name} by the provider after the deferral` });
        } else {
          events.push({ ubrn, at: iso(bookedMs), actor_kind: byPatient ? 'patient' : 'staff', actor_label: byPatient ? 'the patient' : patientChose ? providerLabel : referrerLabel, from_status: 'NOT_BOOKED', to_status: 'BOOKED', reason: `Booked at ${chosen.service.name}` });
        }
        // The appointment, in a slot of its own: the n-th one of a service's day starts at a minute (and second) of its own.
        const apptOn = day(bookedOn, int(r, 1, 28));
        const slotKey = `${chosen.service.id}/${apptOn}`;
        const c = slotsTaken.get(slotKey) ?? 0;
        slotsTaken.set(slotKey, c + 1);
        const startMs = londonMinute(apptOn, 8 * 60 + 15 * (c % 40) + Math.floor(c / 40) % 15) + Math.floor(c / 600) * 1000;
        const reviewedMs = at(day(bookedOn, int(r, 1, 5)), 9 * 60, bookedMs);
        // A rejected referral's appointment is cancelled; its slot is withdrawn with it, so no past slot is ever free.
        const slot: SlotRow = { id: uuidOf('slot', n), service_id: chosen.service.id, starts_at: iso(startMs), ends_at: iso(startMs + 30 * 60_000), created_at: iso(Math.min(bookedMs, startMs) - 86_400_000 * 7), withdrawn_at: rejected ? iso(reviewedMs) : null };
        const appointment: AppointmentRow = {
          id: uuidOf('appointment', n), ubrn, slot_id: slot.id, service_id: chosen.service.id, starts_at: slot.starts_at, ends_at: slot.ends_at, booked_at: iso(bookedMs),
          booked_by: events[events.length - 1]!.actor_label, booked_by_patient: byPatient,
          cancelled_at: rejected ? iso(reviewedMs) : null, cancelled_by: rejected ? providerLabel : null, cancel_reason: rejected ? 'The provider rejected the referral' : null,
        };
        events.push(rejected
          ? { ubrn, at: iso(reviewedMs), actor_kind: 'staff', actor_label: providerLabel, from_status: 'BOOKED', to_status: 'REJECTED', reason: `Rejected by ${chosen.service.providerName}: ${rejection.toLowerCase().replaceAll('_', ' ')}` }
          : { ubrn, at: iso(reviewedMs), actor_kind: 'staff', actor_label: providerLabel, from_status: 'BOOKED', to_status: 'ACCEPTED', reason: `Accepted by ${chosen.service.providerName}` });
        const options: OptionRow[] = shortlist.map((x, i) => ({
          ubrn, rank: i + 1, service_id: x.service.id,
          offered: { rank: i + 1, distanceKm: Math.round(x.km * 10) / 10, distanceMiles: Math.round(kmToMiles(x.km) * 10) / 10, indicativeWaitWeeks: x.service.waitWeeks, earliestSlot: null, reasons: ['Demo history'] },
        }));
        const referral: ReferralRow = {
          ubrn, access_code_hash: accessHash, status: rejected ? 'REJECTED' : 'ACCEPTED', priority, specialty_code: specialty,
          clinical_summary: 'Invented referral of the demo history (no clinical content).',
          patient_nhs_number: historyNhsNumber(NHS_NUMBER_SERIAL_FROM + (n % NHS_NUMBER_SERIALS)), patient_given_name: given, patient_family_name: family,
          patient_date_of_birth: born, patient_postcode: practice.postcode,
          preferences: { sortBy: 'BALANCED', maxDistanceKm: MAX_DISTANCE_KM, originPostcode: null },
          referring_organisation_ods_code: practice.odsCode, created_by_account_id: inputs.accountId, rtt_clock_start: madeOn,
          options_offered: shortlist.length, fewer_options_reason: code ? FEWER_WORDS[code] : null, fewer_options_code: code, patient_chose: patientChose,
          created_at: iso(createdMs), updated_at: events[events.length - 1]!.at, received_via: paper ? 'PAPER' : 'ELECTRONIC',
          // The pathway ended at the first appointment (treated or discharged) or with the rejection, so the history's
          // patients are nobody's long waiters: they never reach the PIDMAS, 18-week or waiting lists.
          ...(() => {
            const ended = rejected ? iso(reviewedMs).slice(0, 10) : apptOn;
            return ended < cal.today ? { rtt_clock_state: 'STOPPED' as const, rtt_clock_stopped_on: ended } : { rtt_clock_state: 'RUNNING' as const, rtt_clock_stopped_on: null };
          })(),
          rtt_paused_days: 0, source: 'REFERRAL', consultant_led: true, tertiary: false,
          rejection_reason: rejected ? rejection : null, rejection_note: null, rejected_at: rejected ? iso(reviewedMs) : null,
          rejected_by: rejected ? providerLabel : null, rejected_service_id: rejected ? chosen.service.id : null,
        };
        yield { referral, options, events, slot, appointment, triage, madeOn, providerOdsCode: chosen.service.providerOdsCode };
      }
    }
  }
}

/** Days between two London dates (re-exported for the tests' reading of the calendar). */
export const daysFrom = daysBetween;
