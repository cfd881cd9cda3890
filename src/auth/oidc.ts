// Signing in through an OpenID Connect provider: NHS CIS2 for staff, NHS login for patients, or whatever a
// deployment configures. Authorisation code flow with PKCE, state and nonce; the pending sign-in is kept in the
// database (so any app instance can finish it) and bound to the browser that started it by a cookie value, so
// nobody can make someone else's browser finish a sign-in they started.
import { createHash, randomBytes } from 'node:crypto';
import type { Kysely } from 'kysely';
import * as oidc from 'openid-client';
import type { OidcSettings } from '../config.ts';
import type { DB, StaffRole } from '../db/schema.ts';

export type Purpose = 'staff' | 'patient';

export class OidcSignInError extends Error {}

/** A sign-in must come back within this long. */
const PENDING_MINUTES = 10;

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

export class OidcSignIn {
  readonly #settings: OidcSettings;
  readonly #purpose: Purpose;
  #configuration: Promise<oidc.Configuration> | null = null;

  constructor(settings: OidcSettings, purpose: Purpose) {
    this.#settings = settings;
    this.#purpose = purpose;
  }

  /** The provider's metadata, discovered on first use and kept; a failed discovery is tried again next time. */
  #config(): Promise<oidc.Configuration> {
    const s = this.#settings;
    this.#configuration ??= oidc
      .discovery(new URL(s.issuer), s.clientId, s.clientSecret, undefined, s.allowHttp ? { execute: [oidc.allowInsecureRequests] } : {})
      .catch((err: unknown) => {
        this.#configuration = null;
        throw err;
      });
    return this.#configuration;
  }

  /** Where to send the browser, and the value the browser must keep (in a cookie) to finish. */
  async begin(db: Kysely<DB>): Promise<{ url: URL; browserValue: string }> {
    const config = await this.#config();
    const state = oidc.randomState();
    const nonce = oidc.randomNonce();
    const codeVerifier = oidc.randomPKCECodeVerifier();
    const browserValue = randomBytes(32).toString('base64url');
    await db.deleteFrom('oidc_pending').where('created_at', '<', new Date(Date.now() - PENDING_MINUTES * 60_000)).execute();
    await db.insertInto('oidc_pending').values({ state, purpose: this.#purpose, nonce, code_verifier: codeVerifier, browser_hash: sha256(browserValue) }).execute();
    const url = oidc.buildAuthorizationUrl(config, {
      redirect_uri: this.#settings.redirectUri,
      scope: this.#settings.scope,
      state,
      nonce,
      code_challenge: await oidc.calculatePKCECodeChallenge(codeVerifier),
      code_challenge_method: 'S256',
    });
    return { url, browserValue };
  }

  /**
   * Finishes a sign-in from the provider's redirect: checks it against the pending one (once only), exchanges the
   * code and verifies the ID token. Answers the subject ('<issuer>|<sub>') and the verified claims.
   */
  async complete(db: Kysely<DB>, callbackUrl: URL, browserValue: string | undefined): Promise<{ subject: string; claims: Record<string, unknown> }> {
    const state = callbackUrl.searchParams.get('state');
    if (!state) throw new OidcSignInError('The identity provider did not say which sign-in this is.');
    const pending = await db.deleteFrom('oidc_pending').where('state', '=', state).where('purpose', '=', this.#purpose).returningAll().executeTakeFirst();
    if (!pending || Date.now() - new Date(pending.created_at).getTime() > PENDING_MINUTES * 60_000) {
      throw new OidcSignInError('This sign-in has expired or was already used. Start again.');
    }
    if (!browserValue || sha256(browserValue) !== pending.browser_hash) {
      throw new OidcSignInError('This sign-in was started in another browser. Start again.');
    }
    const config = await this.#config();
    const tokens = await oidc
      .authorizationCodeGrant(config, callbackUrl, { pkceCodeVerifier: pending.code_verifier, expectedState: state, expectedNonce: pending.nonce, idTokenExpected: true })
      .catch((err: unknown) => {
        throw new OidcSignInError(`The identity provider's answer could not be verified: ${(err as Error).message}`);
      });
    const claims = tokens.claims();
    if (!claims) throw new OidcSignInError('The identity provider sent no ID token.');
    // Providers give most claims (NHS login's nhs_number, CIS2's roles) from UserInfo rather than the ID token.
    // The ID token's verified claims win where both have one.
    const userInfo = tokens.access_token ? await oidc.fetchUserInfo(config, tokens.access_token, claims.sub) : {};
    return { subject: `${claims.iss}|${claims.sub}`, claims: { ...userInfo, ...claims } };
  }
}

/** The active staff account linked to an identity provider's subject, if any. */
export async function accountForSubject(db: Kysely<DB>, subject: string): Promise<{ id: number; role: StaffRole } | null> {
  const row = await db.selectFrom('account').select(['id', 'role']).where('oidc_subject', '=', subject).where('active', '=', true).executeTakeFirst();
  return row ?? null;
}
