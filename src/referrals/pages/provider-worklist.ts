// The provider's worklist of every referral it may see (those that shortlist or chose its services), in every state:
// found again after it accepted or rejected one, by the patient's name, NHS number or UBRN.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { ROLES, staffOf } from '../../http/access.ts';
import { seeOther, sendPage } from '../../web/page.ts';
import { readWorklistQuery, worklistView } from './worklist-view.ts';
import { READS, auditReads } from '../../http/read-audit.ts';

const page = { access: ROLES('provider'), page: true, audit: READS('referral') } as const;
export const PROVIDER_WORKLIST = '/provider/referrals/find';

export function providerWorklistPages(deps: Deps) {
  return async function (app: FastifyInstance) {
    app.get(PROVIDER_WORKLIST, { config: page }, async (request, reply) => {
      const view = await worklistView(deps, staffOf(request), PROVIDER_WORKLIST, readWorklistQuery(request.query));
      if (view.lastPage) return seeOther(reply, view.lastPage);
      auditReads(request, view.rows);
      return sendPage(request, reply, 'provider-worklist.njk', { title: 'Find a referral', worklist: view });
    });
  };
}
