// The demo's year of the survey for NHS West Yorkshire ICB (QWO): invitations and responses in the half-year before
// the current one and in the current one up to yesterday, from a fixed seed, so every demo shows the same figures.
// What it plants, documented so a reader can check the page against it:
//   * 12 of the ICB's practices (the first by ODS code, and Hyde Park Surgery, B86025, the demo referrer's), with
//     invitations spread unevenly: a few practices get most, so some practices have 10 or more responses and others
//     fewer (and are shown as "fewer than 10 responses");
//   * about 300 invitations in the earlier half-year and, pro rata, in the current one, each answered with
//     probability 0.22 (earlier) or 0.27 (current), 1 to 20 days after it was sent (never after it expired or after
//     yesterday);
//   * each answer positive with the probabilities in RATES (earlier, current): agreement between about 40% and 70%,
//     a little better in the current half-year; statement 3 "does not apply" for 65% (few patients wait beyond the
//     maximum); 1 in 7 responses with a comment from COMMENTS.
// Invitations are history: their UBRNs are "DEMO-…", which no referral has, and their links were never sent (a
// random token hash each), so none can be answered. Idempotent: nothing is added once any demo invitation exists.
import { createHash } from 'node:crypto';
import type { Insertable, Kysely } from 'kysely';
import type { DB, SurveyAgreement, SurveyInvitationTable, SurveyResponseTable, SurveyYesNo } from '../db/schema.ts';
import { londonDate } from '../domain/dates.ts';
import { type HalfYear, halfYearDates, halfYearOf, previousHalfYear } from '../domain/half-year.ts';
import type { QuestionField } from './questions.ts';
import { INVITATION_DAYS } from './tokens.ts';

export const DEMO_ICB = 'QWO';
const SEED = 0x5eed_2016;
const PER_HALF_YEAR = 300;
const ANSWERED: [number, number] = [0.22, 0.27];

/** The chance of a positive answer to each question: [earlier half-year, current half-year]. */
export const RATES: Record<QuestionField, [number, number]> = {
  discussed_options: [0.64, 0.68],
  offered_choice_of_where: [0.46, 0.55],
  offered_alternative: [0.4, 0.45],
  information_accessible: [0.52, 0.58],
  time_to_consider: [0.66, 0.7],
  aware_of_right: [0.38, 0.44],
  recalls_offer: [0.5, 0.58],
};

const COMMENTS = [
  'I was only told about one hospital. I did not know I could ask for another.',
  'The GP went through the options with me and I chose the one nearest my daughter.',
  'I would have liked to know the waiting times before I chose.',
  'The letter was clear and booking online was easy.',
  'I could not read the information on my phone and had to ring up.',
  'I felt rushed to decide in the appointment.',
  'Being able to choose a clinic with parking made a big difference.',
  'Nobody mentioned I could go elsewhere when the wait got longer.',
];

/** mulberry32: a small seeded generator, enough for demo data. */
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const addDays = (date: string, days: number) => {
  const d = new Date(`${date}T12:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
};
const daysBetween = (from: string, to: string) => Math.round((Date.parse(`${to}T12:00:00Z`) - Date.parse(`${from}T12:00:00Z`)) / 86_400_000);

export async function ensureDemoSurvey(db: Kysely<DB>, now: Date = new Date()): Promise<{ invitations: number; responses: number }> {
  if (await db.selectFrom('survey_invitation').select('id').where('ubrn', 'like', 'DEMO-%').limit(1).executeTakeFirst()) return { invitations: 0, responses: 0 };
  const practices = (
    await db.selectFrom('organisation').select('ods_code').where('kind', '=', 'GP_PRACTICE').where('icb_code', '=', DEMO_ICB).where('active', '=', true).orderBy('ods_code').limit(11).execute()
  ).map((p) => p.ods_code);
  if (practices.length === 0) return { invitations: 0, responses: 0 };
  if (!practices.includes('B86025')) practices.unshift('B86025');
  // Uneven sizes: the first practices get most invitations.
  const weights = practices.map((_, i) => 1 / (1 + i * 0.6));
  const total = weights.reduce((a, b) => a + b, 0);
  const random = generator(SEED);
  const pick = () => {
    let x = random() * total;
    for (let i = 0; i < practices.length; i++) if ((x -= weights[i]!) < 0) return practices[i]!;
    return practices[practices.length - 1]!;
  };
  const yesterday = addDays(londonDate(now), -1);
  const current = halfYearOf(londonDate(now));
  const halves: [HalfYear, 0 | 1][] = [[previousHalfYear(current), 0], [current, 1]];

  const invitations: Insertable<SurveyInvitationTable>[] = [];
  const responses: Insertable<SurveyResponseTable>[] = [];
  let n = 0;
  for (const [half, h] of halves) {
    const { from } = halfYearDates(half);
    const to = halfYearDates(half).to < yesterday ? halfYearDates(half).to : yesterday;
    const days = daysBetween(from, to) + 1;
    if (days <= 0) continue;
    const count = Math.round((PER_HALF_YEAR * days) / 182);
    for (let i = 0; i < count; i++) {
      n++;
      const invitedOn = addDays(from, Math.floor(random() * days));
      const practice = pick();
      const answeredOn = addDays(invitedOn, 1 + Math.floor(random() * 20));
      const answers = random() < ANSWERED[h] && answeredOn <= yesterday && daysBetween(invitedOn, answeredOn) < INVITATION_DAYS;
      invitations.push({
        ubrn: `DEMO-${String(n).padStart(5, '0')}`,
        token_hash: createHash('sha256').update(`demo-survey-never-sent:${n}`).digest('hex'),
        icb_code: DEMO_ICB, practice_ods_code: practice, half_year: half,
        invited_at: `${invitedOn}T09:00:00Z`, expires_at: `${addDays(invitedOn, INVITATION_DAYS)}T09:00:00Z`,
        answered_at: answers ? `${answeredOn}T00:00:00Z` : null,
      });
      if (!answers) continue;
      const agree = (field: QuestionField): SurveyAgreement => {
        if (random() < RATES[field][h]) return random() < 0.4 ? 'STRONGLY_AGREE' : 'AGREE';
        const r = random();
        return r < 0.35 ? 'NEITHER' : r < 0.8 ? 'DISAGREE' : 'STRONGLY_DISAGREE';
      };
      const yes = (field: QuestionField): SurveyYesNo => (random() < RATES[field][h] ? 'YES' : random() < 0.7 ? 'NO' : 'NOT_SURE');
      responses.push({
        icb_code: DEMO_ICB, half_year: half, practice_ods_code: practice, answered_on: answeredOn,
        discussed_options: agree('discussed_options'), offered_choice_of_where: agree('offered_choice_of_where'),
        offered_alternative: random() < 0.65 ? 'NOT_APPLICABLE' : agree('offered_alternative'),
        information_accessible: agree('information_accessible'), time_to_consider: agree('time_to_consider'),
        aware_of_right: yes('aware_of_right'), recalls_offer: yes('recalls_offer'),
        comment: random() < 1 / 7 ? COMMENTS[Math.floor(random() * COMMENTS.length)]! : null,
      });
    }
  }
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < invitations.length; i += 500) await trx.insertInto('survey_invitation').values(invitations.slice(i, i + 500)).execute();
    for (let i = 0; i < responses.length; i += 500) await trx.insertInto('survey_response').values(responses.slice(i, i + 500)).execute();
  });
  return { invitations: invitations.length, responses: responses.length };
}
