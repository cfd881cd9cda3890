// Waiting-list import benchmark: a provider's list of N rows (default 300,000), generated as it is sent, streamed over
// real HTTP to POST /api/v1/pathways/import, into a scratch copy of the test directory in PostgreSQL. Prints the rows
// per second and the most memory the process held meanwhile (heap and buffers, measured after a full collection, so
// that garbage not yet collected does not count), against the size of the body.
//
//   npm run bench:import -- [--rows 300000] [--dry-run]
//
// Environment: TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/openchoice_bench_import), as the tests'
// scratch databases are made. It fails on an answer that is not 201 (200 for a dry run) or a wrong count.
import { request } from 'node:http';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { syntheticNhsNumbers } from './support.ts';

process.env.TEST_DATABASE_URL ??= 'postgres://postgres@127.0.0.1:5432/openchoice_bench_import';
const { values: flags } = parseArgs({ options: { rows: { type: 'string', default: '300000' }, 'dry-run': { type: 'boolean', default: false } } });
const rows = Number(flags.rows);
if (!Number.isInteger(rows) || rows <= 0) throw new Error(`--rows must be a positive whole number, not "${flags.rows}"`);
const dryRun = flags['dry-run'];

const { buildApp } = await import('../src/app.ts');
const { issueToken } = await import('../src/auth/sessions.ts');
const { addDays } = await import('../src/domain/rtt-clock.ts');
const { londonDate } = await import('../src/domain/dates.ts');
const { createAccount } = await import('../src/testing/accounts.ts');
const { testConfig } = await import('../src/testing/database.ts');
const { createScratchDatabase } = await import('../src/testing/database.ts');
const { loadDirectoryFixture } = await import('../src/testing/directory-fixture.ts');

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;
const held = () => {
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
};
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(1)} MB`;

const database = await createScratchDatabase('bench_import');
try {
  await loadDirectoryFixture(database);
  const token = (await issueToken(database.db, await createAccount(database, 'bench-provider', 'provider', 'RXX'), 'api')).token;
  const app = await buildApp({ config: { ...testConfig(), importBodyLimitBytes: 2_000_000_000 }, database, logger: false });
  const address = new URL(await app.listen({ port: 0, host: '127.0.0.1' }));
  const today = londonDate();
  const nhs = syntheticNhsNumbers();
  let bytes = 0;
  let peak = 0;
  let sent = 0;
  async function* body(): AsyncGenerator<string> {
    yield 'nhs_number,provider,specialty,clock_start,next_appointment_date,date_of_birth,postcode,given_name,family_name,registered_gp\n';
    while (sent < rows) {
      let chunk = '';
      for (let i = 0; i < 1000 && sent < rows; i++, sent++) {
        // Every tenth given name is a two-line cell, as spreadsheets export them.
        chunk += `${nhs.next().value},RXX,110,${addDays(today, -(sent % 400) - 1)},,1960-01-01,LS1 4AP,${sent % 10 === 0 ? '"Ann\nMarie"' : 'Ann'},"Long, Jr",\n`;
      }
      bytes += Buffer.byteLength(chunk);
      if ((sent / 1000) % 20 === 0) peak = Math.max(peak, held());
      yield chunk;
    }
  }
  const start = held();
  const began = performance.now();
  const answer = await new Promise<{ status: number; text: string }>((resolve, reject) => {
    const req = request({ host: address.hostname, port: address.port, path: `/api/v1/pathways/import${dryRun ? '?dryRun=true' : ''}`, method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'text/csv' } }, (res) => {
      let text = '';
      res.setEncoding('utf8').on('data', (d: string) => (text += d)).on('end', () => resolve({ status: res.statusCode!, text }));
    });
    req.on('error', reject);
    pipeline(Readable.from(body()), req).catch(reject);
  });
  const seconds = (performance.now() - began) / 1000;
  peak = Math.max(peak, held());
  const report = JSON.parse(answer.text) as { imported?: number; detail?: string };
  if (answer.status !== (dryRun ? 200 : 201) || report.imported !== rows) throw new Error(`the import answered ${answer.status}: ${answer.text.slice(0, 500)}`);
  process.stdout.write([
    `waiting-list import${dryRun ? ' (dry run)' : ''}: ${rows.toLocaleString('en-GB')} rows, ${mb(bytes)} of CSV, streamed over HTTP`,
    `  ${seconds.toFixed(1)} s, ${Math.round(rows / seconds).toLocaleString('en-GB')} rows/s`,
    `  the process held at most ${mb(peak - start)} more than before (heap and buffers after a full collection): ${((peak - start) / bytes * 100).toFixed(1)}% of the body`,
    '',
  ].join('\n'));
  await app.close();
} finally {
  await database.drop();
}
