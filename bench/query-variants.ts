// Compares ways of fetching shortlist candidates on the benchmark database (run bench:shortlist first):
// wall time in this process (pg + row parsing) and PostgreSQL backend CPU per query, serially.
// Nothing is changed: the experimental index is created inside a transaction that is rolled back.
//
//   node bench/query-variants.ts [queries=400]
import { readFileSync } from 'node:fs';
import pg from 'pg';
import { boundingBox } from '../src/domain/distance.ts';

const url = process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/openchoice_bench';
const n = Number(process.argv[2] ?? 400);
const client = new pg.Client({ connectionString: url });
await client.connect();
const backendPid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]!.pid;
const backendCpuMs = () => {
  const stat = readFileSync(`/proc/${backendPid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return (Number(f[11]) + Number(f[12])) * 10;
};

const postcodes = (await client.query<{ latitude: number; longitude: number }>('select latitude, longitude from postcode')).rows;
const codes = (await client.query<{ code: string }>('select code from specialty')).rows.map((r) => r.code);
let seed = 42;
const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
const cases = Array.from({ length: n }, () => ({
  code: codes[Math.floor(rand() * codes.length)]!,
  box: boundingBox(postcodes[Math.floor(rand() * postcodes.length)]!, 80),
}));

const BOX = 's.specialty_code = $1 and s.latitude >= $2 and s.latitude <= $3 and s.longitude >= $4 and s.longitude <= $5';
const LISTED = "s.active and s.accreditation_status = 'ACCREDITED'";
const variants: [string, string][] = [
  [
    'A  today: 4-way join, 19 columns, order by id',
    `select s.id, s.name, s.specialty_code, sp.name as specialty_name, s.provider_ods_code, p.name as provider_name,
       s.site_ods_code, st.name as site_name, st.postcode as site_postcode, s.latitude, s.longitude, s.service_type,
       s.directly_bookable, s.indicative_wait_weeks, s.indicative_wait_as_of, s.indicative_wait_basis, s.min_age, s.max_age, s.sex
     from service s join specialty sp on sp.code = s.specialty_code join organisation p on p.ods_code = s.provider_ods_code
       join site st on st.ods_code = s.site_ods_code
     where ${LISTED} and ${BOX} order by s.id`,
  ],
  [
    'B  ranking columns only, no join, no order',
    `select s.id, s.latitude, s.longitude, s.indicative_wait_weeks, s.min_age, s.max_age, s.sex from service s where ${LISTED} and ${BOX}`,
  ],
  [
    'D  rank in SQL (WAIT): haversine, count(*) over (), limit 5',
    `select *, count(*) over () as eligible from (
       select s.id, s.indicative_wait_weeks as w,
         2 * 6371.0088 * asin(least(1, sqrt(power(sin(radians(s.latitude - $6) / 2), 2)
           + cos(radians($6)) * cos(radians(s.latitude)) * power(sin(radians(s.longitude - $7) / 2), 2)))) as km
       from service s where ${LISTED} and ${BOX}) c
     where km <= 80 order by w nulls last, km, id limit 5`,
  ],
];

async function run(label: string, sql: string) {
  const times: number[] = [];
  let rows = 0;
  const cpu0 = backendCpuMs();
  for (const c of cases) {
    const params: unknown[] = [c.code, c.box.minLat, c.box.maxLat, c.box.minLng, c.box.maxLng];
    if (sql.includes('$6')) params.push((c.box.minLat + c.box.maxLat) / 2, (c.box.minLng + c.box.maxLng) / 2);
    const t0 = performance.now();
    rows += (await client.query(sql, params)).rowCount ?? 0;
    times.push(performance.now() - t0);
  }
  const cpu = (backendCpuMs() - cpu0) / cases.length;
  times.sort((a, b) => a - b);
  const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))]!.toFixed(2);
  process.stdout.write(
    `${label.padEnd(62)} wall p50 ${at(0.5)} p99 ${at(0.99)} ms  PostgreSQL CPU ${cpu.toFixed(2)} ms/query  rows ${(rows / cases.length).toFixed(0)}\n`,
  );
}

process.stdout.write(`${n} random (specialty, origin) pairs, 80 km box, one connection, serial\n`);
for (const [label, sql] of variants) await run(label, sql);
await client.query('begin');
await client.query(`create index bench_service_covering_idx on service (specialty_code, latitude, longitude)
  include (id, indicative_wait_weeks, min_age, max_age, sex) where active and accreditation_status = 'ACCREDITED'`);
await client.query('analyze service');
process.stdout.write('with a covering index (specialty_code, latitude, longitude) include (id, wait, ages, sex), rolled back afterwards:\n');
for (const [label, sql] of variants.slice(1)) await run(`${label} + covering index`, sql);
await client.query('rollback');
await client.end();
