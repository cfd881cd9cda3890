// The API of listings that need attention: an ICB's (commissioners and admins) and a provider's own. Wiring only.
import type { FastifyInstance } from 'fastify';
import { icbInScope } from '../choice/icb-scope.ts';
import type { Deps } from '../deps.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { problems } from '../http/schemas.ts';
import type { ZodApp } from '../http/zod.ts';
import { icbFlags, providerFlags, readFlagFilter } from './flags.ts';
import { IcbFlagsQuery, IcbListingFlags, ProviderListingFlags } from './schemas.ts';

export function listingUpkeepRoutes(deps: Pick<Deps, 'database'>) {
  const { db } = deps.database;
  return async function (app: FastifyInstance) {
    const api = app as ZodApp;
    api.get(
      '/listing-flags',
      {
        config: { access: ROLES('commissioner', 'admin') },
        schema: {
          tags: ['Choice measured'], summary: 'Listings needing attention that the ICB\'s patients are offered, by provider, with each flag\'s evidence and since when',
          querystring: IcbFlagsQuery, response: { 200: IcbListingFlags, ...problems(400, 401, 403, 404) },
        },
      },
      async (request) => {
        const icb = await icbInScope(db, staffOf(request), request.query.icb);
        return { icb, providers: await icbFlags(db, icb.odsCode, readFlagFilter(request.query)) };
      },
    );
    api.get(
      '/provider/listing-flags',
      {
        config: { access: ROLES('provider') },
        schema: { tags: ['Directory'], summary: 'Your listings that need attention, with each flag\'s evidence and since when', response: { 200: ProviderListingFlags, ...problems(401, 403) } },
      },
      async (request) => ({ listings: await providerFlags(db, staffOf(request)) }),
    );
  };
}
