// The demo's self-assessment history for NHS West Yorkshire ICB (QWO): the half-year before the current one, every
// item rated (mostly Amber, a few Green and Red, one forced Red by evidence of practice contrary to legal rights) with
// a line of evidence each, and signed off, so the current half-year's page shows what moved since. The current
// half-year is left for the demo commissioner to complete, and no SRO is named (naming one is part of the journey).
// Idempotent: nothing is added once the ICB has any assessment.
import type { Kysely } from 'kysely';
import type { AssessmentRating, DB } from '../db/schema.ts';
import { londonDate } from '../domain/dates.ts';
import { halfYearOf, previousHalfYear } from '../domain/half-year.ts';
import { ASSESSMENT_ITEMS, effectiveRating } from '../domain/self-assessment-items.ts';

export const DEMO_ASSESSMENT_ICB = 'QWO';
const GREEN = new Set(['1.1', '2.3', '5.2', 'MS7', '6.1']);
const RED = new Set(['4.1', 'MS9']);
const FORCED = '5.4';

export async function ensureDemoSelfAssessment(db: Kysely<DB>, now: Date = new Date()): Promise<{ items: number }> {
  const any = await db.selectFrom('self_assessment').select('period').where('icb_code', '=', DEMO_ASSESSMENT_ICB).limit(1).executeTakeFirst();
  if (any) return { items: 0 };
  const account = await db.selectFrom('account').select(['id', 'display_name']).where('username', '=', 'demo-commissioner').executeTakeFirst();
  if (!account) return { items: 0 };
  const period = previousHalfYear(halfYearOf(londonDate(now)));
  const by = `${account.display_name} (NHS West Yorkshire Integrated Care Board)`;
  await db.transaction().execute(async (trx) => {
    await trx.insertInto('self_assessment').values({
      icb_code: DEMO_ASSESSMENT_ICB, period, version: ASSESSMENT_ITEMS.length,
      reflections: JSON.stringify(['Mostly: the choice measures now show it by practice.', 'Not yet for community services.', 'Posters and the website; little social media.', 'e-RS is the default; paper referrals are falling.', 'Through the system choice plan.']),
    }).execute();
    for (const item of ASSESSMENT_ITEMS) {
      const rating: AssessmentRating = GREEN.has(item.id) ? 'GREEN' : RED.has(item.id) ? 'RED' : 'AMBER';
      const contrary = item.id === FORCED;
      const evidence = [contrary ? 'A provider told patients waiting beyond 18 weeks that no alternative could be offered.' : `Reviewed by the choice board in ${period}.`];
      await trx.insertInto('self_assessment_item').values({
        icb_code: DEMO_ASSESSMENT_ICB, period, item_id: item.id, rating, contrary_to_legal_rights: contrary, evidence_texts: JSON.stringify(evidence), evidence_links: '[]',
        owner: 'Head of elective care', suggested_rating: null, overrule_reason: null, updated_by_account_id: account.id, updated_by: by,
      }).execute();
      await trx.insertInto('self_assessment_item_change').values({
        icb_code: DEMO_ASSESSMENT_ICB, period, item_id: item.id, old_rating: null, new_rating: rating, old_effective: null, new_effective: effectiveRating(rating, contrary),
        contrary_to_legal_rights: contrary, what: 'rating, evidence, owner', changed_by_account_id: account.id, changed_by: by,
      }).execute();
    }
    await trx.insertInto('self_assessment_sign_off').values({
      icb_code: DEMO_ASSESSMENT_ICB, period, sro_name: 'Dr Jo Whitley', sro_role: 'Chief Medical Officer', version: ASSESSMENT_ITEMS.length,
      signed_off_by_account_id: account.id, signed_off_by: by,
    }).execute();
  });
  return { items: ASSESSMENT_ITEMS.length };
}
