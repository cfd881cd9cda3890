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
  app.get('/referrals/:ubrn', { config: { access: PUBLIC('test') } }, async () => 'ok');
  await app.inject({ method: 'GET', url: '/?postcode=LS1+4AP&specialty=110', headers: { authorization: 'Bearer secret-token' } });
  await app.inject({ method: 'GET', url: '/referrals/123456789012' });
  await app.close();
  const log = lines.join('');
  assert.match(log, /"path":"\/"/);
  assert.doesNotMatch(log, /LS1/);
  assert.doesNotMatch(log, /secret-token/);
  assert.match(log, /"path":"\/referrals\/<ubrn>"/);
  assert.doesNotMatch(log, /123456789012/);
});

test('a refused request is logged without what was sent', async () => {
  const { registerProblemHandlers, unprocessable } = await import('./problem.ts');
  const lines: string[] = [];
  const sink = new Writable({ write: (chunk, _enc, done) => (lines.push(String(chunk)), done()) });
  const app = Fastify({ loggerInstance: createLogger('info', sink) as FastifyBaseLogger });
  registerProblemHandlers(app);
  app.post('/x', { config: { access: PUBLIC('test') } }, async () => {
    throw unprocessable('Postcode ZZ9 9ZZ is not in the postcode directory.', [{ field: 'patient.postcode', message: 'We cannot find ZZ9 9ZZ' }]);
  });
  const res = await app.inject({ method: 'POST', url: '/x', payload: { postcode: 'ZZ9 9ZZ' } });
  await app.close();
  assert.equal(res.statusCode, 422);
  const log = lines.join('');
  assert.match(log, /request refused/);
  assert.match(log, /patient\.postcode/);
  assert.doesNotMatch(log, /ZZ9/);
});
