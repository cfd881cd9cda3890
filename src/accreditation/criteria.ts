// An ICB's published qualifying criteria for listing a service (minimum standard 5). A criterion applies to every
// first outpatient service the ICB accredits, or to one specialty (treatment function). Retiring one keeps it in the
// applications already made (each keeps the wording it was made against) and stops asking it of new ones.
import { type Kysely, sql, type Transaction } from 'kysely';
import { icbInScope } from '../choice/icb-scope.ts';
import type { DB } from '../db/schema.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { conflict, notFound, unprocessable } from '../http/problem.ts';

export interface Criterion {
  id: number;
  icbCode: string;
  specialty: { code: string; name: string } | null;
  title: string;
  description: string;
  position: number;
  retiredAt: Date | null;
}

export const TITLE_MAX = 200;
export const DESCRIPTION_MAX = 2000;

function criteriaQuery(db: Kysely<DB> | Transaction<DB>) {
  return db.selectFrom('accreditation_criterion as c')
    .leftJoin('specialty as sp', 'sp.code', 'c.specialty_code')
    .select(['c.id', 'c.icb_code', 'c.specialty_code', 'sp.name as specialty_name', 'c.title', 'c.description', 'c.position', 'c.retired_at']);
}

type Row = Awaited<ReturnType<ReturnType<typeof criteriaQuery>['executeTakeFirstOrThrow']>>;
const toCriterion = (r: Row): Criterion => ({
  id: Number(r.id), icbCode: r.icb_code, specialty: r.specialty_code ? { code: r.specialty_code, name: r.specialty_name ?? r.specialty_code } : null,
  title: r.title, description: r.description, position: r.position, retiredAt: r.retired_at,
});

/** The ICB's criteria in force, every-service ones first, then by specialty, each in its published order. */
export async function publishedCriteria(db: Kysely<DB> | Transaction<DB>, icbCode: string): Promise<Criterion[]> {
  const rows = await criteriaQuery(db).where('c.icb_code', '=', icbCode).where('c.retired_at', 'is', null)
    .orderBy(sql`c.specialty_code nulls first`).orderBy('c.position').orderBy('c.id').execute();
  return rows.map(toCriterion);
}

/** The criteria an application for this specialty must meet: the every-service ones and the specialty's own. */
export async function criteriaFor(db: Kysely<DB> | Transaction<DB>, icbCode: string, specialtyCode: string): Promise<Criterion[]> {
  return (await publishedCriteria(db, icbCode)).filter((c) => c.specialty === null || c.specialty.code === specialtyCode);
}

/** The ICBs that publish any criteria, for the public page. */
export async function icbsWithCriteria(db: Kysely<DB>): Promise<{ odsCode: string; name: string }[]> {
  const rows = await db.selectFrom('accreditation_criterion as c').leftJoin('organisation as o', 'o.ods_code', 'c.icb_code')
    .select(['c.icb_code', 'o.name']).distinct().where('c.retired_at', 'is', null).orderBy('c.icb_code').execute();
  return rows.map((r) => ({ odsCode: r.icb_code, name: r.name ?? `ICB ${r.icb_code}` }));
}

export interface NewCriterion {
  title: string;
  description: string;
  specialtyCode: string | null;
}

/** Publishes a criterion for the ICB in scope (a commissioner's own; an admin names one). */
export async function addCriterion(db: Kysely<DB>, staff: StaffPrincipal, icb: string | null, input: NewCriterion): Promise<Criterion> {
  const scope = await icbInScope(db, staff, icb);
  if (input.title.length === 0 || input.title.length > TITLE_MAX) throw unprocessable(`The criterion needs a title of 1 to ${TITLE_MAX} characters.`, [{ field: 'title', message: `must be 1 to ${TITLE_MAX} characters` }]);
  if (input.description.length === 0 || input.description.length > DESCRIPTION_MAX) throw unprocessable(`Say what the criterion asks in 1 to ${DESCRIPTION_MAX} characters.`, [{ field: 'description', message: `must be 1 to ${DESCRIPTION_MAX} characters` }]);
  if (input.specialtyCode !== null) {
    const sp = await db.selectFrom('specialty').select('code').where('code', '=', input.specialtyCode).where('rtt_reported', '=', true).executeTakeFirst();
    if (!sp) throw unprocessable(`"${input.specialtyCode.slice(0, 10)}" is not a specialty a first outpatient service is listed for.`, [{ field: 'specialtyCode', message: 'is not an RTT specialty' }]);
  }
  const last = await db.selectFrom('accreditation_criterion').select(({ fn }) => fn.max('position').as('p')).where('icb_code', '=', scope.odsCode).executeTakeFirst();
  const row = await db.insertInto('accreditation_criterion').values({
    icb_code: scope.odsCode, specialty_code: input.specialtyCode, title: input.title, description: input.description,
    position: Number(last?.p ?? 0) + 1, created_by_account_id: staff.accountId,
  }).returning('id').executeTakeFirstOrThrow();
  return criterionOf(db, Number(row.id));
}

export async function criterionOf(db: Kysely<DB> | Transaction<DB>, id: number): Promise<Criterion> {
  const row = await criteriaQuery(db).where('c.id', '=', id).executeTakeFirst();
  if (!row) throw notFound(`There is no criterion ${id}.`);
  return toCriterion(row);
}

/** Retires a criterion of the ICB in scope: no longer asked of new applications. */
export async function retireCriterion(db: Kysely<DB>, staff: StaffPrincipal, id: number): Promise<Criterion> {
  const criterion = await criterionOf(db, id);
  // Someone else's ICB's criterion is as good as absent.
  if (staff.role === 'commissioner' && criterion.icbCode !== staff.organisation.odsCode) throw notFound(`Your ICB has no criterion ${id}.`);
  if (criterion.retiredAt) throw conflict('This criterion was already retired.');
  await db.updateTable('accreditation_criterion').set({ retired_at: new Date() }).where('id', '=', id).execute();
  return criterionOf(db, id);
}
