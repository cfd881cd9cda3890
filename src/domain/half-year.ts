// Half-years ('2026-H1' is January to June, '2026-H2' July to December): the patient survey's reporting period, as
// the 2023 letter's choice research repeats at 6-monthly intervals, and the self-assessment's, as the 2016 guide asks
// ICBs to assess themselves twice a year. Pure: no I/O.

export type HalfYear = `${number}-H${1 | 2}`;

const PATTERN = /^(\d{4})-H([12])$/;

/** The first half-year the survey can report: the guide's statements are from 2016. */
export const FIRST_HALF_YEAR = '2016-H1';

/** The half-year a London calendar date ('YYYY-MM-DD') falls in. */
export function halfYearOf(date: string): HalfYear {
  const month = Number(date.slice(5, 7));
  return `${Number(date.slice(0, 4))}-H${month <= 6 ? 1 : 2}` as HalfYear;
}

/**
 * A half-year written as 2026-H2 (any case, spaces around), or null. Only the form is checked: what range of
 * half-years makes sense is the caller's (parseHalfYear below gives the survey's, with messages).
 */
export function readHalfYear(text: string): HalfYear | null {
  const match = PATTERN.exec(text.trim().toUpperCase());
  return match ? (`${match[1]}-H${match[2]}` as HalfYear) : null;
}

/** The half-year before. */
export function previousHalfYear(half: HalfYear): HalfYear {
  const [year, h] = [Number(half.slice(0, 4)), half.endsWith('H1') ? 1 : 2];
  return (h === 2 ? `${year}-H1` : `${year - 1}-H2`) as HalfYear;
}

/** Its first and last days, inclusive. */
export function halfYearDates(half: HalfYear): { from: string; to: string } {
  const year = half.slice(0, 4);
  return half.endsWith('H1') ? { from: `${year}-01-01`, to: `${year}-06-30` } : { from: `${year}-07-01`, to: `${year}-12-31` };
}

/** '2026-H2' → 'July to December 2026'. */
export function halfYearWords(half: HalfYear): string {
  return `${half.endsWith('H1') ? 'January to June' : 'July to December'} ${half.slice(0, 4)}`;
}

export type HalfYearParse = { ok: true; half: HalfYear } | { ok: false; message: string };

/**
 * A half-year as a commissioner asks for one: '2026-H2' (upper or lower case h), from 2016-H1 to the half-year
 * `today` is in. Anything else says why not.
 */
export function parseHalfYear(raw: string, today: string): HalfYearParse {
  const half = readHalfYear(raw);
  if (!half) return { ok: false, message: 'Enter a half-year like 2026-H2 (H1 is January to June, H2 July to December)' };
  if (half < FIRST_HALF_YEAR) return { ok: false, message: `Enter a half-year from ${FIRST_HALF_YEAR}, when the guide's statements were published` };
  const current = halfYearOf(today);
  if (half > current) return { ok: false, message: `Enter a half-year that has started: ${current} or earlier` };
  return { ok: true, half };
}
