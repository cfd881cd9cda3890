// The pages not yet moved to their features (issue 8): registered together until each has its home.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { mutualAidPages } from './mutual-aid-pages.ts';
import { waitingPages } from './waiting-pages.ts';

export function legacyPages(deps: Deps) {
  return async function (app: FastifyInstance) {
    await app.register(waitingPages(deps));
    await app.register(mutualAidPages(deps));
  };
}
