// Security headers on every response, and a Content-Security-Policy with a fresh nonce for each page. The
// nonce is made only when a page is rendered (`pageNonce`), so JSON answers, which run no script, pay nothing
// for it and get a policy that allows nothing at all.
import { randomBytes } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { Config } from '../config.ts';

const NONCES = new WeakMap<FastifyReply, string>();

function pagePolicy(nonce: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' 'nonce-${nonce}'`,
    `style-src 'self' 'nonce-${nonce}'`,
    "img-src 'self' data:",
    // nhsuk-frontend's stylesheet loads the NHS typeface (Frutiger) from assets.nhs.uk.
    "font-src 'self' data: https://assets.nhs.uk",
    "connect-src 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
    "base-uri 'self'",
    "object-src 'none'",
  ].join('; ');
}

const NOTHING = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'";

/** The nonce for this page's scripts and styles; the first call sets the page's policy. */
export function pageNonce(reply: FastifyReply): string {
  let nonce = NONCES.get(reply);
  if (!nonce) {
    nonce = randomBytes(16).toString('hex');
    NONCES.set(reply, nonce);
    reply.header('content-security-policy', pagePolicy(nonce));
  }
  return nonce;
}

export function registerSecurityHeaders(app: FastifyInstance, config: Pick<Config, 'env'>): void {
  const production = config.env === 'production';
  app.addHook('onSend', async (_request, reply) => setSecurityHeaders(reply, production));
}

/**
 * The headers every answer carries. Also called directly where no hook runs: the answers to requests the framework
 * refuses before routing them (src/web/framework-errors.ts).
 */
export function setSecurityHeaders(reply: FastifyReply, production: boolean): void {
  const policy = reply.getHeader('content-security-policy');
  if (policy === undefined) reply.header('content-security-policy', NOTHING);
  else if (production && !String(policy).includes('upgrade-insecure-requests')) reply.header('content-security-policy', `${String(policy)}; upgrade-insecure-requests`);
  reply.header('x-content-type-options', 'nosniff');
  reply.header('x-frame-options', 'DENY');
  reply.header('referrer-policy', 'same-origin');
  reply.header('cross-origin-opener-policy', 'same-origin');
  reply.header('cross-origin-resource-policy', 'same-origin');
  // Only where the service is served over https.
  if (production) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
}
