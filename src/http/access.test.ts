import assert from 'node:assert/strict';
import { test } from 'node:test';
import Fastify from 'fastify';
import { PUBLIC, requireAccessDeclarations } from './access.ts';

test('a route that does not say who may call it is refused at start-up', async () => {
  const app = Fastify();
  requireAccessDeclarations(app);
  app.get('/declared', { config: { access: PUBLIC('test') } }, async () => 'ok');
  assert.throws(() => app.get('/undeclared', async () => 'no'), /GET \/undeclared does not declare config.access/);
  await app.close();
});
