// Requests that change things can be sent again safely with the same Idempotency-Key: the first answer is
// kept, in the same transaction as the change, and given again. A key reused for a different request is refused.
import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type { Kysely, Transaction } from 'kysely';
import type { Principal } from './principal.ts';
import type { DB } from '../db/schema.ts';
import { badRequest, unprocessable } from './problem.ts';

/** The title of the 422 for a key sent again with another request, which pages tell apart from other 422s. */
export const IDEMPOTENCY_KEY_REUSED = 'Idempotency-Key reused';

export interface IdempotentAnswer<T> {
  status: number;
  body: T;
}

export interface IdempotencyContext {
  scope: string;
  key: string;
  requestHash: string;
}

/** Reads the Idempotency-Key header (required here) and fingerprints the request it came with. */
export function idempotencyOf(request: FastifyRequest, principal: Principal): IdempotencyContext {
  const key = request.headers['idempotency-key'];
  if (typeof key !== 'string' || !/^[\w.:-]{8,128}$/.test(key)) {
    throw badRequest('Send an Idempotency-Key header (8 to 128 letters, digits, ".", ":", "_" or "-"), new for each new request.', [
      { field: 'Idempotency-Key', message: key === undefined ? 'is required' : 'must be 8 to 128 letters, digits, ".", ":", "_" or "-"' },
    ]);
  }
  const scope = principal.kind === 'patient' ? `patient:${principal.ubrn}` : `staff:${principal.accountId}`;
  const requestHash = createHash('sha256')
    .update(`${request.method} ${request.url.split('?')[0]}\n${JSON.stringify(request.body ?? null)}`)
    .digest('hex');
  return { scope, key, requestHash };
}

/**
 * The same for a request where the key is the client's choice (creating a referral): no header, no idempotency, as
 * before; a header that is there is held to the same rules as a required one.
 */
export function optionalIdempotencyOf(request: FastifyRequest, principal: Principal): IdempotencyContext | null {
  return request.headers['idempotency-key'] === undefined ? null : idempotencyOf(request, principal);
}

/**
 * Whether an error says that another request with the same key kept its answer first (the primary key of
 * idempotent_request decides a race), so that answer is the one to give.
 */
export function isSameKeyAnsweredMeanwhile(err: unknown): boolean {
  return (err as { code?: string }).code === '23505' && (err as { constraint?: string }).constraint === 'idempotent_request_pkey';
}

/** The answer kept for this key, if any; a different request under the same key is a 422. */
export async function storedAnswer<T>(trx: Kysely<DB> | Transaction<DB>, ctx: IdempotencyContext): Promise<IdempotentAnswer<T> | null> {
  const row = await trx
    .selectFrom('idempotent_request')
    .select(['request_hash', 'status', 'body'])
    .where('scope', '=', ctx.scope)
    .where('key', '=', ctx.key)
    .executeTakeFirst();
  if (!row) return null;
  if (row.request_hash !== ctx.requestHash) {
    throw unprocessable('This Idempotency-Key was used for a different request. Use a new key for a new request.', undefined, IDEMPOTENCY_KEY_REUSED);
  }
  return { status: row.status, body: row.body as T };
}

export async function keepAnswer<T>(trx: Kysely<DB> | Transaction<DB>, ctx: IdempotencyContext, answer: IdempotentAnswer<T>): Promise<void> {
  await trx
    .insertInto('idempotent_request')
    .values({ scope: ctx.scope, key: ctx.key, request_hash: ctx.requestHash, status: answer.status, body: JSON.stringify(answer.body) })
    .execute();
}
