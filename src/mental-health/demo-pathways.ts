// The demo's mental health pathways: a year of West Yorkshire (QWO) patients at the ICB's two mental health trusts in
// the ODS data, Leeds and York Partnership (RGD) and South West Yorkshire Partnership (RXG), generated from a fixed
// seed so every load is the same relative to its day. (Bradford District Care, TAD, is a care trust and not in the
// trusts file the demo loads.) What it shows:
//   - EIP: about 65% start treatment within 2 weeks (the standard: more than 50%);
//   - Talking Therapies: about 89% within 6 weeks and 98% within 18 weeks (standards 75% and 95%);
//   - RXG's Talking Therapies fall below the 6-week standard: patients referred 200 to 110 days ago start within
//     6 weeks only 55% of the time, so first treatments from about 6 months to 3 months ago miss 75%;
//   - about 7% of pathways end without treatment, and the latest referrals are still waiting.
// RGD's provider account (demo-mental-health) is one of the demo accounts (src/auth/demo-accounts.ts).
// Idempotent: nothing is added once either trust has any pathway.
import type { Database } from '../db/database.ts';
import type { Insertable } from 'kysely';
import type { MentalHealthPathwayTable, MentalHealthServiceKind } from '../db/schema.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { pathwayHash } from './pathway-import.ts';

export const DEMO_MENTAL_HEALTH_PROVIDERS = ['RGD', 'RXG'] as const;

/** A small seeded generator (mulberry32): the same pathways every load. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Days from referral to first treatment, as the demo's rates describe. */
function waitFor(kind: MentalHealthServiceKind, slow: boolean, r: () => number): number {
  const u = r();
  const between = (lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
  if (kind === 'EIP') return u < 0.65 ? between(0, 14) : between(15, 70);
  const within6 = slow ? 0.55 : 0.89;
  if (u < within6) return between(3, 42);
  return u < 0.98 ? between(43, 126) : between(127, 200);
}

export async function ensureDemoMentalHealthPathways(database: Database, today: string): Promise<{ created: number }> {
  const db = database.db;
  const present = await db.selectFrom('organisation').select('ods_code').where('ods_code', 'in', [...DEMO_MENTAL_HEALTH_PROVIDERS]).execute();
  if (present.length < DEMO_MENTAL_HEALTH_PROVIDERS.length) return { created: 0 };
  const any = await db.selectFrom('mental_health_pathway').select('id').where('provider_ods_code', 'in', [...DEMO_MENTAL_HEALTH_PROVIDERS]).limit(1).executeTakeFirst();
  if (any) return { created: 0 };
  const practices = (await db.selectFrom('organisation').select('ods_code').where('kind', '=', 'GP_PRACTICE').where('icb_code', '=', 'QWO').where('active', '=', true).orderBy('ods_code').limit(200).execute()).map((p) => p.ods_code);
  const r = random(20160505);
  const rows: Insertable<MentalHealthPathwayTable>[] = [];
  // Referrals over the 14 months to today, so a year of first treatments and some still waiting.
  const perDay: Record<MentalHealthServiceKind, number> = { EIP: 0.9, TALKING_THERAPIES: 8 };
  const slowFrom = addDays(today, -200);
  const slowTo = addDays(today, -110);
  let n = 0;
  for (let day = -425; day <= 0; day++) {
    const referredOn = addDays(today, day);
    for (const kind of ['EIP', 'TALKING_THERAPIES'] as const) {
      // Poisson-ish: the whole part, and one more with the fraction's chance.
      const count = Math.floor(perDay[kind]) + (r() < perDay[kind] % 1 ? 1 : 0);
      for (let i = 0; i < count; i++) {
        n++;
        const provider = r() < 0.55 ? 'RGD' : 'RXG';
        // RXG's Talking Therapies for a stretch: patients referred in those 3 months wait longer.
        const slow = provider === 'RXG' && kind === 'TALKING_THERAPIES' && referredOn >= slowFrom && referredOn <= slowTo;
        const wait = waitFor(kind, slow, r);
        let firstTreatmentOn: string | null = addDays(referredOn, wait);
        let endedOn: string | null = null;
        let endedReason: string | null = null;
        if (r() < 0.07) {
          endedOn = addDays(referredOn, Math.floor(r() * Math.max(1, wait)));
          endedReason = r() < 0.5 ? 'Discharged before treatment: did not attend' : 'Declined treatment';
          firstTreatmentOn = null;
        }
        if (firstTreatmentOn !== null && firstTreatmentOn > today) firstTreatmentOn = null;
        if (endedOn !== null && endedOn > today) [endedOn, endedReason] = [null, null];
        rows.push({
          service_kind: kind,
          provider_ods_code: provider,
          local_id_hash: pathwayHash(provider, `DEMO-${kind}-${n}`),
          icb_code: 'QWO',
          practice_ods_code: practices.length ? practices[Math.floor(r() * practices.length)]! : null,
          referred_on: referredOn,
          first_treatment_on: firstTreatmentOn,
          ended_on: endedOn,
          ended_reason: endedReason,
          source: 'IMPORT' as const,
          created_by_account_id: null,
        });
      }
    }
  }
  await db.transaction().execute(async (trx) => {
    for (let i = 0; i < rows.length; i += 4000) {
      await trx.insertInto('mental_health_pathway').values(rows.slice(i, i + 4000)).onConflict((oc) => oc.columns(['provider_ods_code', 'local_id_hash']).doNothing()).execute();
    }
  });
  return { created: rows.length };
}
