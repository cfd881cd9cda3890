// Which nation a postcode is in, as far as its letters say: the directory lists England's NHS services only, so a
// search from Scotland, Wales, Northern Ireland, the Isle of Man or the Channel Islands finds services in England
// and the person must be told so.
//
// Decided by the postcode area (the letters), then by the district (the outward code) where an area crosses a
// border. The districts below were read off Code-Point Open (October 2025), whose every postcode carries its
// country: a district is placed in the nation most of its postcodes are in, and is a border district when at least
// a tenth of its postcodes are on the other side (CH4 48% Wales, HR3 48% Wales, HR5 16% Wales, LD7 12% England,
// LD8 13% England, NP16 25% England, SY10 27% Wales, SY13 14% Wales, SY15 18% England, TD12 41% England).
// Smaller shares (CH1, DG16, GL16, LL14, NP7, NP25, SY5, SY14, SY21, SY22, TD5, TD9, TD15) go with the majority.
// CA (Cumbria) has no postcode in Scotland; DG16 (Gretna) is Scotland.
import { parsePostcode } from './postcode.ts';

export type Nation = 'England' | 'Scotland' | 'Wales' | 'Northern Ireland' | 'Isle of Man' | 'Channel Islands';

const AREA_NATION: Readonly<Record<string, Nation>> = {
  ...Object.fromEntries(['AB', 'DD', 'DG', 'EH', 'FK', 'G', 'HS', 'IV', 'KA', 'KW', 'KY', 'ML', 'PA', 'PH', 'TD', 'ZE'].map((a) => [a, 'Scotland'])),
  ...Object.fromEntries(['CF', 'LD', 'LL', 'NP', 'SA'].map((a) => [a, 'Wales'])),
  BT: 'Northern Ireland',
  IM: 'Isle of Man',
  GY: 'Channel Islands',
  JE: 'Channel Islands',
};

/** Districts whose nation is not their area's. */
const DISTRICT_NATION: Readonly<Record<string, Nation>> = {
  ...Object.fromEntries(['CH5', 'CH6', 'CH7', 'CH8'].map((d) => [d, 'Wales'])),
  ...Object.fromEntries(['SY15', 'SY16', 'SY17', 'SY18', 'SY19', 'SY20', 'SY21', 'SY22', 'SY23', 'SY24', 'SY25'].map((d) => [d, 'Wales'])),
  TD15: 'England',
};

/** Border districts: the nation on the other side. */
const BORDER: Readonly<Record<string, Nation>> = {
  CH4: 'Wales', HR3: 'Wales', HR5: 'Wales', SY10: 'Wales', SY13: 'Wales',
  LD7: 'England', LD8: 'England', NP16: 'England', SY15: 'England',
  TD12: 'England',
};

export interface PostcodeNation {
  /** The nation most of the district's postcodes are in. */
  nation: Nation;
  /** For a district that crosses a border, the nation on the other side; otherwise null. */
  acrossBorder: Nation | null;
}

/** The nation of a full or partial postcode ('LL11 2AA', 'LL11 2', 'LL11'); null when it is not a postcode. */
export function nationOfPostcode(input: string): PostcodeNation | null {
  const parsed = parsePostcode(input);
  if (!parsed) return null;
  const district = parsed.outcode;
  const area = /^[A-Z]+/.exec(district)![0];
  return { nation: DISTRICT_NATION[district] ?? AREA_NATION[area] ?? 'England', acrossBorder: BORDER[district] ?? null };
}

/** Whether a search from the postcode may reach past England's NHS services: outside England, or on its border. */
export function mayBeOutsideEngland(place: PostcodeNation): boolean {
  return place.nation !== 'England' || place.acrossBorder !== null;
}
