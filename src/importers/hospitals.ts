// NHS website "Hospital.csv": hospital sites with their ODS site code, parent organisation and location.
// Published `~`- or `¬`-delimited in Windows-1252, or re-saved as UTF-8 CSV; both are accepted.
import { normalisePostcode } from '../domain/postcode.ts';
import { Columns, FieldError, atLine, forEachRecord } from './csv.ts';
import { latitude, longitude, optional, required, text } from './fields.ts';
import type { ImportContext, Importer } from './importer.ts';
import { readableName } from './names.ts';
import { recordPhones } from './phones.ts';
import { countsFor, skip } from './report.ts';
import { ORGANISATION_SPEC } from './ods.ts';
import { BatchUpsert, type UpsertSpec } from './upsert.ts';

export const SITE_SPEC: UpsertSpec = {
  table: 'site',
  columns: {
    ods_code: 'text', name: 'text', provider_ods_code: 'text', sector: 'text',
    address: 'text', postcode: 'text', latitude: 'float8', longitude: 'float8', sub_type: 'text',
  },
  key: ['ods_code'],
};

const SECTORS: Record<string, 'NHS' | 'INDEPENDENT'> = { 'nhs sector': 'NHS', 'independent sector': 'INDEPENDENT' };

interface SiteRow {
  line: number;
  code: string;
  name: string;
  parent: string;
  parentName: string;
  sector: 'NHS' | 'INDEPENDENT';
  address: string | null;
  postcode: string | null;
  lat: number | null;
  long: number | null;
  subType: string | null;
  phone: string;
}

export const hospitalsImporter: Importer = {
  describe: 'hospital sites (NHS website Hospital.csv; delimiter and encoding detected)',
  needsFile: true,
  async load({ client, file, report }: ImportContext) {
    const sites: SiteRow[] = [];
    let col: Record<string, number> | null = null;
    let addressCols: number[] = [];
    let subTypeCol: number | undefined;
    let phoneCol: number | undefined;
    await forEachRecord(file!, ({ line, fields }) => {
      if (!col) {
        const c = new Columns(fields);
        col = {
          code: c.require('OrganisationCode'), name: c.require('OrganisationName'), sector: c.require('Sector'),
          postcode: c.require('Postcode'), lat: c.require('Latitude'), long: c.require('Longitude'),
          parent: c.require('ParentODSCode'), parentName: c.require('ParentName'),
        };
        subTypeCol = c.find('SubType');
        phoneCol = c.find('Phone');
        addressCols = ['Address1', 'Address2', 'Address3', 'City', 'County'].map((n) => c.find(n)).filter((i) => i !== undefined);
        return;
      }
      report.rowsRead++;
      const k = col;
      sites.push(atLine(line, () => {
        const sectorText = text(fields, k.sector!);
        const sector = SECTORS[sectorText.toLowerCase()];
        if (!sector) throw new FieldError(`sector "${sectorText}" is neither "NHS Sector" nor "Independent Sector"`);
        const latText = text(fields, k.lat!);
        const longText = text(fields, k.long!);
        const hasCoordinates = latText !== '' && longText !== '';
        const rawPostcode = text(fields, k.postcode!);
        return {
          line,
          code: required(fields, k.code!, 'OrganisationCode'),
          name: required(fields, k.name!, 'OrganisationName'),
          parent: required(fields, k.parent!, 'ParentODSCode'),
          parentName: text(fields, k.parentName!),
          sector,
          address: addressCols.map((i) => text(fields, i)).filter((s) => s !== '').join(', ') || null,
          postcode: normalisePostcode(rawPostcode) ?? optional(fields, k.postcode!),
          lat: hasCoordinates ? latitude(latText) : null,
          long: hasCoordinates ? longitude(longText) : null,
          // The placement rule reads it ("Mental Health Hospital"); "UNKNOWN" says nothing.
          subType: subTypeCol === undefined || /^(unknown)?$/i.test(text(fields, subTypeCol)) ? null : text(fields, subTypeCol),
          phone: phoneCol === undefined ? '' : text(fields, phoneCol),
        };
      }));
    });
    const located = await locateByPostcode(client, sites);
    if (located > 0) report.notes.sitesLocatedByPostcode = located;

    // Parents first (the site's foreign key). Insert only: ODS etr is the authority on trusts it lists.
    const parents = new BatchUpsert(client, { ...ORGANISATION_SPEC, update: [] }, countsFor(report, 'organisation'));
    for (const s of sites) {
      parents.add([s.parent, readableName(s.parentName || s.parent), s.sector === 'NHS' ? 'NHS_TRUST' : 'INDEPENDENT_PROVIDER', null, null, null, null, null, true]);
    }
    await parents.flush();

    const upsert = new BatchUpsert(client, SITE_SPEC, report);
    for (const s of sites) {
      if (s.lat === null || s.long === null) {
        skip(report, 'no coordinates and postcode not found');
        continue;
      }
      const added = upsert.add([s.code, s.name, s.parent, s.sector, s.address, s.postcode, s.lat, s.long, s.subType]);
      if (!added) skip(report, 'site code repeated (first kept)');
    }
    await upsert.flush();
    const phones = await recordPhones(client, 'site', new Map(sites.map((s) => [s.code, s.phone] as const).reverse())); // the first row of a code wins, as above
    if (phones > 0) report.notes.phonesRecorded = phones;
  },
};

/** Sites listed without coordinates take their postcode's, when the postcode table has it. */
async function locateByPostcode(client: ImportContext['client'], sites: SiteRow[]): Promise<number> {
  const missing = sites.filter((s) => s.lat === null && s.postcode);
  if (missing.length === 0) return 0;
  let located = 0;
  const { rows } = await client.query<{ postcode: string; latitude: number; longitude: number }>(
    'select postcode, latitude, longitude from postcode where postcode = any($1::text[])',
    [missing.map((s) => s.postcode)],
  );
  const found = new Map(rows.map((r) => [r.postcode, r]));
  for (const s of missing) {
    const p = found.get(s.postcode!);
    if (!p) continue;
    [s.lat, s.long] = [p.latitude, p.longitude];
    located++;
  }
  return located;
}
