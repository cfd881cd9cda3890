// Derives the demo directory from what is loaded: every RTT provider × treatment function with patients
// waiting becomes a first-outpatient service at the provider's site(s), with the median wait as its
// indicative wait. Placement never invents a location: providers we cannot place are reported.
import { createHash } from 'node:crypto';
import { type LeftOutReason, placeSpecialty } from '../domain/site-placement.ts';
import type { ImportContext, Importer } from './importer.ts';
import { readableName } from './names.ts';
import { countsFor, skip } from './report.ts';
import { SITE_SPEC } from './hospitals.ts';
import { MAIN_ACUTE_SITES } from './main-acute-sites.ts';
import { ORGANISATION_SPEC } from './ods.ts';
import { BatchUpsert, type Queryable } from './upsert.ts';

/** RTT codes that are groupings, not treatment functions: the provider total and the "Other" groups. */
export function isRealTreatmentFunction(code: string): boolean {
  return /^\d{3}$/.test(code) && code !== '999';
}

const FEMALE_ONLY = new Set(['502']); // Gynaecology

interface Site {
  ods_code: string;
  name: string;
  provider_ods_code: string;
  sector: 'NHS' | 'INDEPENDENT';
  postcode: string | null;
  latitude: number;
  longitude: number;
  sub_type: string | null;
}

interface Organisation {
  ods_code: string;
  name: string;
  kind: string;
  postcode: string | null;
}

export type Placement =
  | { how: 'exact-site'; sites: Site[] }
  | { how: 'parent-sites'; sites: Site[] }
  | { how: 'hq-postcode'; sites: Site[] }
  | { how: 'unplaced'; sites: [] };

const PLACEMENT_ORDER = ['exact-site', 'parent-sites', 'hq-postcode', 'unplaced'];

/**
 * Where an RTT provider's services are delivered, in order of preference: (a) the hospital site whose code is
 * the provider's; (b) the hospital sites whose parent it is; (c) its ODS head-office postcode.
 * Sites this function created for (c) have the provider's own code and are ignored by (a) and (b), so the
 * result does not depend on what earlier runs left behind.
 */
export function placeProvider(
  code: string,
  sitesByCode: Map<string, Site>,
  sitesByProvider: Map<string, Site[]>,
  organisation: Organisation | undefined,
  postcodes: Map<string, { latitude: number; longitude: number }>,
): Placement {
  const exact = sitesByCode.get(code);
  if (exact && exact.provider_ods_code !== code) return { how: 'exact-site', sites: [exact] };
  const children = (sitesByProvider.get(code) ?? []).filter((s) => s.ods_code !== code);
  if (children.length > 0) return { how: 'parent-sites', sites: children };
  const hq = organisation?.postcode ? postcodes.get(organisation.postcode) : undefined;
  if (organisation && hq) {
    return {
      how: 'hq-postcode',
      sites: [{
        ods_code: code, name: organisation.name, provider_ods_code: code,
        sector: organisation.kind === 'NHS_TRUST' ? 'NHS' : 'INDEPENDENT', postcode: organisation.postcode,
        latitude: hq.latitude, longitude: hq.longitude, sub_type: null,
      }],
    };
  }
  return { how: 'unplaced', sites: [] };
}

interface RttRow {
  provider_ods_code: string;
  provider_name: string;
  specialty_code: string;
  incomplete_pathways: number;
  median_wait_weeks: number | null;
}

async function latestPeriod(client: Queryable): Promise<string> {
  const { rows } = await client.query<{ period: string | null }>('select max(period)::text as period from rtt_wait');
  if (!rows[0]?.period) throw new Error('rtt_wait is empty: import an RTT extract first (npm run import -- rtt <file>)');
  return rows[0].period;
}

function monthName(period: string): string {
  return new Date(`${period}T00:00:00Z`).toLocaleString('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' });
}

export const servicesImporter: Importer = {
  describe: 'derive first-outpatient services from rtt_wait (latest period) and sites; no file',
  needsFile: false,
  async load({ client, report }: ImportContext) {
    const period = await latestPeriod(client);
    const q = async <T extends object>(sql: string, params: unknown[] = []) => (await client.query<T>(sql, params)).rows;
    const rtt = await q<RttRow>(
      `select provider_ods_code, provider_name, specialty_code, incomplete_pathways, median_wait_weeks
         from rtt_wait where period = $1 order by provider_ods_code, specialty_code`,
      [period],
    );
    const specialties = new Map((await q<{ code: string; name: string }>('select code, name from specialty')).map((s) => [s.code, s.name]));
    const sites = await q<Site>('select ods_code, name, provider_ods_code, sector, postcode, latitude, longitude, sub_type from site');
    const organisations = new Map(
      (await q<Organisation>('select ods_code, name, kind, postcode from organisation')).map((o) => [o.ods_code, o]),
    );
    const sitesByCode = new Map(sites.map((s) => [s.ods_code, s]));
    const sitesByProvider = Map.groupBy(sites, (s) => s.provider_ods_code);
    const providerCodes = [...new Set(rtt.map((r) => r.provider_ods_code))];
    const hqPostcodes = providerCodes.flatMap((c) => organisations.get(c)?.postcode ?? []);
    const postcodes = new Map(
      (await q<{ postcode: string; latitude: number; longitude: number }>(
        'select postcode, latitude, longitude from postcode where postcode = any($1::text[])',
        [hqPostcodes],
      )).map((p) => [p.postcode, p]),
    );

    const placements = new Map(providerCodes.map((c) => [c, placeProvider(c, sitesByCode, sitesByProvider, organisations.get(c), postcodes)]));
    const totals = new Map<string, number>(); // provider → all patients waiting (the C_999 row)
    for (const r of rtt) if (r.specialty_code === '999') totals.set(r.provider_ods_code, r.incomplete_pathways);

    // Organisations for placed providers that neither etr nor the hospitals file listed as an organisation.
    const orgs = new BatchUpsert(client, { ...ORGANISATION_SPEC, update: [] }, countsFor(report, 'organisation'));
    const hqSites = new BatchUpsert(client, SITE_SPEC, countsFor(report, 'site'));
    const providerNames = new Map<string, string>();
    for (const code of providerCodes) {
      const placement = placements.get(code)!;
      const rttName = readableName(rtt.find((r) => r.provider_ods_code === code)!.provider_name);
      providerNames.set(code, organisations.get(code)?.name ?? rttName);
      if (placement.how === 'unplaced') continue;
      if (!organisations.has(code)) {
        const kind = placement.sites[0]!.sector === 'NHS' ? 'NHS_TRUST' : 'INDEPENDENT_PROVIDER';
        orgs.add([code, rttName, kind, null, null, placement.sites[0]!.postcode, null, null, true]);
      }
      if (placement.how === 'hq-postcode') {
        const s = placement.sites[0]!;
        hqSites.add([s.ods_code, s.name, s.provider_ods_code, s.sector, null, s.postcode, s.latitude, s.longitude, null]);
      }
    }
    await orgs.flush();
    await hqSites.flush();

    const services = new BatchUpsert(
      client,
      {
        table: 'service',
        columns: {
          id: 'text', name: 'text', specialty_code: 'text', provider_ods_code: 'text', site_ods_code: 'text',
          service_type: 'text', directly_bookable: 'bool', consultant_led: 'bool', sex: 'text',
          indicative_wait_weeks: 'float8', indicative_wait_as_of: 'date', indicative_wait_basis: 'text',
          accreditation_status: 'text', active: 'bool', latitude: 'float8', longitude: 'float8', max_age: 'int4',
        },
        key: ['id'],
        // A re-import refreshes the published facts; decisions taken in the product (accreditation, active,
        // bookability, eligibility) are the product's and are left alone.
        update: ['name', 'specialty_code', 'provider_ods_code', 'site_ods_code', 'indicative_wait_weeks',
          'indicative_wait_as_of', 'indicative_wait_basis', 'latitude', 'longitude'],
        touch: 'updated_at',
      },
      report,
    );
    // The most specific placement wins when two RTT providers land on the same site.
    const ordered = [...rtt].sort((a, b) =>
      PLACEMENT_ORDER.indexOf(placements.get(a.provider_ods_code)!.how) - PLACEMENT_ORDER.indexOf(placements.get(b.provider_ods_code)!.how));
    const derivedIds: string[] = [];
    const fingerprint = createHash('sha256');
    const asOf = monthName(period);
    const leftOut = new LeftOutTally();
    for (const r of ordered) {
      report.rowsRead++;
      if (!isRealTreatmentFunction(r.specialty_code)) {
        skip(report, 'RTT total or "Other" group, not a treatment function');
        continue;
      }
      if (r.incomplete_pathways <= 0) {
        skip(report, 'nobody waiting');
        continue;
      }
      const specialty = specialties.get(r.specialty_code);
      if (!specialty) {
        skip(report, `treatment function not in the specialty table`);
        continue;
      }
      const placement = placements.get(r.provider_ods_code)!;
      if (placement.how === 'unplaced') {
        skip(report, 'provider has no known site or head-office postcode');
        continue;
      }
      const providerName = providerNames.get(r.provider_ods_code)!;
      const wait = r.median_wait_weeks === null ? null : Math.round(r.median_wait_weeks * 10) / 10;
      const patients = r.incomplete_pathways.toLocaleString('en-GB');
      const basis = wait === null
        ? `Over half of the ${patients} patients waiting at ${providerName} had waited more than 104 weeks, NHS England RTT ${asOf}`
        : `Median wait of the ${patients} patients waiting at ${providerName}, NHS England RTT ${asOf}`;
      const where = placeSpecialty(r.specialty_code, placement.sites.map((site) => ({
        site, code: site.ods_code, name: site.name, type: site.sub_type, mainAcute: MAIN_ACUTE_SITES.has(site.ods_code),
      })));
      for (const { site, reason } of where.left) leftOut.add(reason, site.site, specialty);
      if (where.sites.length === 0) {
        skip(report, 'no site of the provider plausibly runs this specialty');
        leftOut.unplacedPathways += r.incomplete_pathways;
        continue;
      }
      for (const { site: { site }, maxAge } of where.sites) {
        const id = `${site.ods_code}-${r.specialty_code}`;
        const row = [
          id, `${specialty} – ${site.name}`, r.specialty_code, r.provider_ods_code, site.ods_code,
          'FIRST_OUTPATIENT', true, true, FEMALE_ONLY.has(r.specialty_code) ? 'female' : 'any',
          wait, period, basis, 'ACCREDITED', true, site.latitude, site.longitude, maxAge,
        ];
        if (!services.add(row)) {
          skip(report, 'site already has this specialty from a more specific RTT provider');
          continue;
        }
        derivedIds.push(id);
        fingerprint.update(JSON.stringify(row));
      }
    }
    await services.flush();
    report.sha256 = fingerprint.digest('hex');

    const stale = await q<{ id: string }>('select id from service where id <> all($1::text[]) order by id', [derivedIds]);
    if (stale.length > 0) report.notes.servicesNoLongerDerived = { count: stale.length, kept: 'unchanged, not deleted', ids: stale.slice(0, 20).map((s) => s.id) };
    const byHow = Object.fromEntries(PLACEMENT_ORDER.map((h) => [h, 0]));
    for (const p of placements.values()) byHow[p.how]!++;
    report.notes.period = period;
    report.notes.sitesLeftOut = leftOut.summary();
    report.notes.providersPlaced = byHow;
    const unplaced = providerCodes
      .filter((c) => placements.get(c)!.how === 'unplaced')
      .map((c) => ({ code: c, name: providerNames.get(c)!, pathways: totals.get(c) ?? 0 }))
      .sort((a, b) => b.pathways - a.pathways);
    const all = [...totals.values()].reduce((a, b) => a + b, 0);
    const lost = unplaced.reduce((a, u) => a + u.pathways, 0);
    report.notes.unplacedProviders = {
      count: unplaced.length,
      pathways: lost,
      shareOfAllPathways: all === 0 ? 0 : Math.round((lost / all) * 10000) / 100,
      providers: unplaced,
    };
  },
};

/** What the placement rule left out: provider × specialty × site combinations, counted by reason, with examples. */
class LeftOutTally {
  readonly byReason = new Map<LeftOutReason, { count: number; examples: string[] }>();
  unplacedPathways = 0;

  add(reason: LeftOutReason, site: Site, specialty: string): void {
    const entry = this.byReason.get(reason) ?? { count: 0, examples: [] };
    entry.count++;
    if (entry.examples.length < 5) entry.examples.push(`${specialty} at ${site.name} (${site.ods_code})`);
    this.byReason.set(reason, entry);
  }

  summary() {
    return {
      siteSpecialtiesLeftOut: [...this.byReason.values()].reduce((n, e) => n + e.count, 0),
      byReason: Object.fromEntries(this.byReason),
      pathwaysOfSpecialtiesWithNoPlausibleSite: this.unplacedPathways,
    };
  }
}
