// What the referrer's pages show of the ICB's assurance (the referrals feature renders none of it): the prior-approval
// rules and capacity notices above the shortlist and on the check page, the notices beside the options they concern,
// and the ICB's current notices on the worklist. buildApp hands these to the referrals feature's pages.
import type { Deps } from '../deps.ts';
import { londonDate } from '../domain/dates.ts';
import type { ReferrerNotices } from '../web/panels.ts';
import { addViews, renderFragment } from '../web/render.ts';
import { currentNoticesForIcb, noticesForShortlist, referrerIcb, rulesInForce } from './service.ts';

export function referrerNotices(deps: Pick<Deps, 'database'>): ReferrerNotices {
  addViews(new URL('./views', import.meta.url));
  const db = deps.database.db;
  const icbName = async (code: string) => (await db.selectFrom('organisation').select('name').where('ods_code', '=', code).executeTakeFirst())?.name ?? `ICB ${code}`;
  return {
    async shortlist(staff, specialty, options, referringOrganisation) {
      const on = londonDate();
      const icb = await referrerIcb(db, staff, referringOrganisation);
      const rules = icb ? await rulesInForce(db, icb, specialty.code, on) : [];
      const { general, byService } = await noticesForShortlist(db, icb, specialty.code, options.map((o) => ({ specialtyCode: specialty.code, ...o })), on);
      const above = rules.length > 0 || general.length > 0
        ? renderFragment('shortlist-notices.njk', { rules, general, icbName: icb ? await icbName(icb) : 'The ICB', specialtyName: specialty.name })
        : null;
      return { above, byService: Object.fromEntries(Object.entries(byService).map(([id, notices]) => [id, renderFragment('option-notices.njk', { serviceId: id, notices })])) };
    },
    async worklist(staff) {
      const icb = await referrerIcb(db, staff);
      if (!icb) return null;
      const notices = await currentNoticesForIcb(db, icb);
      return notices.length > 0 ? renderFragment('worklist-notices.njk', { notices, icbName: await icbName(icb) }) : null;
    },
  };
}
