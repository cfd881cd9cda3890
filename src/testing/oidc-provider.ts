// A real OpenID Connect provider (oidc-provider) for tests, with its development login form, and a small
// browser stand-in that follows the provider's redirects and fills that form.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import Provider from 'oidc-provider';

export interface TestProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

/** Starts a provider on a free loopback port; `claimsFor(login)` gives the claims of whoever signs in. */
export async function startTestProvider(redirectUri: string, claimsFor: (login: string) => Record<string, unknown> = () => ({})): Promise<TestProvider> {
  const clientId = 'openchoice-test';
  const clientSecret = 'a client secret long enough for HS256 signatures';
  // The issuer URL must name the port, so listen first and attach the provider after.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const issuer = `http://127.0.0.1:${port}`;
  const provider = new Provider(issuer, {
    clients: [{ client_id: clientId, client_secret: clientSecret, redirect_uris: [redirectUri], response_types: ['code'], grant_types: ['authorization_code'] }],
    async findAccount(_ctx: unknown, sub: string) {
      return { accountId: sub, async claims() { return { sub, ...claimsFor(sub) }; } };
    },
    claims: { openid: ['sub'], profile: ['preferred_username', 'nhs_number'] },
    features: { devInteractions: { enabled: true } },
  });
  server.on('request', provider.callback());
  return { issuer, clientId, clientSecret, close: () => new Promise((r) => server.close(() => r())) };
}

/**
 * Plays the browser: opens the authorisation URL, signs in as `login` on the provider's form, consents, and
 * answers the URL the provider finally redirects to (the app's callback, with code and state).
 */
export async function signInAtProvider(authorizationUrl: URL, login: string, callbackPrefix: string): Promise<URL> {
  const jar = new Map<string, string>();
  const go = async (url: string, init: RequestInit = {}) => {
    const res = await fetch(url, { ...init, redirect: 'manual', headers: { ...((init.headers as Record<string, string>) ?? {}), cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; ') } });
    for (const c of res.headers.getSetCookie()) {
      const [pair] = c.split(';');
      const i = pair!.indexOf('=');
      jar.set(pair!.slice(0, i), pair!.slice(i + 1));
    }
    return res;
  };
  let res = await go(authorizationUrl.href);
  for (let step = 0; step < 10; step++) {
    const location = res.headers.get('location');
    if (location?.startsWith(callbackPrefix)) return new URL(location);
    if (res.status === 200) {
      const html = await res.text();
      const action = /action="([^"]+)"/.exec(html)?.[1];
      const prompt = /name="prompt" value="([^"]+)"/.exec(html)?.[1] ?? 'consent';
      if (!action) throw new Error('the provider showed a page without a form');
      const body = new URLSearchParams(prompt === 'login' ? { prompt, login, password: 'any' } : { prompt });
      res = await go(new URL(action, authorizationUrl).href, { method: 'POST', body, headers: { 'content-type': 'application/x-www-form-urlencoded' } });
    } else if (location) {
      res = await go(new URL(location, authorizationUrl).href);
    } else {
      throw new Error(`the provider answered ${res.status} with nowhere to go`);
    }
  }
  throw new Error('the sign-in did not come back to the app');
}
