import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { after, before, test } from 'node:test';
import { buildApp } from '../app.ts';
import { openDemoTestDatabase, type TestDatabase, testConfig } from '../testing/database.ts';
import { DEMO_ACCOUNTS, DEMO_PASSWORD, demoAccountsPresent, ensureDemoAccounts } from './demo-accounts.ts';

let database: TestDatabase;
before(async () => {
  database = await openDemoTestDatabase();
});
after(() => database.close());

test('the demo data set has the demo accounts (the five of the API contract and a second provider), once', async () => {
  assert.deepEqual((await demoAccountsPresent(database.db)).sort(), DEMO_ACCOUNTS.map((a) => a.username).sort());
  assert.deepEqual(await ensureDemoAccounts(database.db), []);
});

test('each demo account signs in with the demo password, at a real organisation of the demo data', async () => {
  const app = await buildApp({ config: testConfig(), database, logger: false });
  try {
    const expected = {
      'demo-referrer': ['referrer', 'GP_PRACTICE'],
      'demo-referral-centre': ['referral-centre', 'REFERRAL_CENTRE'],
      'demo-provider': ['provider', 'NHS_TRUST'],
      'demo-commissioner': ['commissioner', 'ICB'],
      'demo-admin': ['admin', 'ICB'],
    } as const;
    for (const [username, [role, kind]] of Object.entries(expected)) {
      const res = await app.inject({ method: 'POST', url: '/api/v1/auth/token', payload: { username, password: DEMO_PASSWORD } });
      assert.equal(res.statusCode, 200, username);
      assert.equal(res.json().role, role);
      const org = await database.db.selectFrom('organisation').select('kind').where('ods_code', '=', res.json().organisation.odsCode).executeTakeFirstOrThrow();
      assert.equal(org.kind, kind, username);
    }
    // The demo provider's trust has services in the directory.
    const services = await database.db.selectFrom('service').select('id').where('provider_ods_code', '=', 'RR8').execute();
    assert.ok(services.length > 10);
  } finally {
    await app.close();
  }
});

test('production mode refuses to start while demo accounts exist', { timeout: 60_000 }, async () => {
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    NODE_ENV: 'production',
    DATABASE_URL: database.url,
    ACCESS_CODE_SECRET: 'a production secret of at least 32 characters',
    PUBLIC_URL: 'https://openchoice.example.nhs.uk',
    PORT: '0',
    LOG_LEVEL: 'warn',
  };
  const child = spawn(process.execPath, ['src/server.ts'], { cwd: new URL('../../', import.meta.url).pathname, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
  assert.equal(code, 78, stderr);
  assert.match(stderr, /demo accounts exist \(.*demo-admin.*\)/);
});
