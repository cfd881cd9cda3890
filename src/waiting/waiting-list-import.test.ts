import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import { issueToken } from '../auth/sessions.ts';
import type { Database } from '../db/database.ts';
import { addDays } from '../domain/rtt-clock.ts';
import { londonDate } from '../domain/dates.ts';
import { createAccount, createOrganisation } from '../testing/accounts.ts';
import { startFixtureApp } from '../testing/directory-fixture.ts';

let app: FastifyInstance;
let database: Database;
let close: () => Promise<void>;
const tokens: Record<string, string> = {};
const today = londonDate();

before(async () => {
  ({ app, database, close } = await startFixtureApp('waitinglist'));
  await createOrganisation(database, 'GP1', 'GP One', 'GP_PRACTICE');
  await createOrganisation(database, 'RYY', 'Other NHS Trust', 'NHS_TRUST');
  tokens.rxx = (await issueToken(database.db, await createAccount(database, 'rxx', 'provider', 'RXX'), 'api')).token;
  tokens.gp = (await issueToken(database.db, await createAccount(database, 'gp', 'referrer', 'GP1'), 'api')).token;
});
after(() => close());

const load = (csv: string, who = 'rxx') =>
  app.inject({ method: 'POST', url: '/api/v1/pathways/import', headers: { authorization: `Bearer ${tokens[who]}`, 'content-type': 'text/csv' }, payload: csv });

const HEADER = 'nhs_number,provider,specialty,clock_start,next_appointment_date,date_of_birth,postcode,given_name,family_name,registered_gp';

test('a waiting list loads as pathways with RTT clocks, once however often it is sent', async () => {
  const csv = [HEADER, `999 000 0018,RXX,C_110,${addDays(today, -300)},,1960-05-01,ls1 4ap,Ann,Long,GP1`, `9990000026,rxx,110,${addDays(today, -20)},${addDays(today, 30)},1975-01-01,LS1 4AP,Bob,Short,`].join('\r\n');
  const first = await load(csv);
  assert.equal(first.statusCode, 201, first.body);
  assert.deepEqual({ ...(first.json() as object), warnings: [] }, { rows: 2, imported: 2, skipped: 0, errors: [], warnings: [] });
  const again = (await load(csv)).json();
  assert.equal(again.imported, 0);
  assert.equal(again.skipped, 2);
  const rows = await database.db.selectFrom('referral').select(['status', 'source', 'rtt_clock_start', 'current_service_id', 'next_appointment_date', 'patient_postcode', 'registered_gp_ods_code']).where('source', '=', 'WAITING_LIST').orderBy('rtt_clock_start').execute();
  assert.deepEqual(rows, [
    { status: 'ACCEPTED', source: 'WAITING_LIST', rtt_clock_start: addDays(today, -300), current_service_id: 'S1-110', next_appointment_date: null, patient_postcode: 'LS1 4AP', registered_gp_ods_code: 'GP1' },
    { status: 'ACCEPTED', source: 'WAITING_LIST', rtt_clock_start: addDays(today, -20), current_service_id: 'S1-110', next_appointment_date: addDays(today, 30), patient_postcode: 'LS1 4AP', registered_gp_ods_code: null },
  ]);
});

test('bad rows are named by line and nothing is loaded; another provider\'s rows are refused; only providers may load', async () => {
  const before = await database.db.selectFrom('referral').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  const csv = [HEADER, `9990000034,RXX,110,${addDays(today, -100)},,1960-05-01,LS1 4AP,Cat,Ok,`, `1234567890,RXX,110,${addDays(today, -100)},,,,,,`, `9990000042,RYY,999,tomorrow,,2099-01-01,nowhere,,,X1`].join('\n');
  const res = await load(csv);
  assert.equal(res.statusCode, 422);
  const errors = res.json().errors as { field: string; message: string }[];
  assert.ok(errors.some((e) => e.field === 'line 3' && /not a valid NHS number/.test(e.message)));
  for (const pattern of [/only your own/, /treatment function code/, /clock_start/, /date_of_birth/, /postcode/, /GP practice/]) {
    assert.ok(errors.some((e) => e.field === 'line 4' && pattern.test(e.message)), String(pattern));
  }
  const after = await database.db.selectFrom('referral').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  assert.equal(after.n, before.n);
  assert.equal((await load('nhs_number,provider\n9990000034,RXX')).json().errors[0].message, 'no column named specialty, clock_start');
  assert.equal((await load(csv, 'gp')).statusCode, 403);
});
