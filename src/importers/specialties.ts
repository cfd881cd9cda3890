// Treatment function codes (NHS Data Dictionary list: code,title,…; or any code,name CSV).
import { Columns, FieldError, atLine, forEachRecord } from './csv.ts';
import { required } from './fields.ts';
import type { ImportContext, Importer } from './importer.ts';
import { skip } from './report.ts';
import { BatchUpsert } from './upsert.ts';

/**
 * The treatment functions NHS England's RTT statistics report under their own code (C_100 … C_502);
 * every other function is folded into the X02–X06 "Other" groups.
 */
export const RTT_REPORTED_TFCS = new Set([
  '100', '101', '110', '120', '130', '140', '150', '160', '170', '300', '301', '320', '330', '340', '400', '410', '430', '502',
]);

export const specialtiesImporter: Importer = {
  describe: 'treatment function codes (code,title CSV from the NHS Data Dictionary)',
  needsFile: true,
  async load({ client, file, report }: ImportContext) {
    const upsert = new BatchUpsert(
      client,
      { table: 'specialty', columns: { code: 'text', name: 'text', rtt_reported: 'bool' }, key: ['code'] },
      report,
    );
    let cols: { code: number; name: number } | null = null;
    await forEachRecord(file!, ({ line, fields }) => {
      if (!cols) {
        const c = new Columns(fields);
        cols = { code: c.require('code', 'tfc_code', 'treatment_function_code'), name: c.require('title', 'name') };
        return;
      }
      report.rowsRead++;
      const { code: ci, name: ni } = cols;
      const row = atLine(line, () => {
        const code = required(fields, ci, 'code');
        if (!/^\d{3}$/.test(code)) throw new FieldError(`code "${code}" is not a 3-digit treatment function code`);
        return [code, required(fields, ni, 'name'), RTT_REPORTED_TFCS.has(code)];
      });
      if (!upsert.add(row)) skip(report, 'code repeated (first kept)');
    }, { afterChunk: () => upsert.flushFull() });
    await upsert.flush();
  },
};
