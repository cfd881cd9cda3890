import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import Fastify, { type FastifyBaseLogger } from 'fastify';
import { PUBLIC } from './access.ts';
import { createLogger } from './logging.ts';

test('request logs keep the path but never the query string or credentials', async () => {
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  const app = Fastify({ loggerInstance: createLogger('info', sink) as FastifyBaseLogger });
  app.get('/', { config: { access: PUBLIC('test') } }, async () => 'ok');
  await app.inject({ method: 'GET', url: '/?postcode=LS1+4AP&specialty=110', headers: { authorization: 'Bearer secret-token' } });
  await app.close();
  const log = lines.join('');
  assert.match(log, /"path":"\/"/);
  assert.doesNotMatch(log, /LS1/);
  assert.doesNotMatch(log, /secret-token/);
});
