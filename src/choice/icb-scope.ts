// Whose figures a member of staff may see: a commissioner sees their own ICB's and no other's; an admin (NHS England's
// view) may name any ICB. Every commissioner page and API call of the choice measures asks here, so the rule is one.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { badRequest, forbidden, notFound } from '../http/problem.ts';

export interface Icb {
  odsCode: string;
  name: string;
}

const ODS_CODE = /^[A-Z0-9]{3,5}$/;

/** The ICBs an admin can choose from, by name: those with a row of their own, then those known only by code. */
export async function listIcbs(db: Kysely<DB>): Promise<Icb[]> {
  const named = await db.selectFrom('organisation').select(['ods_code', 'name']).where('kind', '=', 'ICB').where('active', '=', true).orderBy('name').execute();
  const known = new Set(named.map((r) => r.ods_code));
  const coded = await db.selectFrom('organisation').select('icb_code').distinct().where('kind', '=', 'GP_PRACTICE').where('icb_code', 'is not', null).orderBy('icb_code').execute();
  return [
    ...named.map((r) => ({ odsCode: r.ods_code, name: r.name })),
    ...coded.filter((r) => !known.has(r.icb_code!)).map((r) => ({ odsCode: r.icb_code!, name: `ICB ${r.icb_code}` })),
  ];
}

/** The ICBs `staff` may choose between on a page: every ICB for an admin; none for a commissioner, whose own is fixed. */
export async function icbChoicesFor(db: Kysely<DB>, staff: StaffPrincipal): Promise<Icb[]> {
  return staff.role === 'admin' ? listIcbs(db) : [];
}

/** An ICB picker's items (the nhsuk select's), the chosen ICB selected. */
export function icbPickerItems(icbs: readonly Icb[], chosen: string | null | undefined): { value: string; text: string; selected?: boolean }[] {
  return [{ value: '', text: 'Choose an ICB', selected: !chosen }, ...icbs.map((i) => ({ value: i.odsCode, text: `${i.name} (${i.odsCode})`, selected: i.odsCode === chosen }))];
}

/**
 * The ICB `staff` looks at: a commissioner's own (naming another is refused, 403), or for an admin the one named
 * (`requested`, required). Only commissioners and admins reach here: routes declare it.
 */
export async function icbInScope(db: Kysely<DB>, staff: StaffPrincipal, requested: string | undefined | null): Promise<Icb> {
  const wanted = requested?.trim().toUpperCase() || null;
  if (wanted !== null && !ODS_CODE.test(wanted)) throw badRequest(`"${requested}" is not an ICB's ODS code (3 to 5 letters and digits, like QWO).`, [{ field: 'icb', message: 'must be an ICB ODS code, like QWO' }]);
  let code: string;
  if (staff.role === 'commissioner') {
    if (wanted !== null && wanted !== staff.organisation.odsCode) throw forbidden(`You can see the figures of your own ICB (${staff.organisation.odsCode}) only.`);
    code = staff.organisation.odsCode;
  } else if (staff.role === 'admin') {
    if (wanted === null) throw badRequest('Name the ICB whose figures you want: icb=<ODS code>, like icb=QWO.', [{ field: 'icb', message: 'is required for an admin' }]);
    code = wanted;
  } else {
    throw forbidden('Only commissioners and admins see the choice measures.');
  }
  const icb = await db.selectFrom('organisation').select(['ods_code', 'name']).where('ods_code', '=', code).where('kind', '=', 'ICB').executeTakeFirst();
  if (icb) return { odsCode: icb.ods_code, name: icb.name };
  // The ODS extract names each practice's ICB by code; an ICB without a row of its own is still an ICB.
  const practices = await db.selectFrom('organisation').select('ods_code').where('kind', '=', 'GP_PRACTICE').where('icb_code', '=', code).limit(1).executeTakeFirst();
  if (!practices) throw notFound(`There is no ICB with the ODS code ${code}.`);
  return { odsCode: code, name: `ICB ${code}` };
}
