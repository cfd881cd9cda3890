// Template databases on the test server: each is built once, then only ever copied, which is much faster than
// migrating (or loading the demo data set into) every test's database. Several test processes, from several
// checkouts, may ask for the same template at the same moment, so:
//  - a template is named by a fingerprint of what it holds, so checkouts that agree share it and others do not;
//  - it is built under an advisory lock on its name, under a temporary name renamed only when complete, so a
//    half-built template is never copied, and a builder that dies leaves nothing that looks finished;
//  - copies hold the same lock shared, so a template is never dropped while it is being copied;
//  - nobody may connect to a finished template (CREATE DATABASE … TEMPLATE fails while anyone is connected).
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { type Database, openDatabase } from '../db/database.ts';
import { databaseExists, dropDatabase, quoted, urlFor, withAdmin } from './database-server.ts';

export interface Template {
  /** Unique to what it holds: `<family><fingerprint>…`. */
  name: string;
  /** The start of the names of every template of this kind, whatever it holds. */
  family: string;
  /** WAL_LOG copies block by block through the write-ahead log; FILE_COPY copies files after a checkpoint. */
  strategy: 'wal_log' | 'file_copy';
  /** The template this one starts as a copy of; otherwise it starts empty. */
  base?: () => Promise<Template>;
  /** Makes a new database into this template. */
  fill(database: Database): Promise<void>;
  /** Whether another template of the family is past use, so that it may be dropped once nobody copies it. */
  isObsolete(name: string, builtAt: Date | null): boolean;
}

/** A 64-bit advisory lock key of its own for each template name. */
function lockKey(name: string): string {
  return BigInt.asIntN(64, BigInt(`0x${createHash('sha256').update(`openchoice test template ${name}`).digest('hex').slice(0, 16)}`)).toString();
}

/** Creates database `into` as a copy of the template, building the template first if it does not exist yet. */
export async function copyTemplate(template: Template, into: string): Promise<void> {
  await withAdmin(async (admin) => {
    const key = lockKey(template.name);
    for (;;) {
      await admin.query('select pg_advisory_lock_shared($1)', [key]);
      try {
        if (await databaseExists(admin, template.name)) {
          await admin.query(`create database ${quoted(into)} template ${quoted(template.name)} strategy ${template.strategy}`);
          return;
        }
      } finally {
        await admin.query('select pg_advisory_unlock_shared($1)', [key]);
      }
      await build(admin, template, key);
    }
  });
}

async function build(admin: pg.Client, template: Template, key: string): Promise<void> {
  await admin.query('select pg_advisory_lock($1)', [key]);
  try {
    if (await databaseExists(admin, template.name)) return; // built by another process while this one waited
    const building = `${template.name}_new`;
    await dropDatabase(admin, building); // left by a builder that died part-way
    if (template.base) await copyTemplate(await template.base(), building);
    else await admin.query(`create database ${quoted(building)}`);
    const database = await openDatabase({ kind: 'postgres', url: urlFor(building), poolSize: 4 });
    try {
      await template.fill(database);
    } catch (err) {
      await database.close();
      await dropDatabase(admin, building);
      throw err;
    }
    await database.close();
    await admin.query('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [building]);
    await admin.query(`alter database ${quoted(building)} with is_template true allow_connections false`);
    await admin.query(`comment on database ${quoted(building)} is 'OpenChoice test template, built ${new Date().toISOString()}'`);
    await admin.query(`alter database ${quoted(building)} rename to ${quoted(template.name)}`);
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [key]);
  }
  await dropObsolete(admin, template);
}

/**
 * Drops the family's templates that are past use, and temporary ones whose builder died, skipping any being built
 * or copied now (its lock is held). Another checkout's template that is still in use is kept: it is not obsolete.
 */
async function dropObsolete(admin: pg.Client, template: Template): Promise<void> {
  const { rows } = await admin.query<{ datname: string; comment: string | null }>(
    `select datname, shobj_description(oid, 'pg_database') as comment from pg_database where starts_with(datname, $1) and datname <> $2`,
    [template.family, template.name],
  );
  for (const { datname, comment } of rows) {
    const unfinished = datname.endsWith('_new');
    const name = unfinished ? datname.slice(0, -'_new'.length) : datname;
    const key = lockKey(name);
    if (!(await admin.query<{ got: boolean }>('select pg_try_advisory_lock($1) as got', [key])).rows[0]!.got) continue;
    try {
      const builtAt = /built (\S+)$/.exec(comment ?? '')?.[1];
      if (unfinished || template.isObsolete(name, builtAt ? new Date(builtAt) : null)) await dropDatabase(admin, datname);
    } finally {
      await admin.query('select pg_advisory_unlock($1)', [key]);
    }
  }
}
