// The mutual-aid (DMAS) pages: a provider's own requests and offers, the transfers proposed into and out of it, and
// the national board with its match runs.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { addViews } from '../web/render.ts';
import { boardPages } from './pages/board.ts';
import { providerAidPages } from './pages/provider.ts';
import { transferPages } from './pages/transfers.ts';

export function mutualAidPages(deps: Deps) {
  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));
    await app.register(providerAidPages(deps));
    await app.register(transferPages(deps));
    await app.register(boardPages(deps));
  };
}
