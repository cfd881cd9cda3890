// Security events: what an operator or an administrator must be able to look back on when sign-in protection acts
// (an account locked, locked again and again, unlocked by someone, an address over its limit). Each is a row in
// security_event and one log line at warn carrying `securityEvent: <kind>`, for the log pipeline's alerts.
//
// The source address is personal data. It is stored and logged only as a keyed hash: events from one place still
// group together, and an investigator who already has an address (from the reverse proxy's logs) can find its
// events (the API hashes an `address` query the same way), but the table and the logs alone reveal no address. The
// key is derived from ACCESS_CODE_SECRET, so a copy of the database without the settings cannot be reversed by
// hashing all 2^32 IPv4 addresses. Patients' UBRNs are stored (administrators may see them) but never logged.
import { createHmac } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import type { DB, SecurityEventKind } from '../db/schema.ts';
import { signInLockouts } from '../http/metrics.ts';
import type { LimitedKey } from './rate-limit.ts';

/** What this module needs of a logger (pino's, or a request's). */
export interface SecurityLog {
  warn(details: object, message: string): void;
}

/** Who is signing in, as far as the security events are concerned: where from, and where to log. */
export interface SignInWatch {
  address: string;
  log: SecurityLog;
  /** The key of the addresses' hashes (see above). */
  addressSecret: string;
}

/** Lockouts of one account within this long that count as "repeated". */
export const REPEATED_LOCKOUTS = { count: 3, withinHours: 24 };

export function addressHash(secret: string, address: string): string {
  return createHmac('sha256', `security-event-address:${secret}`).update(address).digest('hex').slice(0, 16);
}

export interface NewSecurityEvent {
  kind: SecurityEventKind;
  account: string | null;
  addressHash: string | null;
  actorAccountId?: number | null;
  detail: string;
}

export async function recordSecurityEvent(db: Kysely<DB>, log: SecurityLog, event: NewSecurityEvent): Promise<void> {
  await db
    .insertInto('security_event')
    .values({ kind: event.kind, account: event.account, source_address_hash: event.addressHash, actor_account_id: event.actorAccountId ?? null, detail: event.detail })
    .execute();
  // A staff username is no patient data; a UBRN is, and stays out of the log (the row has it).
  const account = event.account?.startsWith('ubrn:') ? 'a patient\'s UBRN' : event.account;
  log.warn({ securityEvent: event.kind, account, addressHash: event.addressHash, detail: event.detail }, `security event ${event.kind}`);
}

/** How failures under a key are named as an account in security events: the username, or `ubrn:` and the UBRN. */
function accountOfKey(key: string): string {
  return key.startsWith('user:') ? key.slice('user:'.length) : key;
}

/**
 * After a failed sign-in has been recorded under its keys: the account's and the address's limits that this very
 * failure reached become events (ACCOUNT_LOCKED, then ACCOUNT_LOCKED_REPEATEDLY on the third within 24 hours;
 * ADDRESS_LIMITED). `reached` are the keys whose limit the failure reached (src/auth/rate-limit.ts).
 */
export async function noteLimitsReached(
  db: Kysely<DB>,
  watch: SignInWatch,
  keys: { account: LimitedKey; address: LimitedKey },
  reached: readonly LimitedKey[],
): Promise<void> {
  const hash = addressHash(watch.addressSecret, watch.address);
  if (reached.includes(keys.account)) {
    const account = accountOfKey(keys.account.key);
    const minutes = Math.round(keys.account.limit.windowSeconds / 60);
    signInLockouts.inc({ limit: 'account' });
    await recordSecurityEvent(db, watch.log, {
      kind: 'ACCOUNT_LOCKED',
      account,
      addressHash: hash,
      detail: `${keys.account.limit.maxFailures} failed sign-ins within ${minutes} minutes`,
    });
    const lockouts = await countEvents(db, 'ACCOUNT_LOCKED', account, REPEATED_LOCKOUTS.withinHours);
    if (lockouts >= REPEATED_LOCKOUTS.count) {
      await recordSecurityEvent(db, watch.log, {
        kind: 'ACCOUNT_LOCKED_REPEATEDLY',
        account,
        addressHash: hash,
        detail: `${lockouts} lockouts within ${REPEATED_LOCKOUTS.withinHours} hours`,
      });
    }
  }
  if (reached.includes(keys.address)) {
    signInLockouts.inc({ limit: 'address' });
    await recordSecurityEvent(db, watch.log, {
      kind: 'ADDRESS_LIMITED',
      account: null,
      addressHash: hash,
      detail: `${keys.address.limit.maxFailures} failed sign-ins from one address within ${Math.round(keys.address.limit.windowSeconds / 60)} minutes`,
    });
  }
}

async function countEvents(db: Kysely<DB>, kind: SecurityEventKind, account: string, withinHours: number): Promise<number> {
  const row = await db
    .selectFrom('security_event')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .where('kind', '=', kind)
    .where('account', '=', account)
    .where(sql<boolean>`occurred_at > now() - make_interval(hours => ${withinHours})`)
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

/**
 * How long security events are kept: two years, long enough to look back on a slow attack or answer a DSPT audit
 * (NCSC's logging guidance asks for at least six months), not for ever, as they name accounts and hold UBRNs.
 */
export const SECURITY_EVENT_RETENTION_DAYS = 730;

/** Deletes the events older than the retention period (the daily job); returns how many. */
export async function purgeSecurityEvents(db: Kysely<DB>, now = new Date()): Promise<number> {
  const result = await db
    .deleteFrom('security_event')
    .where(sql<boolean>`occurred_at < ${now}::timestamptz - make_interval(days => ${SECURITY_EVENT_RETENTION_DAYS})`)
    .executeTakeFirst();
  return Number(result.numDeletedRows);
}

export interface SecurityEvent {
  id: string;
  kind: SecurityEventKind;
  account: string | null;
  addressHash: string | null;
  /** The administrator who acted (an unlock), by username. */
  actor: string | null;
  occurredAt: Date;
  detail: string;
}

export interface SecurityEventFilter {
  kind?: SecurityEventKind | undefined;
  account?: string | undefined;
  addressHash?: string | undefined;
  limit: number;
}

/** Newest first. */
export async function listSecurityEvents(db: Kysely<DB>, filter: SecurityEventFilter): Promise<SecurityEvent[]> {
  let query = db
    .selectFrom('security_event as e')
    .leftJoin('account as a', 'a.id', 'e.actor_account_id')
    .select(['e.id', 'e.kind', 'e.account', 'e.source_address_hash', 'e.occurred_at', 'e.detail', 'a.username as actor'])
    .orderBy('e.occurred_at', 'desc')
    .orderBy('e.id', 'desc')
    .limit(filter.limit);
  if (filter.kind) query = query.where('e.kind', '=', filter.kind);
  if (filter.account) query = query.where('e.account', '=', filter.account.toLowerCase());
  if (filter.addressHash) query = query.where('e.source_address_hash', '=', filter.addressHash);
  const rows = await query.execute();
  return rows.map((r) => ({
    id: String(r.id),
    kind: r.kind,
    account: r.account,
    addressHash: r.source_address_hash,
    actor: r.actor,
    occurredAt: new Date(r.occurred_at),
    detail: r.detail,
  }));
}
