// Which of a provider's sites plausibly run a specialty. NHS England publishes waits per provider, not per site,
// so the demo directory has to decide where a trust's specialty is seen. Putting every specialty at every site
// invents clinics (Neurosurgery at a dental hospital) and fills a "nearest" shortlist with one trust's sites, all
// with the same wait. The rule, in order:
//
// 1. A site's kind comes from its name (and the hospitals file's SubType, which only ever says "Mental Health
//    Hospital"): mental health, hospice, dental, eye, children's, women's/maternity, heart and chest,
//    orthopaedic, neurosciences, community (community, cottage and war memorial hospitals), acute (infirmary,
//    general, university, district, royal or county hospital, or named as a main acute site in the curated list)
//    or otherwise a general hospital.
// 2. Mental health sites and hospices run none of the RTT specialties. A specialist site (dental, eye, women's,
//    heart, orthopaedic, neuro) runs only its own specialties; when a provider has such a site for a specialty,
//    that specialty goes there and nowhere else in the provider.
// 3. Any other specialty goes to the provider's acute sites; with none, to its general hospitals; with none, to
//    its community hospitals; with none, to its children's hospitals (and then only for children: a children's
//    site in a trust with adult sites gets nothing, as the RTT figures do not split children from adults).
//    So a provider with one plausible site gets all it plausibly runs there.
// 4. At most MAX_SITES_PER_SPECIALTY sites per provider and specialty: the curated main acute sites first, then
//    the lowest ODS site code (ODS numbers a trust's first registered site 01, usually its main hospital): one waiting list is one wait, and more sites
//    with it crowd other providers off a shortlist.

export type SiteKind =
  | 'mental-health' | 'hospice' | 'dental' | 'eye' | 'children' | 'womens' | 'heart' | 'orthopaedic' | 'neuro'
  | 'community' | 'acute' | 'general';

export const MAX_SITES_PER_SPECIALTY = 2;

/** Specialist kinds and the RTT treatment functions they run; a kind with none runs nothing. */
export const SPECIALIST_SPECIALTIES: Readonly<Record<string, ReadonlySet<string>>> = {
  'mental-health': new Set(),
  hospice: new Set(),
  dental: new Set(['140']), // Oral Surgery
  eye: new Set(['130']), // Ophthalmology
  womens: new Set(['502']), // Gynaecology
  heart: new Set(['170', '320', '340']), // Cardiothoracic Surgery, Cardiology, Respiratory Medicine
  orthopaedic: new Set(['110', '410']), // Trauma and Orthopaedics, Rheumatology
  neuro: new Set(['150', '400']), // Neurosurgery, Neurology
};

/** The oldest a patient may be at a children's site that runs a specialty (under 18). */
export const CHILDREN_MAX_AGE = 17;

// Order matters: "Manchester Royal Eye Hospital" is an eye hospital before it is royal; "Knutsford and District
// Community Hospital" is a community hospital; "Heartlands Hospital" and "Darlington Memorial Hospital" are acute.
const KIND_PATTERNS: ReadonlyArray<readonly [SiteKind, RegExp]> = [
  ['mental-health', /mental health|psychiatr|forensic|crisis|secure unit|learning disabilit/i],
  ['hospice', /hospice/i],
  ['dental', /dental|dentistry/i],
  ['eye', /\beye\b|ophthalm/i],
  ['children', /child|paediatric/i],
  ['womens', /women|maternity|birth/i],
  ['heart', /\bheart\b|\bchest\b|cardiothoracic/i],
  ['orthopaedic', /orthopaedic/i],
  ['neuro', /neurolog|neurosurg|neuroscien/i],
  ['community', /community hospital|cottage|war memorial/i],
  ['acute', /infirmary|\bgeneral\b|universit|\bdistrict\b|\broyal\b|\bcounty\b/i],
];

export function siteKind(name: string, type: string | null = null, mainAcute = false): SiteKind {
  if (type && /mental health/i.test(type)) return 'mental-health';
  const kind = KIND_PATTERNS.find(([, pattern]) => pattern.test(name))?.[0];
  if (kind && kind !== 'acute' && kind !== 'community') return kind;
  if (mainAcute) return 'acute';
  return kind ?? 'general';
}

export interface PlacementSite {
  code: string;
  name: string;
  /** The hospitals file's SubType, when known. */
  type?: string | null;
  /** Named as a main acute site in the curated list although its name does not say so. */
  mainAcute?: boolean;
}

export interface SitePlacement<S extends PlacementSite> {
  /** The sites that run the specialty, each with the oldest age it accepts (null: any age). */
  sites: Array<{ site: S; maxAge: number | null }>;
  /** The provider's other sites, each with why it does not run the specialty. */
  left: Array<{ site: S; reason: LeftOutReason }>;
}

export type LeftOutReason =
  | 'mental health site or hospice: runs no RTT specialty'
  | 'specialist site: runs only its own specialties'
  | "the provider's specialist site runs it"
  | "children's site of a provider with adult sites"
  | 'not a main site: the provider has an acute or general site for it'
  | `beyond ${typeof MAX_SITES_PER_SPECIALTY} sites per provider and specialty`;

const FALLBACK_TIERS: readonly SiteKind[] = ['acute', 'general', 'community', 'children'];

/** Where a provider runs one specialty among its sites (see the rule above). Pure; order of `sites` is irrelevant. */
export function placeSpecialty<S extends PlacementSite>(specialty: string, sites: readonly S[]): SitePlacement<S> {
  const kinded = [...sites]
    .sort((a, b) => Number(b.mainAcute ?? false) - Number(a.mainAcute ?? false) || (a.code < b.code ? -1 : a.code > b.code ? 1 : 0))
    .map((site) => ({ site, kind: siteKind(site.name, site.type ?? null, site.mainAcute ?? false) }));
  const specialist = kinded.filter(({ kind }) => SPECIALIST_SPECIALTIES[kind]?.has(specialty));
  const tier = specialist.length > 0
    ? 'specialist'
    : FALLBACK_TIERS.find((t) => kinded.some(({ kind }) => kind === t)) ?? null;
  const chosen = specialist.length > 0 ? specialist : kinded.filter(({ kind }) => kind === tier);
  const kept = chosen.slice(0, MAX_SITES_PER_SPECIALTY);
  const result: SitePlacement<S> = {
    sites: kept.map(({ site, kind }) => ({ site, maxAge: kind === 'children' ? CHILDREN_MAX_AGE : null })),
    left: [],
  };
  for (const { site, kind } of kinded) {
    if (kept.some((k) => k.site === site)) continue;
    result.left.push({ site, reason: whyLeft(kind, chosen.some((c) => c.site === site), specialist.length > 0) });
  }
  return result;
}

function whyLeft(kind: SiteKind, wasChosen: boolean, specialistRunsIt: boolean): LeftOutReason {
  if (wasChosen) return `beyond ${MAX_SITES_PER_SPECIALTY} sites per provider and specialty`;
  if (kind === 'mental-health' || kind === 'hospice') return 'mental health site or hospice: runs no RTT specialty';
  if (SPECIALIST_SPECIALTIES[kind]) return 'specialist site: runs only its own specialties';
  if (specialistRunsIt) return "the provider's specialist site runs it";
  if (kind === 'children') return "children's site of a provider with adult sites";
  return 'not a main site: the provider has an acute or general site for it';
}
