// UK postcodes: parsing in any case and spacing, normal form 'LS1 4AP', and the partial forms
// a person may know (the outward code 'LS1' or the sector 'LS1 4').

// Outward code: area (1–2 letters), district digit, optional digit or letter. Inward: digit + 2 letters.
const OUTWARD = '[A-Z]{1,2}[0-9][A-Z0-9]?';
const FULL = new RegExp(`^(${OUTWARD})([0-9][A-Z]{2})$`);
const SECTOR = new RegExp(`^(${OUTWARD})([0-9])$`);
const OUTCODE = new RegExp(`^(${OUTWARD})$`);

export type ParsedPostcode =
  | { kind: 'postcode'; postcode: string; sector: string; outcode: string }
  | { kind: 'sector'; sector: string; outcode: string }
  | { kind: 'outcode'; outcode: string };

/** Upper-cases and removes all white space. */
function squash(input: string): string {
  return input.toUpperCase().replace(/\s+/g, '');
}

/**
 * Parses a full or partial postcode. Without a space 'LS14' is ambiguous (district LS14, or sector 'LS1 4');
 * it is read as the outward code, the reading a person typing four characters most likely means.
 */
export function parsePostcode(input: string): ParsedPostcode | null {
  if (input.length > 16) return null;
  const compact = squash(input);
  const full = FULL.exec(compact);
  if (full) {
    const [, outcode, inward] = full as unknown as [string, string, string];
    return { kind: 'postcode', postcode: `${outcode} ${inward}`, sector: `${outcode} ${inward[0]}`, outcode };
  }
  const spaced = /^\s*(\S+)\s+([0-9])\s*$/.exec(input.toUpperCase());
  if (spaced && OUTCODE.test(spaced[1]!)) return { kind: 'sector', sector: `${spaced[1]} ${spaced[2]}`, outcode: spaced[1]! };
  if (OUTCODE.test(compact)) return { kind: 'outcode', outcode: compact };
  const sector = SECTOR.exec(compact);
  if (sector) return { kind: 'sector', sector: `${sector[1]} ${sector[2]}`, outcode: sector[1]! };
  return null;
}

/** The normal form of a full postcode ('ls14ap' → 'LS1 4AP'), or null if it is not a full postcode. */
export function normalisePostcode(input: string): string | null {
  const parsed = parsePostcode(input);
  return parsed?.kind === 'postcode' ? parsed.postcode : null;
}

/** The text with every full postcode in it cut to its outward code ('7 miles from LS1 4AP' → '7 miles from LS1'): a district says how far, not who. */
export function coarsenPostcodes(text: string): string {
  return text.replace(/\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?[0-9][A-Z]{2}\b/g, '$1');
}
