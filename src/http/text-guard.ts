// Text that PostgreSQL cannot store is refused at the edge: a NUL character (U+0000) in any string of a request,
// whether in the body, the query or the path, is a 400 naming where it was, before any feature sees it. PostgreSQL
// refuses the byte in text ("invalid byte sequence"), so without this every form, import and sign-in answered 500.
import type { FastifyInstance } from 'fastify';
import { badRequest } from './problem.ts';

const NUL = '\u0000';

/** The path of the first string holding a NUL character within `value` ('username', 'items[2].note'), or null. */
export function nulAt(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes(NUL) ? path || 'body' : null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = nulAt(value[i], `${path}[${i}]`);
      if (found) return found;
    }
    return null;
  }
  // Only parsed data: a body a route reads as a stream (the waiting-list CSV) is checked by that route, as it reads;
  // walking a stream's fields would reach its socket and beyond.
  if (value !== null && typeof value === 'object' && !Buffer.isBuffer(value) && !isStream(value)) {
    for (const [key, v] of Object.entries(value)) {
      const here = path ? `${path}.${key}` : key;
      if (key.includes(NUL)) return here;
      const found = nulAt(v, here);
      if (found) return found;
    }
  }
  return null;
}

const isStream = (value: object) => typeof (value as { pipe?: unknown }).pipe === 'function';

/**
 * Checked once the body is parsed and the caller is known (a page's refusal is a page, which needs its session), and
 * before validation and any handler: nothing before that looks a path id or a query up in the database.
 */
export function refuseNulCharacters(app: FastifyInstance): void {
  app.addHook('preValidation', async (request) => {
    for (const [part, value] of [['path', request.params], ['query', request.query], ['body', request.body]] as const) {
      const field = nulAt(value);
      if (!field) continue;
      const name = part === 'body' ? field : `${field} (in the ${part})`;
      throw badRequest(`${name} holds a NUL character (U+0000), which text here cannot hold: remove it and send again.`, [{ field, message: 'must not contain a NUL character (U+0000)' }]);
    }
  });
}
