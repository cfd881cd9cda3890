import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError, loadConfig } from './config.ts';

test('defaults give an embedded database on port 3000 with demo data', () => {
  const c = loadConfig({});
  assert.equal(c.port, 3000);
  assert.equal(c.database.kind, 'pglite');
  assert.equal(c.loadDemoData, true);
  assert.equal(c.defaultMaxDistanceKm, 80);
});

test('DATABASE_URL selects PostgreSQL', () => {
  const c = loadConfig({ DATABASE_URL: 'postgres://u@localhost/db' });
  assert.deepEqual(c.database, { kind: 'postgres', url: 'postgres://u@localhost/db', poolSize: 10 });
});

test('bad settings are all reported', () => {
  assert.throws(() => loadConfig({ PORT: 'abc', DATABASE_URL: 'mysql://x' }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /PORT/);
    assert.match(e.message, /DATABASE_URL/);
    return true;
  });
});

test('production refuses the embedded database and demo data', () => {
  assert.throws(() => loadConfig({ NODE_ENV: 'production' }), /DATABASE_URL must be set/);
  assert.throws(
    () => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', LOAD_DEMO_DATA: 'true' }),
    /LOAD_DEMO_DATA/,
  );
  assert.throws(() => loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y' }), /ACCESS_CODE_SECRET must be set/);
  const ok = loadConfig({ NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', ACCESS_CODE_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://openchoice.example.nhs.uk' });
  assert.equal(ok.loadDemoData, false);
});

test('PUBLIC_URL, the address every letter and message gives patients, is required in production', () => {
  const production = { NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', ACCESS_CODE_SECRET: 'x'.repeat(32) };
  assert.throws(() => loadConfig(production), /PUBLIC_URL must be set to the address patients use/);
  assert.throws(() => loadConfig({ ...production, PUBLIC_URL: 'openchoice.example.nhs.uk' }), /PUBLIC_URL: must be the address patients use/);
  assert.equal(loadConfig({ ...production, PUBLIC_URL: 'https://openchoice.example.nhs.uk/' }).publicUrl, 'https://openchoice.example.nhs.uk');
  // Outside production a laptop's address will do.
  assert.equal(loadConfig({ PORT: '3100' }).publicUrl, 'http://localhost:3100');
});

test('OpenID Connect: all four settings or none', () => {
  assert.equal(loadConfig({}).oidc, null);
  assert.throws(() => loadConfig({ OIDC_ISSUER: 'https://idp.example' }), /OpenID Connect needs OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, OIDC_REDIRECT_URI as well/);
  const full = {
    OIDC_ISSUER: 'https://idp.example',
    OIDC_CLIENT_ID: 'openchoice',
    OIDC_CLIENT_SECRET: 's',
    OIDC_REDIRECT_URI: 'https://openchoice.example/sign-in/oidc/callback',
  };
  assert.deepEqual(loadConfig(full).oidc, {
    issuer: 'https://idp.example',
    clientId: 'openchoice',
    clientSecret: 's',
    redirectUri: 'https://openchoice.example/sign-in/oidc/callback',
    scope: 'openid profile',
    allowHttp: false,
  });
  assert.throws(
    () => loadConfig({ ...full, OIDC_ALLOW_HTTP: 'true', NODE_ENV: 'production', DATABASE_URL: 'postgres://x/y', ACCESS_CODE_SECRET: 'x'.repeat(32), PUBLIC_URL: 'https://openchoice.example' }),
    /OIDC_ALLOW_HTTP must not be true in production/,
  );
});

test('TRUSTED_PROXIES: addresses and ranges, checked; unset trusts no proxy', () => {
  assert.deepEqual(loadConfig({}).trustedProxies, []);
  assert.deepEqual(loadConfig({ TRUSTED_PROXIES: '10.0.0.1, 10.1.0.0/16,fd00::/8 ,' }).trustedProxies, ['10.0.0.1', '10.1.0.0/16', 'fd00::/8']);
  assert.throws(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.1,proxy.example,10.0.0.0/33' }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.match(e.message, /TRUSTED_PROXIES: must be addresses or ranges like 10\.0\.0\.1 or 10\.0\.0\.0\/8, separated by commas \(not proxy\.example, 10\.0\.0\.0\/33\)/);
    return true;
  });
  assert.throws(() => loadConfig({ TRUSTED_PROXIES: '10.0.0.1/8/8' }), /TRUSTED_PROXIES/);
});

test('Notify templates may be set per version of a letter: easy read and Welsh', () => {
  const templates = JSON.stringify({ 'REFERRAL_LETTER:letter': 'a', 'REFERRAL_LETTER:letter:welsh': 'b', 'BOOKING_CONFIRMATION:email:easy-read': 'c' });
  const delivery = loadConfig({ NOTIFY_API_KEY: 'key', NOTIFY_TEMPLATE_IDS: templates }).messages.delivery;
  assert.deepEqual(delivery.via === 'notify' && delivery.templates, JSON.parse(templates));
  assert.throws(() => loadConfig({ NOTIFY_TEMPLATE_IDS: JSON.stringify({ 'REFERRAL_LETTER:letter:klingon': 'x' }) }), /NOTIFY_TEMPLATE_IDS/);
});
