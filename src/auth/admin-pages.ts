// Administrators' pages for sign-in protection: the accounts locked now, unlocking one after a confirmation, and the
// security events.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import type { SecurityEventKind } from '../db/schema.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { foundOrNull } from '../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { lockedAccounts, unlockAccount } from './lockouts.ts';
import { listSecurityEvents } from './security-events.ts';

// Words for every kind: the compiler refuses a new kind without them.
const KIND_TEXT: Readonly<Record<SecurityEventKind, string>> = {
  ACCOUNT_LOCKED: 'Account locked',
  ACCOUNT_LOCKED_REPEATEDLY: 'Account locked repeatedly',
  ACCOUNT_UNLOCKED: 'Account unlocked',
  ADDRESS_LIMITED: 'Address over its limit',
};

const LIST = '/admin/locked-accounts';
// Only a username-shaped value is echoed back in the banner after an unlock, never any text a link may carry.
const usernameShaped = (value: unknown): string | null => (typeof value === 'string' && /^[\w.@-]{1,100}$/.test(value) ? value : null);

export function authAdminPages({ database }: { database: Database }) {
  const { db } = database;
  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));
    const admin = { config: { access: ROLES('admin'), page: true } };

    app.get(LIST, admin, async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      return sendPage(request, reply, 'admin-locked-accounts.njk', {
        title: 'Locked accounts',
        accounts: await lockedAccounts(db),
        unlocked: usernameShaped(query.unlocked),
        notLocked: usernameShaped(query.notLocked),
      });
    });

    app.get<{ Params: { username: string } }>(`${LIST}/:username/unlock`, admin, async (request, reply) => {
      const username = request.params.username.toLowerCase();
      const account = (await lockedAccounts(db)).find((a) => a.username.toLowerCase() === username);
      if (!account) return seeOther(reply, `${LIST}?notLocked=${encodeURIComponent(request.params.username)}`);
      return sendPage(request, reply, 'admin-unlock.njk', { title: `Unlock ${account.username}'s account?`, account });
    });

    app.post<{ Params: { username: string } }>(`${LIST}/:username/unlock`, admin, async (request, reply) => {
      const result = await foundOrNull(() => unlockAccount(db, request.log, staffOf(request), request.params.username));
      if (!result) return notFoundPage(request, reply);
      const outcome = result.wasLocked ? 'unlocked' : 'notLocked';
      return seeOther(reply, `${LIST}?${outcome}=${encodeURIComponent(result.username)}`);
    });

    app.get('/admin/security-events', admin, async (request, reply) => {
      const asked = (request.query as Record<string, unknown>).kind;
      const kind = typeof asked === 'string' && asked in KIND_TEXT ? (asked as SecurityEventKind) : undefined;
      const kinds = [
        { value: '', text: 'Every kind of event', selected: kind === undefined },
        ...Object.entries(KIND_TEXT).map(([value, text]) => ({ value, text, selected: value === kind })),
      ];
      const events = await listSecurityEvents(db, { kind, limit: 200 });
      return sendPage(request, reply, 'admin-security-events.njk', { title: 'Security events', events, kinds, kindText: KIND_TEXT, selectedKind: kind });
    });
  };
}
