// A referral being made in the pages, kept in web_draft (migration 008) against the page session: patient details
// never travel in URLs or cookies, and the draft goes when the session row goes.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { ClinicalValues, PatientAnswer, PatientValues, PreferencesAnswer, PreferencesValues } from './referral-form.ts';
import type { Priority } from '../shortlist/types.ts';

interface WebDraftTable {
  session_hash: string;
  data: unknown;
  updated_at: Date;
}
type WebDB = DB & { web_draft: WebDraftTable };

export interface Draft {
  patient?: { values: PatientValues; answer: PatientAnswer };
  preferences?: { values: PreferencesValues; answer: PreferencesAnswer };
  /** The services chosen to offer, in the order shown. */
  shortlist?: string[];
  clinical?: { values: ClinicalValues; answer: { priority: Priority; clinicalSummary: string } };
  /** Set once the referral is made: what the confirmation and the patient's letter show (the access code only here). */
  created?: { ubrn: string; accessCode: string; createdAt: string };
}

const web = (db: Kysely<DB>) => db as unknown as Kysely<WebDB>;

export async function loadDraft(db: Kysely<DB>, sessionHash: string): Promise<Draft> {
  const row = await web(db).selectFrom('web_draft').select('data').where('session_hash', '=', sessionHash).executeTakeFirst();
  return (row?.data as Draft | undefined) ?? {};
}

export async function saveDraft(db: Kysely<DB>, sessionHash: string, draft: Draft): Promise<void> {
  await web(db)
    .insertInto('web_draft')
    .values({ session_hash: sessionHash, data: JSON.stringify(draft), updated_at: new Date() })
    .onConflict((oc) => oc.column('session_hash').doUpdateSet({ data: JSON.stringify(draft), updated_at: new Date() }))
    .execute();
}

export async function deleteDraft(db: Kysely<DB>, sessionHash: string): Promise<void> {
  await web(db).deleteFrom('web_draft').where('session_hash', '=', sessionHash).execute();
}
