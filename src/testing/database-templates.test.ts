// The template discipline the whole suite relies on: many callers at once build a template once, never copy a
// half-built one, and leave nothing behind but the template and their copies.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, test } from 'node:test';
import { openDatabase } from '../db/database.ts';
import { migrate } from '../db/migrate.ts';
import { databaseExists, dropDatabase, ownDatabaseName, quoted, urlFor, withAdmin } from './database-server.ts';
import { copyTemplate, type Template } from './database-templates.ts';
import { migratedTemplate } from './database.ts';

// A family of its own, so that nothing here touches the suite's real templates.
const family = `openchoice_tpl_selftest_${randomBytes(3).toString('hex')}_`;
const made: string[] = [];
after(() =>
  withAdmin(async (admin) => {
    const { rows } = await admin.query<{ datname: string }>('select datname from pg_database where starts_with(datname, $1)', [family]);
    for (const name of [...made, ...rows.map((r) => r.datname)]) await dropDatabase(admin, name);
  }),
);

function template(name: string, fill: Template['fill']): Template {
  return { name: `${family}${name}`, family, strategy: 'wal_log', base: migratedTemplate, fill, isObsolete: (other) => other.endsWith('old') };
}

const copy = async (t: Template) => {
  const name = ownDatabaseName('template_selftest');
  made.push(name);
  await copyTemplate(t, name);
  return name;
};

test('callers asking at once build the template once, and each gets a complete copy', async () => {
  let fills = 0;
  const t = template('once', async (database) => {
    fills++;
    await sleep(500); // long enough for every other caller to arrive while it is being built
    await database.pool.query('create table filled (at timestamptz default now())');
    await database.pool.query('insert into filled default values');
  });
  await withAdmin((admin) => admin.query(`create database ${quoted(`${family}old`)}`));
  const copies = await Promise.all([copy(t), copy(t), copy(t), copy(t)]);
  assert.equal(fills, 1);
  await withAdmin(async (admin) => {
    const { rows } = await admin.query<{ datistemplate: boolean; datallowconn: boolean; sessions: number }>(
      `select datistemplate, datallowconn, (select count(*) from pg_stat_activity a where a.datname = d.datname)::int as sessions from pg_database d where datname = $1`,
      [t.name],
    );
    assert.deepEqual(rows, [{ datistemplate: true, datallowconn: false, sessions: 0 }]);
    assert.equal(await databaseExists(admin, `${t.name}_new`), false, 'nothing half-built is left');
    assert.equal(await databaseExists(admin, `${family}old`), false, 'an obsolete template of the family is dropped');
  });
  for (const name of copies) {
    const database = await openDatabase({ kind: 'postgres', url: urlFor(name), poolSize: 1 });
    try {
      assert.equal((await database.pool.query('select count(*)::int as n from filled')).rows[0].n, 1, name);
      assert.deepEqual(await migrate(database.pool), [], 'the copy is migrated already');
    } finally {
      await database.close();
    }
  }
});

test('a build that fails leaves no template, and the next caller builds it afresh', async () => {
  let attempt = 0;
  const t = template('retry', async (database) => {
    if (++attempt === 1) throw new Error('the load failed half-way');
    await database.pool.query('select 1');
  });
  await assert.rejects(copy(t), /the load failed half-way/);
  await withAdmin(async (admin) => {
    assert.equal(await databaseExists(admin, t.name), false);
    assert.equal(await databaseExists(admin, `${t.name}_new`), false);
  });
  await copy(t);
  assert.equal(attempt, 2);
});
