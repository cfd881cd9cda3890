import assert from 'node:assert/strict';
import { test } from 'node:test';
import { issueToken } from '../auth/sessions.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { createScratchDatabase } from '../testing/database.ts';
import { purgeExpired } from './purge.ts';

test('ended sessions, abandoned identity-provider sign-ins and old failures are deleted a day after they end; kept idempotent answers after a week', async () => {
  const database = await createScratchDatabase('purge');
  try {
    const { db } = database;
    await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
    const id = await createAccount(database, 'someone', 'referrer', 'GP1');
    // Four sessions: live, expired a minute ago, expired two days ago, revoked two days ago.
    for (const kind of ['api', 'page', 'page', 'api'] as const) await issueToken(db, id, kind);
    const [, justExpired, longExpired, longRevoked] = (await db.selectFrom('auth_session').select('token_hash').orderBy('created_at').execute()).map((r) => r.token_hash);
    const twoDaysAgo = new Date(Date.now() - 2 * 86_400_000);
    await db.updateTable('auth_session').set({ expires_at: new Date(Date.now() - 60_000) }).where('token_hash', '=', justExpired!).execute();
    await db.updateTable('auth_session').set({ expires_at: twoDaysAgo }).where('token_hash', '=', longExpired!).execute();
    await db.updateTable('auth_session').set({ revoked_at: twoDaysAgo }).where('token_hash', '=', longRevoked!).execute();
    await db.insertInto('oidc_pending').values([
      { state: 'old', purpose: 'staff', nonce: 'n', code_verifier: 'v', browser_hash: 'h', created_at: twoDaysAgo },
      { state: 'new', purpose: 'staff', nonce: 'n', code_verifier: 'v', browser_hash: 'h' },
    ]).execute();
    await db.insertInto('sign_in_failure').values([{ key: 'user:x', failed_at: twoDaysAgo }, { key: 'user:x' }]).execute();
    const answer = { request_hash: 'h', status: 201, body: '{}' };
    await db.insertInto('idempotent_request').values([
      { scope: 'staff:1', key: 'eight-days-old', ...answer, created_at: new Date(Date.now() - 8 * 86_400_000) },
      { scope: 'staff:1', key: 'six-days-old', ...answer, created_at: new Date(Date.now() - 6 * 86_400_000) },
    ]).execute();

    const report = await purgeExpired(db);
    assert.deepEqual(report, { sessions: 2, pendingSignIns: 1, signInFailures: 1, idempotentAnswers: 1 });
    assert.deepEqual((await db.selectFrom('idempotent_request').select('key').execute()).map((r) => r.key), ['six-days-old']);
    assert.equal((await db.selectFrom('auth_session').select('token_hash').execute()).length, 2, 'the live one and the one that just expired stay');
    assert.deepEqual((await db.selectFrom('oidc_pending').select('state').execute()).map((r) => r.state), ['new']);
    assert.equal((await db.selectFrom('sign_in_failure').select('key').execute()).length, 1);
    assert.deepEqual(await purgeExpired(db), { sessions: 0, pendingSignIns: 0, signInFailures: 0, idempotentAnswers: 0 }, 'idempotent');
  } finally {
    await database.drop();
  }
});
