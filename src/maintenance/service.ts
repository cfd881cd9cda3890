// Maintenance mode: while it is on, every instance refuses writes and keeps answering reads, so an operator can
// repair data, restore a backup or migrate with nobody's change lost half-way. An admin turns it on and off (the
// API or /admin/maintenance), which reaches every instance through the database; MAINTENANCE_UNTIL turns it on for
// one instance from its settings (for a deployment that cannot yet reach its database, or a planned window).
//
// Each instance reads the switch at most once per `maxAgeMs` (1 s by default): a write may still be accepted by
// another instance for that long after the switch, which is why the admin's page says to wait a few seconds before
// starting work. The one row is read directly rather than through a VersionedCache: reading it costs the same
// single query as reading a version would.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { formatDateTime } from '../domain/dates.ts';
import { conflict, unprocessable } from '../http/problem.ts';
import type { StaffPrincipal } from '../http/principal.ts';

export type MaintenanceState =
  | { on: false }
  | {
      on: true;
      since: Date;
      /** When the work is expected to end: what users are told. Writes stay refused after it until turned off. */
      until: Date;
      /** The admin's username, or null when a setting turned it on. */
      by: string | null;
      /** Whether it was turned on by MAINTENANCE_UNTIL, which only a change of settings turns off. */
      fromSetting: boolean;
    };

const OFF: MaintenanceState = { on: false };
/** The longest a period may be planned for: a typing slip of a year would otherwise stop writes for a year. */
export const MAX_PERIOD_HOURS = 72;

export class MaintenanceSwitch {
  readonly #db: Kysely<DB>;
  readonly #settingUntil: Date | null;
  readonly #maxAgeMs: number;
  readonly #now: () => Date;
  #state: MaintenanceState = OFF;
  #checkedAt = Number.NEGATIVE_INFINITY;
  #reading: Promise<MaintenanceState> | null = null;

  constructor(db: Kysely<DB>, options: { settingUntil?: Date | null; maxAgeMs?: number; now?: () => Date } = {}) {
    this.#db = db;
    this.#settingUntil = options.settingUntil ?? null;
    this.#maxAgeMs = options.maxAgeMs ?? 1000;
    this.#now = options.now ?? (() => new Date());
  }

  /** The state as of at most `maxAgeMs` ago. */
  async current(): Promise<MaintenanceState> {
    const now = this.#now();
    if (this.#settingUntil && now < this.#settingUntil) {
      return { on: true, since: now, until: this.#settingUntil, by: null, fromSetting: true };
    }
    if (Date.now() - this.#checkedAt < this.#maxAgeMs) return this.#state;
    return (this.#reading ??= this.#read().finally(() => (this.#reading = null)));
  }

  async #read(): Promise<MaintenanceState> {
    try {
      const row = await this.#db
        .selectFrom('maintenance_period')
        .select(['started_at', 'started_by', 'expected_until'])
        .where('ended_at', 'is', null)
        .executeTakeFirst();
      this.#state = row ? { on: true, since: row.started_at, until: row.expected_until, by: row.started_by, fromSetting: false } : OFF;
      this.#checkedAt = Date.now();
    } catch {
      // The database is unreachable: answer what was last known and ask again next time. A write let through
      // meets the same unreachable database and is answered 503 by the error handler.
    }
    return this.#state;
  }

  /** Turns maintenance on for every instance until about `until`. */
  async turnOn(staff: StaffPrincipal, until: Date): Promise<MaintenanceState> {
    const now = this.#now();
    if (!(until.getTime() > now.getTime())) throw unprocessable('The expected end must be in the future.', [{ field: 'until', message: 'must be in the future' }]);
    if (until.getTime() - now.getTime() > MAX_PERIOD_HOURS * 3_600_000) {
      throw unprocessable(`The expected end must be within ${MAX_PERIOD_HOURS} hours.`, [{ field: 'until', message: `must be within ${MAX_PERIOD_HOURS} hours` }]);
    }
    const inserted = await this.#db
      .insertInto('maintenance_period')
      .values({ started_at: now, started_by: staff.username, expected_until: until })
      // Another admin got there first (the unique index on the open period): theirs stands.
      .onConflict((oc) => oc.doNothing())
      .returning('id')
      .executeTakeFirst();
    this.#checkedAt = Number.NEGATIVE_INFINITY;
    const state = await this.current();
    if (!inserted) throw conflict(`Maintenance mode is already on${state.on && state.by ? `, turned on by ${state.by}` : ''}.`);
    return state;
  }

  /** Turns maintenance off (every instance within `maxAgeMs`). */
  async turnOff(staff: StaffPrincipal): Promise<MaintenanceState> {
    if (this.#settingUntil && this.#now() < this.#settingUntil) {
      throw conflict('Maintenance mode was turned on by the MAINTENANCE_UNTIL setting of this instance: remove the setting and restart it.');
    }
    const ended = await this.#db
      .updateTable('maintenance_period')
      .set({ ended_at: this.#now(), ended_by: staff.username })
      .where('ended_at', 'is', null)
      .returning('id')
      .executeTakeFirst();
    this.#checkedAt = Number.NEGATIVE_INFINITY;
    if (!ended) throw conflict('Maintenance mode is not on.');
    return this.current();
  }
}

/** How long a client should wait before trying a write again: until the expected end, and at least a minute. */
export function retryAfterSeconds(state: MaintenanceState & { on: true }, now = new Date()): number {
  return Math.max(60, Math.ceil((state.until.getTime() - now.getTime()) / 1000));
}

/** What every refused write says. */
export function maintenanceDetail(state: MaintenanceState & { on: true }, now = new Date()): string {
  const until = formatDateTime(state.until);
  return state.until > now
    ? `OpenChoice is in maintenance until ${until} (UK time): reads work, but nothing can be changed until then. Try again later.`
    : `OpenChoice is in maintenance, expected to have ended at ${until} (UK time) but still going on: reads work, but nothing can be changed yet. Try again later.`;
}
