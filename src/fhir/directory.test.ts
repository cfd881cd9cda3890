// The directory over FHIR: HealthcareService read and search, the shortlist as a named search in the same order as
// POST /api/v1/shortlists (one rule, two answers), Location and Organization; every resource and Bundle valid R4
// with the NHS rules, and every refusal an OperationOutcome with its NHS code.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import type { FastifyInstance } from 'fastify';
import type { Bundle, CapabilityStatement, Extension, HealthcareService, Location, OperationOutcome, Organization, Resource } from '@medplum/fhirtypes';
import { createScratchDatabase } from '../testing/database.ts';
import { loadDirectoryFixture } from '../testing/directory-fixture.ts';
import { startTestApp } from '../testing/test-app.ts';
import { DIRECTORY_EXTENSIONS } from './directory-resources.ts';
import { ODS_ORGANISATION_SYSTEM, ODS_SITE_SYSTEM, TREATMENT_FUNCTION_SYSTEM } from './extensions.ts';
import { nhsErrorCodeOf as errorCode } from './testing/answers.ts';
import { assertValidFhir } from './testing/validators.ts';

let app: FastifyInstance;
let close: () => Promise<void>;

before(async () => {
  const database = await createScratchDatabase('fhir_directory');
  await loadDirectoryFixture(database);
  // The Leeds fixture's sites are named S1…S6, shorter than ODS site codes: a provider with real-shaped codes, a
  // phone and an address, so Location and Organization can be checked against the NHS identifier rules.
  await database.db.insertInto('organisation').values({ ods_code: 'NYY', name: 'Fixture Independent Clinics Ltd', kind: 'INDEPENDENT_PROVIDER', region_code: null, icb_code: null, postcode: 'LS2 9JT', open_date: '2010-01-01', close_date: null, phone: '0113 000 0000' }).execute();
  await database.db.insertInto('site').values([
    { ods_code: 'NYY01', name: 'Fixture Clinic Leeds', provider_ods_code: 'NYY', sector: 'INDEPENDENT', address: '1 Park Row, Leeds', postcode: 'LS1 5HN', latitude: 53.7985, longitude: -1.5455, phone: '0113 000 0001' },
    { ods_code: 'NYY02', name: 'Fixture Clinic Wakefield', provider_ods_code: 'NYY', sector: 'INDEPENDENT', address: null, postcode: null, latitude: 53.6833, longitude: -1.4977 },
  ]).execute();
  await database.db.insertInto('service').values([{
    id: 'NYY01-502', name: 'Gynaecology – Fixture Clinic Leeds', specialty_code: '502', provider_ods_code: 'NYY', site_ods_code: 'NYY01', clinic_type: null, consultant_team: null,
    min_age: 16, max_age: null, sex: 'female', indicative_wait_weeks: 3, indicative_wait_as_of: '2026-04-30', indicative_wait_basis: 'provider published', accessibility: null,
    accreditation_status: 'ACCREDITED', latitude: 53.7985, longitude: -1.5455,
  }, {
    id: 'NYY02-130', name: 'Adult Ophthalmology – Fixture Clinic Wakefield', specialty_code: '130', provider_ods_code: 'NYY', site_ods_code: 'NYY02', clinic_type: null, consultant_team: null,
    min_age: 18, max_age: null, indicative_wait_weeks: 9, indicative_wait_as_of: '2026-04-30', indicative_wait_basis: null, accessibility: null,
    accreditation_status: 'ACCREDITED', latitude: 53.6833, longitude: -1.4977,
  }]).execute();
  ({ app, close } = await startTestApp(database));
});
after(() => close());

const get = (url: string, headers: Record<string, string> = {}) => app.inject({ method: 'GET', url, headers });

/** The bundle and every resource in it, each checked whole. */
function validBundle(res: { statusCode: number; body: string; json(): unknown }): Bundle {
  assert.equal(res.statusCode, 200, res.body);
  const bundle = res.json() as Bundle;
  assert.equal(bundle.resourceType, 'Bundle');
  assert.equal(bundle.type, 'searchset');
  assertValidFhir(bundle);
  for (const entry of bundle.entry ?? []) assertValidFhir(entry.resource as Resource);
  return bundle;
}
const matches = <T extends Resource>(bundle: Bundle) => (bundle.entry ?? []).filter((e) => e.search?.mode === 'match').map((e) => e.resource as T);
const matchIds = (bundle: Bundle) => matches(bundle).map((r) => r.id);

async function refused(url: string, status: number, code: string, field?: string, headers: Record<string, string> = {}): Promise<OperationOutcome> {
  const res = await get(url, headers);
  assert.equal(res.statusCode, status, `${url}: ${res.body}`);
  assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
  const outcome = res.json() as OperationOutcome;
  assert.equal(errorCode(outcome), code, url);
  if (field) assert.ok(outcome.issue?.some((i) => i.expression?.includes(field)), `${url} names ${field}: ${res.body}`);
  assertValidFhir(outcome);
  return outcome;
}

const sub = (extension: Extension | undefined, url: string) => extension?.extension?.filter((e) => e.url === url) ?? [];
const ext = (resource: { extension?: Extension[] }, url: string) => resource.extension?.find((e) => e.url === url);

describe('HealthcareService read', () => {
  test('a listed service in UK Core shape, the same data as GET /api/v1/services/{id}', async () => {
    const res = await get('/fhir/R4/HealthcareService/S1-110');
    assert.equal(res.statusCode, 200, res.body);
    assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
    const service = res.json() as HealthcareService;
    assertValidFhir(service);
    const json = (await get('/api/v1/services/S1-110')).json();
    assert.equal(service.id, json.id);
    assert.equal(service.name, json.name);
    assert.equal(service.active, true);
    assert.deepEqual(service.identifier?.map((i) => i.value), ['S1-110']);
    assert.equal(service.providedBy?.reference, `Organization/${json.provider.odsCode}`);
    assert.deepEqual(service.location?.map((l) => l.reference), [`Location/${json.site.odsCode}`]);
    assert.deepEqual(service.specialty?.[0]?.coding?.[0], { system: TREATMENT_FUNCTION_SYSTEM, code: '110', display: 'Trauma and Orthopaedics' });
    assert.equal(service.appointmentRequired, true);
    const wait = ext(service, DIRECTORY_EXTENSIONS.indicativeWait);
    assert.equal(sub(wait, 'wait')[0]?.valueQuantity?.value, json.indicativeWait.weeks);
    assert.equal(sub(wait, 'wait')[0]?.valueQuantity?.code, 'wk');
    assert.equal(sub(wait, 'asOf')[0]?.valueDate, json.indicativeWait.asOf);
    assert.equal(ext(service, DIRECTORY_EXTENSIONS.directlyBookable)?.valueBoolean, json.directlyBookable);
    assert.equal(ext(service, DIRECTORY_EXTENSIONS.eligibility), undefined, 'sees everyone');
    assert.equal(service.telecom, undefined, 'no number known for the site or its provider');
  });

  test('who a service sees is carried as eligibility, in words and as an extension', async () => {
    const service = (await get('/fhir/R4/HealthcareService/NYY01-502')).json() as HealthcareService;
    assertValidFhir(service);
    const eligibility = ext(service, DIRECTORY_EXTENSIONS.eligibility);
    assert.equal(sub(eligibility, 'age')[0]?.valueRange?.low?.value, 16);
    assert.equal(sub(eligibility, 'age')[0]?.valueRange?.high, undefined);
    assert.equal(sub(eligibility, 'sex')[0]?.valueCode, 'female');
    assert.equal(service.eligibility?.[0]?.comment, 'Sees ages 16 and over, female patients only');
    assert.equal(sub(ext(service, DIRECTORY_EXTENSIONS.indicativeWait), 'basis')[0]?.valueString, 'provider published');
    assert.deepEqual(service.telecom, [{ system: 'phone', value: '0113 000 0001', use: 'work' }], 'the site\'s own number');
    const atWakefield = (await get('/fhir/R4/HealthcareService/NYY02-130')).json() as HealthcareService;
    assertValidFhir(atWakefield);
    assert.deepEqual(atWakefield.telecom?.map((t) => t.value), ['0113 000 0000'], 'the provider\'s number where the site has none');
  });

  test('a made-up id, or a service not listed (pending accreditation, withdrawn), is 404 REC_NOT_FOUND as in the JSON API', async () => {
    for (const id of ['NO-SUCH-SERVICE', 'S1-110-pending', 'S1-110-inactive']) {
      await refused(`/fhir/R4/HealthcareService/${id}`, 404, 'REC_NOT_FOUND');
      assert.equal((await get(`/api/v1/services/${id}`)).statusCode, 404);
    }
  });
});

describe('HealthcareService search', () => {
  test('specialty=110: the listed services of the specialty, as GET /api/v1/services lists them; as code or system|code', async () => {
    const bundle = validBundle(await get('/fhir/R4/HealthcareService?specialty=110'));
    const json = (await get('/api/v1/services?specialty=110')).json();
    assert.deepEqual(matchIds(bundle), json.services.map((s: { id: string }) => s.id));
    assert.equal(bundle.total, 6);
    assert.equal(bundle.entry?.[0]?.fullUrl, `${bundle.link?.[0]?.url.split('/fhir/R4/')[0]}/fhir/R4/HealthcareService/S1-110`);
    const bySystem = validBundle(await get(`/fhir/R4/HealthcareService?specialty=${encodeURIComponent(`${TREATMENT_FUNCTION_SYSTEM}|110`)}`));
    assert.deepEqual(matchIds(bySystem), matchIds(bundle));
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/HealthcareService?specialty=C_110'))), matchIds(bundle));
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/HealthcareService?specialty=999'))), [], 'a code no service has matches none');
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/HealthcareService?specialty=502,130'))).sort(), ['NYY01-502', 'NYY02-130', 'S2-130', 'S2-502']);
  });

  test('by organization (ODS code or Organization/ reference), location, _id and active, each narrowing', async () => {
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/HealthcareService?organization=NYY'))), ['NYY02-130', 'NYY01-502']);
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/HealthcareService?organization=Organization/NYY&specialty=502'))), ['NYY01-502']);
    assert.equal(matchIds(validBundle(await get('/fhir/R4/HealthcareService?organization=RXX'))).length, 8);
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/HealthcareService?location=Location/S2'))).sort(), ['S2-110', 'S2-130', 'S2-502']);
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/HealthcareService?location=S2&specialty=502'))), ['S2-502']);
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/HealthcareService?_id=S3-110,S1-110-pending,nothing'))), ['S3-110']);
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/HealthcareService?_id=S3-110&organization=NYY'))), []);
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/HealthcareService?specialty=502&active=true'))).sort(), ['NYY01-502', 'S2-502']);
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/HealthcareService?specialty=502&active=false'))), []);
  });

  test('an invalid value of a known parameter, no criterion at all, or a shortlist criterion without _query=shortlist: 400 REC_BAD_REQUEST naming it', async () => {
    await refused('/fhir/R4/HealthcareService?specialty=orthopaedics', 400, 'REC_BAD_REQUEST', 'specialty');
    await refused('/fhir/R4/HealthcareService?specialty=http://snomed.info/sct|394801008', 400, 'REC_BAD_REQUEST', 'specialty');
    await refused('/fhir/R4/HealthcareService?organization=Location/S1', 400, 'REC_BAD_REQUEST', 'organization');
    await refused('/fhir/R4/HealthcareService?location=S1%20S2', 400, 'REC_BAD_REQUEST', 'location');
    await refused('/fhir/R4/HealthcareService?specialty=110&active=yes', 400, 'REC_BAD_REQUEST', 'active');
    await refused('/fhir/R4/HealthcareService?specialty=110&specialty=130', 400, 'REC_BAD_REQUEST', 'specialty');
    await refused('/fhir/R4/HealthcareService', 400, 'REC_BAD_REQUEST', 'specialty');
    await refused('/fhir/R4/HealthcareService?specialty=110&postcode=LS1%204AP', 400, 'REC_BAD_REQUEST', 'postcode');
  });

  test('an unknown parameter is ignored by default on this public search (lenient) and with Prefer: handling=lenient; refused with handling=strict', async () => {
    assert.equal(matchIds(validBundle(await get('/fhir/R4/HealthcareService?specialty=110&colour=blue'))).length, 6);
    assert.equal(matchIds(validBundle(await get('/fhir/R4/HealthcareService?specialty=110&colour=blue', { prefer: 'handling=lenient' }))).length, 6);
    await refused('/fhir/R4/HealthcareService?specialty=110&colour=blue', 400, 'REC_BAD_REQUEST', 'colour', { prefer: 'handling=strict' });
    await refused('/fhir/R4/HealthcareService?specialty=110&colour=blue', 400, 'REC_BAD_REQUEST', 'colour', { prefer: 'return=minimal; handling="strict"' });
    // Result parameters say how to answer, not what to find: never unknown, even strict.
    assert.equal(matchIds(validBundle(await get('/fhir/R4/HealthcareService?specialty=110&_format=json&_pretty=true&_summary=false&_elements=id&_total=accurate&_offset=0', { prefer: 'handling=strict' }))).length, 6);
  });
});

describe('the shortlist as a search (_query=shortlist)', () => {
  const shortlistJson = async (body: Record<string, unknown>) => {
    const res = await app.inject({ method: 'POST', url: '/api/v1/shortlists', payload: body });
    assert.equal(res.statusCode, 200, res.body);
    return res.json() as { eligibleCount: number; options: { rank: number; service: { id: string }; distanceKm: number; distanceMiles: number; indicativeWaitWeeks: number | null; reasons: string[]; travel: { estimatedCostGbp: number } }[] };
  };
  const fhirShortlist = async (params: string) => validBundle(await get(`/fhir/R4/HealthcareService?_query=shortlist&specialty=110&postcode=LS1%204AP${params}`));

  for (const [sort, sortBy] of [['wait', 'WAIT'], ['distance', 'DISTANCE'], ['balanced', 'BALANCED']] as const) {
    test(`_sort=${sort}: the same options in the same order as POST /api/v1/shortlists with sortBy ${sortBy}, each carrying its rank, distance, wait and reasons`, async () => {
      const bundle = await fhirShortlist(`&_sort=${sort}&distance=le150&_count=10`);
      const json = await shortlistJson({ specialty: '110', postcode: 'LS1 4AP', sortBy, maxDistanceKm: 150, limit: 10 });
      assert.deepEqual(matchIds(bundle), json.options.map((o) => o.service.id));
      assert.equal(json.options.length, 5, 'five within 150 km');
      assert.equal(bundle.total, json.eligibleCount);
      const entries = (bundle.entry ?? []).filter((e) => e.search?.mode === 'match');
      const scores = entries.map((e) => e.search?.score ?? 0);
      assert.deepEqual([...scores].sort((a, b) => b - a), scores, 'score falls with rank');
      assert.equal(new Set(scores).size, scores.length);
      json.options.forEach((option, i) => {
        const option_ = ext(entries[i]!.resource as HealthcareService, DIRECTORY_EXTENSIONS.shortlistOption);
        assert.equal(sub(option_, 'rank')[0]?.valuePositiveInt, option.rank);
        assert.equal(sub(option_, 'distance')[0]?.valueQuantity?.value, option.distanceKm);
        assert.equal(sub(option_, 'distanceMiles')[0]?.valueQuantity?.value, option.distanceMiles);
        assert.equal(sub(option_, 'wait')[0]?.valueQuantity?.value, option.indicativeWaitWeeks);
        assert.deepEqual(sub(option_, 'reason').map((r) => r.valueString), option.reasons);
        assert.equal(sub(option_, 'travelCost')[0]?.valueMoney?.value, option.travel.estimatedCostGbp);
      });
    });
  }

  test('no _sort is the JSON default (wait); the default distance limit and count are the JSON API\'s; what it says of itself is an informational outcome', async () => {
    const bundle = await fhirShortlist('');
    const json = await shortlistJson({ specialty: '110', postcode: 'LS1 4AP' });
    assert.deepEqual(matchIds(bundle), json.options.map((o) => o.service.id));
    assert.deepEqual(matchIds(bundle), ['S4-110', 'S3-110', 'S2-110', 'S1-110']);
    const outcome = bundle.entry?.find((e) => e.search?.mode === 'outcome')?.resource as OperationOutcome;
    assert.equal(outcome.resourceType, 'OperationOutcome');
    assert.ok(outcome.issue.every((i) => i.severity === 'information'));
    assert.match(outcome.issue.map((i) => i.diagnostics).join(' '), /Only 4 services .* about 5 should be offered/);
  });

  test('the e-RS criteria as the JSON shortlist takes them: distance (km or miles), wait (weeks or days), age, gender, priority, count', async () => {
    const same = async (params: string, body: Record<string, unknown>, specialty = '110') => {
      const bundle = validBundle(await get(`/fhir/R4/HealthcareService?_query=shortlist&specialty=${specialty}&postcode=LS1%204AP${params}`));
      const json = await shortlistJson({ specialty, postcode: 'LS1 4AP', ...body });
      assert.deepEqual(matchIds(bundle), json.options.map((o) => o.service.id), params);
      return matchIds(bundle);
    };
    assert.deepEqual(await same('&distance=le20', { maxDistanceKm: 20 }), ['S2-110', 'S1-110']);
    assert.deepEqual(await same(`&distance=${encodeURIComponent('le20|http://unitsofmeasure.org|[mi_i]')}`, { maxDistanceKm: 20 * 1.609344 }), ['S3-110', 'S2-110', 'S1-110']);
    assert.deepEqual(await same('&distance=250&wait=le10', { maxDistanceKm: 250, maxWaitWeeks: 10 }), ['S6-110', 'S5-110', 'S4-110', 'S3-110']);
    assert.deepEqual(await same(`&distance=250&wait=${encodeURIComponent('le28|http://unitsofmeasure.org|d')}`, { maxDistanceKm: 250, maxWaitWeeks: 4 }), ['S6-110', 'S5-110', 'S4-110']);
    assert.deepEqual(await same('&distance=250&_count=2', { maxDistanceKm: 250, limit: 2 }), ['S6-110', 'S5-110']);
    assert.deepEqual(await same('&age=40', { age: 40 }, '130'), ['NYY02-130']);
    assert.deepEqual(await same('&age=40&distance=10', { age: 40, maxDistanceKm: 10 }, '130'), []);
    assert.deepEqual(await same('&age=9', { age: 9 }, '130'), ['S2-130']);
    assert.deepEqual(await same('&gender=male', { sex: 'male' }, '502'), []);
    assert.deepEqual(await same('&gender=female&age=15', { sex: 'female', age: 15 }, '502'), ['S2-502']);
    assert.deepEqual(await same('&gender=female&age=30', { sex: 'female', age: 30 }, '502'), ['NYY01-502', 'S2-502']);
    for (const priority of ['routine', 'urgent', 'two-week-wait', 'asap', encodeURIComponent('http://hl7.org/fhir/request-priority|urgent')]) {
      await same(`&priority=${priority}`, { priority: priority === 'routine' ? 'ROUTINE' : priority.includes('urgent') ? 'URGENT' : 'TWO_WEEK_WAIT' });
    }
  });

  test('a postcode not found is 422 and one that is not a postcode 400, as the JSON API answers; an unknown specialty 422', async () => {
    await refused('/fhir/R4/HealthcareService?_query=shortlist&specialty=110&postcode=ZZ9%209ZZ', 422, 'REC_UNPROCESSABLE_ENTITY', 'postcode');
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/shortlists', payload: { specialty: '110', postcode: 'ZZ9 9ZZ' } })).statusCode, 422);
    await refused('/fhir/R4/HealthcareService?_query=shortlist&specialty=110&postcode=not-a-postcode', 400, 'REC_BAD_REQUEST', 'postcode');
    assert.equal((await app.inject({ method: 'POST', url: '/api/v1/shortlists', payload: { specialty: '110', postcode: 'not-a-postcode' } })).statusCode, 400);
    await refused('/fhir/R4/HealthcareService?_query=shortlist&specialty=999&postcode=LS1%204AP', 422, 'REC_UNPROCESSABLE_ENTITY', 'specialty');
  });

  test('refusals, each a 400 REC_BAD_REQUEST naming the parameter', async () => {
    const base = '/fhir/R4/HealthcareService?_query=shortlist&specialty=110&postcode=LS1%204AP';
    await refused('/fhir/R4/HealthcareService?_query=shortlist&specialty=110', 400, 'REC_BAD_REQUEST', 'postcode');
    await refused('/fhir/R4/HealthcareService?_query=shortlist&postcode=LS1%204AP', 400, 'REC_BAD_REQUEST', 'specialty');
    await refused('/fhir/R4/HealthcareService?_query=shortlist&specialty=110,130&postcode=LS1%204AP', 400, 'REC_BAD_REQUEST', 'specialty');
    await refused('/fhir/R4/HealthcareService?_query=nearest&specialty=110&postcode=LS1%204AP', 400, 'REC_BAD_REQUEST', '_query');
    const cases: [string, string][] = [
      ['&_sort=-wait', '_sort'], ['&_sort=name', '_sort'],
      ['&priority=stat', 'priority'], ['&priority=http://snomed.info/sct|urgent', 'priority'],
      ['&distance=ge30', 'distance'], ['&distance=0', 'distance'], ['&distance=3000', 'distance'], ['&distance=30||furlong', 'distance'], ['&distance=far', 'distance'],
      ['&wait=le600', 'wait'], ['&wait=le4|http://unitsofmeasure.org|mo', 'wait'],
      ['&age=-1', 'age'], ['&age=4.5', 'age'], ['&age=200', 'age'],
      ['&gender=other', 'gender'], ['&gender=unknown', 'gender'], ['&gender=F', 'gender'],
      ['&_count=0', '_count'], ['&_count=21', '_count'],
      ['&organization=RXX', 'organization'], ['&location=S1', 'location'], ['&_id=S1-110', '_id'], ['&active=true', 'active'],
      ['&postcode=LS2', 'postcode'],
    ];
    for (const [params, field] of cases) await refused(`${base}${params.replace(/\|/g, '%7C').replace(/\[/g, '%5B').replace(/\]/g, '%5D')}`, 400, 'REC_BAD_REQUEST', field);
    const other = await refused(`${base}&gender=other`, 400, 'REC_BAD_REQUEST', 'gender');
    assert.match(String(other.issue[0]?.diagnostics), /leave gender out/);
  });
});

describe('Location', () => {
  test('a site by its ODS site code: identifier, position, address, telecom, managing organisation', async () => {
    const res = await get('/fhir/R4/Location/NYY01');
    assert.equal(res.statusCode, 200, res.body);
    const site = res.json() as Location;
    assertValidFhir(site);
    assert.deepEqual(site.identifier, [{ system: ODS_SITE_SYSTEM, value: 'NYY01' }]);
    assert.deepEqual(site.position, { latitude: 53.7985, longitude: -1.5455 });
    assert.deepEqual(site.address?.line, ['1 Park Row', 'Leeds']);
    assert.equal(site.address?.postalCode, 'LS1 5HN');
    assert.equal(site.telecom?.[0]?.value, '0113 000 0001');
    assert.equal(site.managingOrganization?.reference, 'Organization/NYY');
    assert.equal(site.name, 'Fixture Clinic Leeds');
    const bare = (await get('/fhir/R4/Location/NYY02')).json() as Location;
    assertValidFhir(bare);
    assert.equal(bare.address, undefined);
    assert.equal(bare.telecom, undefined);
  });

  test('search by identifier (code or system|code), organization and _id', async () => {
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/Location?identifier=NYY01'))), ['NYY01']);
    assert.deepEqual(matchIds(validBundle(await get(`/fhir/R4/Location?identifier=${encodeURIComponent(`${ODS_SITE_SYSTEM}|NYY02`)}`))), ['NYY02']);
    assert.deepEqual(matchIds(validBundle(await get(`/fhir/R4/Location?identifier=${encodeURIComponent(`${ODS_ORGANISATION_SYSTEM}|NYY02`)}`))), [], 'another system matches none');
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/Location?organization=Organization/NYY'))), ['NYY01', 'NYY02']);
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/Location?organization=NYY&identifier=NYY02'))), ['NYY02']);
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/Location?_id=NYY01,NOSITE'))), ['NYY01']);
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/Location?organization=NOORG'))), []);
  });

  test('a made-up site is 404; a search of nothing or a malformed value is 400', async () => {
    await refused('/fhir/R4/Location/NOSITE', 404, 'REC_NOT_FOUND');
    await refused('/fhir/R4/Location', 400, 'REC_BAD_REQUEST', 'identifier');
    await refused('/fhir/R4/Location?organization=HealthcareService/NYY', 400, 'REC_BAD_REQUEST', 'organization');
    await refused('/fhir/R4/Location?identifier=NYY%2001', 400, 'REC_BAD_REQUEST', 'identifier');
  });
});

describe('Organization', () => {
  test('a provider by its ODS code: identifier, name, type, active, telecom, address', async () => {
    const res = await get('/fhir/R4/Organization/NYY');
    assert.equal(res.statusCode, 200, res.body);
    const org = res.json() as Organization;
    assertValidFhir(org);
    assert.deepEqual(org.identifier, [{ use: 'official', system: ODS_ORGANISATION_SYSTEM, value: 'NYY' }]);
    assert.equal(org.name, 'Fixture Independent Clinics Ltd');
    assert.equal(org.active, true);
    assert.deepEqual(org.type?.[0]?.coding?.map((c) => c.code), ['prov', 'INDEPENDENT_PROVIDER']);
    assert.equal(org.telecom?.[0]?.value, '0113 000 0000');
    assert.equal(org.address?.[0]?.postalCode, 'LS2 9JT');
    const trust = (await get('/fhir/R4/Organization/RXX')).json() as Organization;
    assertValidFhir(trust);
    assert.deepEqual(trust.type?.[0]?.coding?.map((c) => c.code), ['prov', 'NHS_TRUST']);
  });

  test('search by identifier and _id; a made-up one is 404, a search of nothing 400', async () => {
    assert.deepEqual(matchIds(validBundle(await get(`/fhir/R4/Organization?identifier=${encodeURIComponent(`${ODS_ORGANISATION_SYSTEM}|NYY`)}`))), ['NYY']);
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/Organization?identifier=NYY,RXX'))), ['NYY', 'RXX']);
    assert.deepEqual(matchIds(validBundle(await get(`/fhir/R4/Organization?identifier=${encodeURIComponent(`${ODS_SITE_SYSTEM}|NYY`)}`))), []);
    assert.deepEqual(matchIds(validBundle(await get('/fhir/R4/Organization?_id=RXX'))), ['RXX']);
    await refused('/fhir/R4/Organization/NOORG', 404, 'REC_NOT_FOUND');
    await refused('/fhir/R4/Organization', 400, 'REC_BAD_REQUEST', 'identifier');
  });

  test('the references a service makes resolve: its provider and site', async () => {
    const service = (await get('/fhir/R4/HealthcareService/NYY01-502')).json() as HealthcareService;
    for (const reference of [service.providedBy!.reference!, service.location![0]!.reference!]) {
      const res = await get(`/fhir/R4/${reference}`);
      assert.equal(res.statusCode, 200, reference);
      assertValidFhir(res.json());
    }
  });
});

test('the CapabilityStatement lists the directory\'s interactions and search parameters with their documentation', async () => {
  const statement = (await get('/fhir/R4/metadata')).json() as CapabilityStatement;
  assertValidFhir(statement);
  const resources = new Map((statement.rest?.[0]?.resource ?? []).map((r) => [r.type, r]));
  for (const type of ['HealthcareService', 'Location', 'Organization'] as const) {
    assert.deepEqual(resources.get(type)?.interaction?.map((i) => i.code).sort(), ['read', 'search-type'], type);
  }
  const params = resources.get('HealthcareService')?.searchParam ?? [];
  for (const name of ['specialty', 'organization', 'location', '_id', 'active', '_query', 'postcode', 'priority', 'distance', 'wait', 'age', 'gender', '_sort', '_count']) {
    assert.ok(params.find((p) => p.name === name)?.documentation, `HealthcareService ${name}`);
  }
  assert.deepEqual(resources.get('Location')?.searchParam?.map((p) => p.name), ['_id', 'identifier', 'organization']);
  assert.deepEqual(resources.get('Organization')?.searchParam?.map((p) => p.name), ['_id', 'identifier']);
});
