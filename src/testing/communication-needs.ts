// Communication needs for the staff pages' tests: every need at once, recorded straight on a referral, and what
// each staff page must then say of them (or not say, with none recorded).
import assert from 'node:assert/strict';
import type { Database } from '../db/database.ts';
import type { CommunicationNeeds } from '../domain/communication-needs.ts';
import { storedNeeds } from '../referrals/communication-needs.ts';

export const EVERY_NEED: CommunicationNeeds = {
  largePrint: true,
  easyRead: true,
  language: 'pl',
  britishSignLanguage: true,
  carer: { name: 'Sam Carer', phone: '07700 900456', email: 'sam@example.org' },
};

export async function recordNeeds(database: Database, ubrn: string, needs: CommunicationNeeds | null): Promise<void> {
  await database.db.updateTable('referral').set({ communication_needs: storedNeeds(needs) }).where('ubrn', '=', ubrn).execute();
}

/** The page says, in staff wording, what the patient needs and how to reach their carer. */
export function assertShowsEveryNeed(html: string): void {
  assert.match(html, />\s*Communication needs\s*</);
  assert.match(html, /The patient needs information in large print and easy read, an interpreter who speaks Polish and a British Sign Language \(BSL\) interpreter\./);
  assert.match(html, />\s*Carer to contact\s*</);
  assert.match(html, /The patient wants their carer, Sam Carer, contacted too: phone 07700 900456 and email sam@example\.org\./);
}

/** Nothing of the needs: no rows, no empty "none" (a triage outcome may still say "The patient needs to see …"). */
export function assertShowsNoNeeds(html: string): void {
  assert.doesNotMatch(html, /Communication needs|Carer to contact|The patient needs (information|an interpreter|a British Sign)|their carer/);
}
