// Postcode centroids (OS Code-Point Open or ONS Postcode Directory layouts) and sector/outcode centroids.
import { parsePostcode } from '../domain/postcode.ts';
import { Columns, FieldError, atLine, forEachRecord } from './csv.ts';
import { latitude, longitude, number, required, text } from './fields.ts';
import type { ImportContext, Importer } from './importer.ts';
import { postcodeCopyBatchesInWorker } from './postcode-batches.ts';
import { POSTCODE_COLUMNS, postcodeRecords } from './postcode-rows.ts';
import { skip } from './report.ts';
import { BatchUpsert, COPY_BATCH_ROWS } from './upsert.ts';

export const postcodesImporter: Importer = {
  describe: 'postcode → latitude/longitude (Code-Point Open lat/long CSV or ONSPD; plain or .gz)',
  needsFile: true,
  async load({ client, file, report }: ImportContext) {
    // Filling an empty table by COPY, the key is built once at the end: a third of the time of keeping it up
    // row by row. A postcode given twice is then removed there, keeping the first (as the upsert does).
    const bulk = client.copyBinary !== undefined && (await client.query('select not exists (select 1 from postcode) as empty')).rows[0].empty === true;
    if (bulk) {
      await client.query('alter table postcode drop constraint postcode_pkey');
      // Read in a worker thread, so that reading the next batch overlaps PGlite's COPY of this one.
      for await (const batch of postcodeCopyBatchesInWorker(file!, report, COPY_BATCH_ROWS)) {
        await client.copyBinary!('postcode', POSTCODE_COLUMNS, batch.data);
        report.inserted += batch.rows;
      }
      await addKeyRemovingRepeats(client, report);
      return;
    }
    const upsert = new BatchUpsert(client, { table: 'postcode', columns: { postcode: 'text', latitude: 'float8', longitude: 'float8' }, key: ['postcode'] }, report);
    const toRow = postcodeRecords(report);
    await forEachRecord(file!, (record) => {
      const row = toRow(record);
      if (row && !upsert.add(row)) skip(report, 'postcode repeated (first kept)');
    }, { afterChunk: () => upsert.flushFull() });
    await upsert.flush();
  },
};

/**
 * Builds the postcode key after a bulk load. Files hardly ever repeat a postcode, so the key is first tried as it
 * is; only if that fails are the repeats removed (keeping the first: the rows went in in file order, and nothing
 * else has written the new table, so the lowest ctid is the first given) and the key built again.
 */
async function addKeyRemovingRepeats(client: ImportContext['client'], report: ImportContext['report']): Promise<void> {
  const addKey = 'alter table postcode add constraint postcode_pkey primary key (postcode)';
  await client.query('savepoint postcode_key');
  try {
    await client.query(addKey);
    await client.query('release savepoint postcode_key');
    return;
  } catch (err) {
    if ((err as { code?: string }).code !== '23505') throw err;
    await client.query('rollback to savepoint postcode_key');
  }
  const { rowCount } = await client.query('delete from postcode a using postcode b where a.postcode = b.postcode and a.ctid > b.ctid');
  if (rowCount) {
    skip(report, 'postcode repeated (first kept)', rowCount);
    report.inserted -= rowCount;
  }
  await client.query(addKey);
}

function areaImporter(kind: 'sector' | 'outcode'): Importer {
  return {
    describe: `postcode ${kind} centroids (${kind},latitude,longitude[,postcode_count])`,
    needsFile: true,
    async load({ client, file, report }: ImportContext) {
      const upsert = new BatchUpsert(
        client,
        {
          table: 'postcode_area',
          columns: { code: 'text', kind: 'text', latitude: 'float8', longitude: 'float8', postcode_count: 'int4' },
          key: ['code'],
        },
        report,
      );
      let cols: { code: number; lat: number; long: number; count: number | undefined } | null = null;
      await forEachRecord(file!, ({ line, fields }) => {
        if (!cols) {
          const c = new Columns(fields);
          cols = { code: c.require(kind, 'code'), lat: c.require('latitude', 'lat'), long: c.require('longitude', 'long'), count: c.find('postcode_count') };
          return;
        }
        report.rowsRead++;
        const { code: ci, lat, long, count } = cols;
        const row = atLine(line, () => {
          const raw = required(fields, ci, kind);
          const parsed = parsePostcode(raw);
          const code = parsed?.kind === 'sector' && kind === 'sector' ? parsed.sector : parsed?.kind === 'outcode' && kind === 'outcode' ? parsed.outcode : null;
          if (!code) throw new FieldError(`"${raw}" is not a postcode ${kind}`);
          const n = count === undefined ? 0 : number(text(fields, count) || '0', 'postcode_count');
          return [code, kind, latitude(text(fields, lat)), longitude(text(fields, long)), n];
        });
        if (!upsert.add(row)) skip(report, `${kind} repeated (first kept)`);
      }, { afterChunk: () => upsert.flushFull() });
      await upsert.flush();
    },
  };
}

export const sectorsImporter = areaImporter('sector');
export const outcodesImporter = areaImporter('outcode');
