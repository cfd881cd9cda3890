// What a user has answered so far in a journey of several pages (a referral being made, a request to move), kept
// in web_draft (migration 008) against the page session: patient details never travel in URLs or cookies, and the
// draft goes when the session row goes. Each journey keeps its own part of the draft under its own name, so one
// journey never overwrites another's answers.
import { type Kysely, sql } from 'kysely';
import type { FastifyRequest } from 'fastify';
import type { DB } from '../db/schema.ts';
import { sessionHash, sessionToken } from './session.ts';


/** One named part of the signed-in session's draft: read it, replace it, or clear it. */
export interface DraftPart<T> {
  read(): Promise<T | undefined>;
  write(value: T): Promise<void>;
  clear(): Promise<void>;
}

/** The draft part `name` of the session the request was signed in with (a page route, so it has one). */
export function draftPart<T>(db: Kysely<DB>, request: FastifyRequest, name: string): DraftPart<T> {
  const token = sessionToken(request);
  if (!token) throw new Error(`${request.url}: a draft was asked for without a page session`);
  const hash = sessionHash(token);
  return {
    async read() {
      const row = await db.selectFrom('web_draft').select('data').where('session_hash', '=', hash).executeTakeFirst();
      return (row?.data as Record<string, T> | undefined)?.[name];
    },
    async write(value) {
      const part = JSON.stringify({ [name]: value });
      await db
        .insertInto('web_draft')
        .values({ session_hash: hash, data: part, updated_at: new Date() })
        .onConflict((oc) => oc.column('session_hash').doUpdateSet({ data: sql`web_draft.data || ${part}::jsonb`, updated_at: new Date() }))
        .execute();
    },
    async clear() {
      await db.updateTable('web_draft').set({ data: sql`data - ${name}::text`, updated_at: new Date() }).where('session_hash', '=', hash).execute();
    },
  };
}

/** Ends every journey of a session (on signing out). */
export async function deleteDrafts(db: Kysely<DB>, sessionHashValue: string): Promise<void> {
  await db.deleteFrom('web_draft').where('session_hash', '=', sessionHashValue).execute();
}
