import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
export function accreditationPages(_deps: Deps) {
  return async function (_app: FastifyInstance) {};
}
