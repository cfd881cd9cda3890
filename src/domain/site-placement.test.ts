import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import {
  CHILDREN_MAX_AGE, MAX_SITES_PER_SPECIALTY, placeSpecialty, type PlacementSite, SPECIALIST_SPECIALTIES, siteKind,
} from './site-placement.ts';

const RTT_SPECIALTIES = ['100', '101', '110', '120', '130', '140', '150', '160', '170', '300', '301', '320', '330', '340', '400', '410', '430', '502'];

// Leeds Teaching Hospitals as the hospitals file lists it.
const LEEDS: PlacementSite[] = [
  { code: 'RR801', name: 'Leeds General Infirmary', mainAcute: true },
  { code: 'RR802', name: 'Leeds Dental Hospital' },
  { code: 'RR807', name: 'Wharfedale Hospital' },
  { code: 'RR813', name: "St James's Hospital", mainAcute: true },
  { code: 'RR814', name: 'Seacroft Hospital' },
  { code: 'RR819', name: 'Chapel Allerton Hospital' },
];
const codes = (specialty: string, sites: PlacementSite[]) => placeSpecialty(specialty, sites).sites.map((s) => s.site.code);

test('Leeds Dental Hospital gets Oral Surgery and neither Neurosurgery nor Trauma and Orthopaedics', () => {
  assert.deepEqual(codes('140', LEEDS), ['RR802']);
  for (const specialty of ['150', '110']) {
    const placement = placeSpecialty(specialty, LEEDS);
    assert.deepEqual(placement.sites.map((s) => s.site.code), ['RR801', 'RR813']);
    assert.equal(placement.left.find((l) => l.site.code === 'RR802')?.reason, 'specialist site: runs only its own specialties');
    assert.equal(placement.left.find((l) => l.site.code === 'RR814')?.reason, 'not a main site: the provider has an acute or general site for it');
  }
  const oral = placeSpecialty('140', LEEDS);
  assert.equal(oral.left.find((l) => l.site.code === 'RR801')?.reason, "the provider's specialist site runs it");
});

test('an eye hospital runs only Ophthalmology, and a trust with one runs Ophthalmology there only', () => {
  const manchester: PlacementSite[] = [
    { code: 'R0A02', name: 'Manchester Royal Infirmary' },
    { code: 'R0A05', name: 'Manchester Royal Eye Hospital' },
  ];
  assert.equal(siteKind('Manchester Royal Eye Hospital'), 'eye');
  assert.deepEqual(codes('130', manchester), ['R0A05']);
  for (const specialty of RTT_SPECIALTIES.filter((s) => s !== '130')) assert.deepEqual(codes(specialty, manchester), ['R0A02']);
  const moorfields: PlacementSite[] = [{ code: 'RP601', name: 'Moorfields Eye Hospital (City Road)' }];
  assert.deepEqual(codes('130', moorfields), ['RP601']);
  assert.deepEqual(codes('120', moorfields), [], 'an eye hospital never gets ENT, even as the only site');
});

test('names that look like a kind but are not one', () => {
  assert.equal(siteKind('Heartlands Hospital'), 'general');
  assert.equal(siteKind('Darlington Memorial Hospital'), 'general');
  assert.equal(siteKind('Knutsford and District Community Hospital'), 'community');
  assert.equal(siteKind('Norfolk & Norwich University Hospital - Norfolk Community Health and Care NHS Trust'), 'acute');
  assert.equal(siteKind('BMI The Priory Hospital'), 'general');
  assert.equal(siteKind('Springview', 'Mental Health Hospital'), 'mental-health');
  assert.equal(siteKind('Liverpool Heart and Chest Hospital'), 'heart');
  assert.equal(siteKind('Seacroft Hospital', null, true), 'acute');
});

test('mental health sites and hospices run nothing; community hospitals only when there is nothing else', () => {
  const trust: PlacementSite[] = [
    { code: 'RXX01', name: 'Airedale Centre for Mental Health' },
    { code: 'RXX02', name: 'Mount Edgcumbe Hospice' },
    { code: 'RXX03', name: 'Eccleshill Community Hospital' },
  ];
  assert.deepEqual(codes('300', trust), ['RXX03'], 'a provider whose one plausible site is a community hospital gets all there');
  assert.deepEqual(codes('300', [...trust, { code: 'RXX04', name: 'Bradford Royal Infirmary' }]), ['RXX04']);
  assert.deepEqual(codes('300', trust.slice(0, 2)), []);
});

test("a children's site runs specialties only for children, and only for a children's provider", () => {
  const alderHey: PlacementSite[] = [{ code: 'RBS25', name: "Alder Hey Children's NHS Foundation Trust" }];
  assert.deepEqual(placeSpecialty('110', alderHey).sites.map((s) => [s.site.code, s.maxAge]), [['RBS25', CHILDREN_MAX_AGE]]);
  const bristol: PlacementSite[] = [
    { code: 'RA701', name: 'Bristol Royal Infirmary' },
    { code: 'RA702', name: 'Bristol Royal Hospital For Children' },
  ];
  const placement = placeSpecialty('110', bristol);
  assert.deepEqual(placement.sites.map((s) => [s.site.code, s.maxAge]), [['RA701', null]]);
  assert.equal(placement.left[0]?.reason, "children's site of a provider with adult sites");
});

test(`at most ${MAX_SITES_PER_SPECIALTY} sites per provider and specialty, main acute sites first`, () => {
  const sites: PlacementSite[] = [
    { code: 'RW601', name: 'Fairfield General Hospital' },
    { code: 'RW602', name: 'North Manchester General Hospital' },
    { code: 'RW603', name: 'Royal Oldham Hospital', mainAcute: true },
    { code: 'RW604', name: 'Rochdale Infirmary' },
  ];
  const placement = placeSpecialty('110', sites);
  assert.deepEqual(placement.sites.map((s) => s.site.code), ['RW603', 'RW601']);
  assert.deepEqual(placement.left.map((l) => l.reason), [`beyond ${MAX_SITES_PER_SPECIALTY} sites per provider and specialty`, `beyond ${MAX_SITES_PER_SPECIALTY} sites per provider and specialty`]);
});

const NAME_PARTS = ['Leeds', 'Royal', 'General', 'Dental', 'Eye', "Children's", "Women's", 'Maternity', 'Mental Health',
  'Community', 'Hospice', 'Heart', 'Orthopaedic', 'Neurosciences', 'Infirmary', 'Cottage', 'St Luke', 'Hospital', 'Centre'];
const site = fc.record({
  code: fc.stringMatching(/^[A-Z][A-Z0-9]{4}$/),
  name: fc.array(fc.constantFrom(...NAME_PARTS), { minLength: 1, maxLength: 4 }).map((parts) => parts.join(' ')),
  type: fc.constantFrom(null, 'Hospital', 'Mental Health Hospital'),
  mainAcute: fc.boolean(),
});

test('property: no site gets a specialty its kind excludes, every site is either placed or left with a reason', () => {
  fc.assert(fc.property(
    fc.uniqueArray(site, { minLength: 0, maxLength: 8, selector: (s) => s.code }),
    fc.constantFrom(...RTT_SPECIALTIES),
    (sites, specialty) => {
      const placement = placeSpecialty(specialty, sites);
      assert.ok(placement.sites.length <= MAX_SITES_PER_SPECIALTY);
      assert.equal(placement.sites.length + placement.left.length, sites.length);
      for (const { site: s, maxAge } of placement.sites) {
        const kind = siteKind(s.name, s.type, s.mainAcute);
        const runs = SPECIALIST_SPECIALTIES[kind];
        if (runs) assert.ok(runs.has(specialty), `${s.name} (${kind}) got ${specialty}`);
        assert.equal(maxAge, kind === 'children' ? CHILDREN_MAX_AGE : null);
        if (kind === 'children') {
          assert.ok(sites.every((o) => ['children', 'mental-health', 'hospice'].includes(siteKind(o.name, o.type, o.mainAcute))
            || (SPECIALIST_SPECIALTIES[siteKind(o.name, o.type, o.mainAcute)] && !SPECIALIST_SPECIALTIES[siteKind(o.name, o.type, o.mainAcute)]!.has(specialty))),
          "a children's site only when no adult site could run it");
        }
      }
      // A provider with a plausible site always gets the specialty somewhere.
      const plausible = sites.some((s) => {
        const runs = SPECIALIST_SPECIALTIES[siteKind(s.name, s.type, s.mainAcute)];
        return runs ? runs.has(specialty) : true;
      });
      assert.equal(placement.sites.length > 0, plausible);
      // The order sites are given in changes nothing.
      assert.deepEqual(placeSpecialty(specialty, [...sites].reverse()).sites.map((p) => p.site.code), placement.sites.map((p) => p.site.code));
    },
  ), { numRuns: 500 });
});
