// The national board for commissioners and administrators: requests, offers, patients waiting to move and moves by
// specialty and region, the recent match runs, and running one now.
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { ROLES, staffOf } from '../../http/access.ts';
import { seeOther, sendPage } from '../../web/page.ts';
import { recentRuns, runMatching } from '../match-run.ts';
import { nationalBoard } from '../service.ts';

const oversight = { access: ROLES('commissioner', 'admin'), page: true } as const;

// The run's summary comes back in the address it redirects to; anything else there reads as none.
const count = z.coerce.number().int().min(0).max(9_999_999).catch(0);
const RanQuery = z.object({
  ran: z.literal('1'),
  patients: count,
  offers: count,
  proposed: count,
  withinIcb: count,
  noMatch: count,
  unchanged: z.string().optional().transform((v) => v === '1'),
});

export function boardPages(deps: Deps) {
  return async function (app: FastifyInstance) {
    app.get('/mutual-aid/board', { config: oversight }, async (request, reply) => {
      const ran = RanQuery.safeParse(request.query);
      return sendPage(request, reply, 'mutual-aid-board.njk', {
        title: 'Mutual aid: the national board',
        ran: ran.success ? ran.data : null,
        rows: await nationalBoard(deps),
        runs: await recentRuns(deps),
      });
    });

    app.post('/mutual-aid/board/matching-runs', { config: oversight }, async (request, reply) => {
      const s = await runMatching(deps, staffOf(request).username);
      const params = new URLSearchParams({
        ran: '1',
        patients: String(s.patients),
        offers: String(s.offers),
        proposed: String(s.proposed),
        withinIcb: String(s.proposedWithinIcb),
        noMatch: String(s.noMatch),
        unchanged: s.unchanged ? '1' : '0',
      });
      return seeOther(reply, `/mutual-aid/board?${params}#run-summary`);
    });
  };
}
