// The one way importers write rows: batched `insert … select from unnest(…)` with an upsert that only
// touches rows whose values changed, so a re-run is a no-op and the counts say what happened.
import type pg from 'pg';
import type { TableCounts } from './report.ts';

export type SqlType = 'text' | 'float8' | 'int4' | 'bool' | 'date';

export interface UpsertSpec {
  table: string;
  /** Column name → SQL type, in the order rows are given. */
  columns: Record<string, SqlType>;
  key: string[];
  /** Columns an existing row takes from the input; default every non-key column. [] = insert only. */
  update?: string[];
  /** A timestamp column set to now() whenever a row is updated. */
  touch?: string;
  /**
   * false: the caller makes the key unique itself (a bulk load that builds the key after the last row, and removes
   * repeats then), so rows are not remembered here: for 1.75 M postcodes the set of keys cost a second.
   */
  dedupe?: boolean;
}

export type Queryable = Pick<pg.ClientBase, 'query'> & {
  /** Where the database offers it (embedded PGlite), a bulk COPY of CSV rows in the same transaction. */
  copyCsv?: (table: string, columns: readonly string[], csv: string | Uint8Array) => Promise<void>;
  /** The same, of rows in binary COPY format (copy-binary.ts). */
  copyBinary?: (table: string, columns: readonly string[], data: Uint8Array) => Promise<void>;
};

/**
 * A client inside a caller's transaction, with the database's COPY where it has one (embedded PGlite: there COPY
 * runs on its one session, so in that same transaction).
 */
export function bulkLoader(client: Pick<pg.ClientBase, 'query'>, database: { copyCsv?: Queryable['copyCsv']; copyBinary?: Queryable['copyBinary'] }): Queryable {
  if (!database.copyCsv) return client;
  return { query: client.query.bind(client) as typeof client.query, copyCsv: database.copyCsv, copyBinary: database.copyBinary };
}

const BATCH_ROWS = 20_000;
/** COPY into embedded PGlite costs per statement more than per row: 200,000 rows a batch took half the time of 20,000. */
export const COPY_BATCH_ROWS = 200_000;

export class BatchUpsert {
  readonly #client: Queryable;
  readonly #sql: string;
  readonly #insertSql: string;
  readonly #table: string;
  /** Plain inserts are about twice as fast as upserts; used when the table was empty at the start. */
  #plainInsert: boolean | null = null;
  #inFlight: Promise<void> = Promise.resolve();
  readonly #names: string[];
  readonly #keyIndexes: number[];
  readonly #counts: TableCounts;
  readonly #seen: Set<string> | null;
  readonly #batchRows: number;
  /** The batch being filled, one array per column (the shape unnest takes). */
  #batch: unknown[][];
  /** Batches that reached BATCH_ROWS and wait for flushFull: adding rows never waits for the database. */
  readonly #full: unknown[][][] = [];

  /** Rows that repeat a key already given; the first one wins. */
  duplicates = 0;

  constructor(client: Queryable, spec: UpsertSpec, counts: TableCounts) {
    this.#client = client;
    this.#counts = counts;
    this.#names = Object.keys(spec.columns);
    this.#keyIndexes = spec.key.map((k) => this.#names.indexOf(k));
    this.#batch = this.#names.map(() => []);
    this.#sql = upsertSql(spec);
    this.#insertSql = insertSql(spec);
    this.#table = spec.table;
    this.#seen = spec.dedupe === false ? null : new Set<string>();
    this.#batchRows = client.copyCsv ? COPY_BATCH_ROWS : BATCH_ROWS;
  }

  /**
   * Queues one row (values in column order). Returns false for a duplicate key. Synchronous, so that callers
   * can add a chunk's worth of rows without a promise each; flushFull then writes the batches that filled.
   */
  add(row: readonly unknown[]): boolean {
    if (this.#seen) {
      const key = this.#keyIndexes.length === 1 ? String(row[this.#keyIndexes[0]!]) : this.#keyIndexes.map((i) => row[i]).join('\u0000');
      if (this.#seen.has(key)) {
        this.duplicates++;
        return false;
      }
      this.#seen.add(key);
    }
    for (let i = 0; i < row.length; i++) this.#batch[i]!.push(row[i]);
    if (this.#batch[0]!.length >= this.#batchRows) {
      this.#full.push(this.#batch);
      this.#batch = this.#names.map(() => []);
    }
    return true;
  }

  /**
   * Writes the batches that are full, leaving the last one in flight. Call it after each chunk of input: it
   * only waits when a previous batch is still being written, which keeps memory to about two batches.
   */
  async flushFull(): Promise<void> {
    for (let batch = this.#full.shift(); batch; batch = this.#full.shift()) await this.#send(batch);
  }

  /** Writes everything queued and waits for it. */
  async flush(): Promise<void> {
    await this.flushFull();
    const last = this.#batch;
    this.#batch = this.#names.map(() => []);
    await this.#send(last);
    await this.#inFlight;
  }

  /**
   * Sends a batch without waiting for the answer, so reading the next batch overlaps with the database
   * writing this one; at most one batch is in flight.
   */
  async #send(params: unknown[][]): Promise<void> {
    await this.#inFlight;
    const n = params[0]!.length;
    if (n === 0) return;
    this.#plainInsert ??= (await this.#client.query(`select not exists (select 1 from ${this.#table}) as empty`)).rows[0].empty === true;
    const write = this.#plainInsert ? this.#insert(params, n) : this.#upsert(params, n);
    // Handled when awaited later; this stops Node treating an early failure as unhandled meanwhile.
    write.catch(() => {});
    this.#inFlight = write;
  }

  async #insert(params: unknown[][], n: number): Promise<void> {
    if (this.#client.copyCsv) await this.#client.copyCsv(this.#table, this.#names, csvOf(params, n));
    else await this.#client.query(this.#insertSql, params);
    this.#counts.inserted += n;
  }

  async #upsert(params: unknown[][], n: number): Promise<void> {
    const { rows } = await this.#client.query<{ inserted: number; updated: number }>(this.#sql, params);
    const { inserted, updated } = rows[0]!;
    this.#counts.inserted += inserted;
    this.#counts.updated += updated;
    this.#counts.unchanged += n - inserted - updated;
  }
}

/** A batch (one array per column) as CSV rows for COPY: null unquoted, text always quoted (so '' stays ''). */
export function csvOf(params: readonly unknown[][], n: number): string {
  const lines: string[] = new Array(n);
  for (let r = 0; r < n; r++) {
    let line = '';
    for (let c = 0; c < params.length; c++) {
      if (c > 0) line += ',';
      const v = params[c]![r];
      if (v === null || v === undefined) continue;
      if (typeof v === 'number') {
        if (!Number.isFinite(v)) throw new Error(`cannot COPY the number ${v}`);
        line += String(v);
      } else if (typeof v === 'boolean') line += v ? 't' : 'f';
      else if (v instanceof Date) line += v.toISOString();
      else line += `"${String(v).replaceAll('"', '""')}"`;
    }
    lines[r] = line;
  }
  return `${lines.join('\n')}\n`;
}

function unnestOf(spec: UpsertSpec): string {
  return Object.keys(spec.columns).map((n, i) => `$${i + 1}::${spec.columns[n]}[]`).join(', ');
}

function insertSql(spec: UpsertSpec): string {
  return `insert into ${spec.table} (${Object.keys(spec.columns).join(', ')}) select * from unnest(${unnestOf(spec)})`;
}

function upsertSql(spec: UpsertSpec): string {
  const names = Object.keys(spec.columns);
  const update = spec.update ?? names.filter((n) => !spec.key.includes(n));
  const unnest = unnestOf(spec);
  let conflict: string;
  if (update.length === 0) {
    conflict = 'do nothing';
  } else {
    const sets = update.map((c) => `${c} = excluded.${c}`);
    if (spec.touch) sets.push(`${spec.touch} = now()`);
    // ROW(…) so that a single column still compares as a row.
    const current = `row(${update.map((c) => `t.${c}`).join(', ')})`;
    const incoming = `row(${update.map((c) => `excluded.${c}`).join(', ')})`;
    conflict = `do update set ${sets.join(', ')} where ${current} is distinct from ${incoming}`;
  }
  // xmax = 0 only for a freshly inserted row version: it tells inserts from updates in one statement.
  return `with written as (
    insert into ${spec.table} as t (${names.join(', ')})
    select * from unnest(${unnest})
    on conflict (${spec.key.join(', ')}) ${conflict}
    returning (t.xmax = 0) as fresh
  ) select (count(*) filter (where fresh))::int as inserted, (count(*) filter (where not fresh))::int as updated from written`;
}
