// The settings for jobs and messages: safe development defaults, no worker in tests, a whole Notify set-up in production.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { loadConfig } from '../config.ts';

const PRODUCTION = { NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', ACCESS_CODE_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://openchoice.example.nhs.uk' };

test('jobs run by default, except under test; messages go to the local log without Notify', () => {
  const dev = loadConfig({});
  assert.equal(dev.jobs.enabled, true);
  assert.equal(dev.jobs.poolSize, 3);
  assert.deepEqual(dev.messages.delivery, { via: 'local' });
  assert.equal(dev.database.kind === 'pglite' && dev.database.otherClients, 3, 'the embedded server admits the job pool too');
  assert.equal(loadConfig({ NODE_ENV: 'test' }).jobs.enabled, false);
  assert.equal(loadConfig({ NODE_ENV: 'test', JOBS_ENABLED: 'true' }).jobs.enabled, true);
});

test('Notify: template ids by KIND:channel; in production, templates and an escalation address are required', () => {
  const templates = JSON.stringify({ 'REFERRAL_LETTER:letter': 'a1', 'BOOKING_CONFIRMATION:email': 'b2' });
  const c = loadConfig({ NOTIFY_API_KEY: 'key', NOTIFY_TEMPLATE_IDS: templates });
  assert.deepEqual(c.messages.delivery, { via: 'notify', apiKey: 'key', templates: { 'REFERRAL_LETTER:letter': 'a1', 'BOOKING_CONFIRMATION:email': 'b2' } });
  assert.throws(() => loadConfig({ NOTIFY_TEMPLATE_IDS: '{"letter": "x"}' }), /NOTIFY_TEMPLATE_IDS/);
  assert.throws(() => loadConfig({ NOTIFY_TEMPLATE_IDS: 'not json' }), /NOTIFY_TEMPLATE_IDS/);
  assert.throws(() => loadConfig({ ...PRODUCTION, NOTIFY_API_KEY: 'key' }), /NOTIFY_TEMPLATE_IDS must be set[\s\S]*ASI_ESCALATION_EMAIL must be set/);
  const ok = loadConfig({ ...PRODUCTION, NOTIFY_API_KEY: 'key', NOTIFY_TEMPLATE_IDS: templates, ASI_ESCALATION_EMAIL: 'asi@icb.nhs.uk' });
  assert.equal(ok.messages.asiEscalationEmail, 'asi@icb.nhs.uk');
});
