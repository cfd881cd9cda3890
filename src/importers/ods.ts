// NHS Organisation Data Service files: etr.csv (NHS trusts) and epraccur.csv (GP practices). No header row.
import { atLine, forEachRecord } from './csv.ts';
import { odsDate, optional, required, text } from './fields.ts';
import type { ImportContext, Importer } from './importer.ts';
import { readableName } from './names.ts';
import { recordPhones } from './phones.ts';
import { skip } from './report.ts';
import { BatchUpsert, type UpsertSpec } from './upsert.ts';
import { normalisePostcode } from '../domain/postcode.ts';

// 0-based positions in the standard ODS layout.
const CODE = 0, NAME = 1, REGION = 2, ICB = 3, POSTCODE = 9, OPENED = 10, CLOSED = 11, STATUS = 12, PHONE = 17, PRESCRIBING_SETTING = 25;
/** epraccur prescribing setting 4 = GP practice (others are out-of-hours, walk-in, prisons, …). */
const GP_PRACTICE_SETTING = '4';

export const ORGANISATION_SPEC: UpsertSpec = {
  table: 'organisation',
  columns: {
    ods_code: 'text', name: 'text', kind: 'text', region_code: 'text', icb_code: 'text',
    postcode: 'text', open_date: 'date', close_date: 'date', active: 'bool',
  },
  key: ['ods_code'],
};

function odsImporter(kind: 'NHS_TRUST' | 'GP_PRACTICE'): Importer {
  return {
    describe: kind === 'NHS_TRUST' ? 'NHS trusts (ODS etr.csv, no header)' : 'GP practices (ODS epraccur.csv, no header; prescribing setting 4)',
    needsFile: true,
    async load({ client, file, report }: ImportContext) {
      const upsert = new BatchUpsert(client, ORGANISATION_SPEC, report);
      const phones = new Map<string, string>();
      await forEachRecord(file!, ({ line, fields }) => {
        report.rowsRead++;
        if (kind === 'GP_PRACTICE' && text(fields, PRESCRIBING_SETTING) !== GP_PRACTICE_SETTING) {
          skip(report, 'not a GP practice (prescribing setting other than 4)');
          return;
        }
        const row = atLine(line, () => {
          const closed = odsDate(text(fields, CLOSED), 'close date');
          // epraccur says A(ctive)/C(losed)/D(ormant)/P(roposed); etr has no status, only a close date.
          const active = kind === 'GP_PRACTICE' ? text(fields, STATUS) === 'A' : closed === null;
          const rawPostcode = text(fields, POSTCODE);
          return [
            required(fields, CODE, 'ODS code'),
            readableName(required(fields, NAME, 'name')),
            kind,
            optional(fields, REGION),
            optional(fields, ICB),
            normalisePostcode(rawPostcode) ?? (rawPostcode || null),
            odsDate(text(fields, OPENED), 'open date'),
            closed,
            active,
          ];
        });
        if (!upsert.add(row)) skip(report, 'ODS code repeated (first kept)');
        else phones.set(String(row[0]), text(fields, PHONE));
      }, { delimiter: ',', afterChunk: () => upsert.flushFull() });
      await upsert.flush();
      const changed = await recordPhones(client, 'organisation', phones);
      if (changed > 0) report.notes.phonesRecorded = changed;
    },
  };
}

export const trustsImporter = odsImporter('NHS_TRUST');
export const gpPracticesImporter = odsImporter('GP_PRACTICE');
