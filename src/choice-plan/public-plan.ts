// The ICB's published choice plan as the public page and the public API show it: the newest publication's
// snapshot (never the draft), the SRO when named, the approved comments with their answers, and what changed
// because of the comments.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { ACTION_STATUSES, type ActionStatus } from '../domain/choice-plan.ts';
import { itemOf } from '../domain/self-assessment-items.ts';
import { sroOf } from '../assurance/service.ts';
import { approvedComments } from './comments.ts';
import { changesFor, type ChangeView, latestPublication } from './service.ts';

type Db = Kysely<DB>;

/** The ICB's senior responsible owner for choice, as the self-assessment names them (src/assurance). */
export type Sro = NonNullable<Awaited<ReturnType<typeof sroOf>>>;

export interface PublicPlan {
  icb: { odsCode: string; name: string };
  sro: Sro | null;
  published: {
    version: number;
    publishedAt: Date;
    ambition: string;
    summary: string;
    actions: { title: string; description: string; owner: string; dueOn: string; status: ActionStatus; statusText: string; items: { id: string; text: string }[] }[];
  } | null;
  comments: { body: string; name: string | null; receivedAt: Date; answer: string | null; answeredAt: Date | null }[];
  changes: ChangeView[];
}

/** The public view of an ICB's plan; null when no ICB has that code. */
export async function publicPlan(db: Db, odsCode: string): Promise<PublicPlan | null> {
  const code = odsCode.trim().toUpperCase();
  if (!/^[A-Z0-9]{3,5}$/.test(code)) return null;
  const row = await db.selectFrom('organisation').select(['ods_code', 'name']).where('ods_code', '=', code).where('kind', '=', 'ICB').executeTakeFirst();
  // An ICB known only as its practices' ICB code is still an ICB (as src/choice/icb-scope.ts says).
  const known = row ?? (await db.selectFrom('organisation').select('ods_code').where('kind', '=', 'GP_PRACTICE').where('icb_code', '=', code).limit(1).executeTakeFirst()
    ? { ods_code: code, name: `ICB ${code}` } : undefined);
  if (!known) return null;
  const icb = known;
  const latest = await latestPublication(db, code);
  return {
    icb: { odsCode: icb.ods_code, name: icb.name },
    sro: await sroOf(db, code),
    published: latest ? {
      version: latest.ref.version,
      publishedAt: latest.ref.publishedAt,
      ambition: latest.snapshot.ambition,
      summary: latest.snapshot.summary,
      actions: latest.snapshot.actions.map((a) => ({ ...a, statusText: ACTION_STATUSES[a.status], items: a.itemIds.map((id) => ({ id, text: itemOf(id)?.text ?? id })) })),
    } : null,
    comments: latest ? await approvedComments(db, code) : [],
    changes: await changesFor(db, code),
  };
}
