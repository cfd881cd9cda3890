// NHS numbers: ten digits, the last a modulus 11 check digit (NHS Data Dictionary). Numbers in the Scottish
// CHI range also begin with the date of birth (DDMMYY), so an impossible date there is not a number.

/** Digits only, from input written with spaces or dashes; '' when anything else is there. */
export function standardiseNhsNumber(input: string): string {
  const compact = input.trim().replace(/[\s-]/g, '');
  return /^\d+$/.test(compact) ? compact : '';
}

/** The check digit for nine digits: 0–9, or 10 when no check digit can make them valid; null if not nine digits. */
export function nhsNumberCheckDigit(nineDigits: string): number | null {
  if (!/^\d{9}$/.test(nineDigits)) return null;
  let sum = 0;
  for (let i = 0; i < 9; i++) sum += Number(nineDigits[i]) * (10 - i);
  const check = 11 - (sum % 11);
  return check === 11 ? 0 : check;
}

export function hasValidNhsChecksum(digits: string): boolean {
  if (!/^\d{10}$/.test(digits)) return false;
  const check = nhsNumberCheckDigit(digits.slice(0, 9));
  return check !== null && check !== 10 && check === Number(digits[9]);
}

export type NhsNumberRegion = 'SCOTLAND' | 'NORTHERN_IRELAND' | 'ENGLAND_WALES_IOM' | 'EIRE' | 'SYNTHETIC' | 'UNALLOCATED';

// The allocated ranges, as the uk-fci/nhs-number reference implementation has them.
const RANGES: readonly [number, number, NhsNumberRegion][] = [
  [100_000_000, 3_112_999_999, 'SCOTLAND'],
  [3_200_000_000, 3_999_999_999, 'NORTHERN_IRELAND'],
  [4_000_000_000, 4_999_999_999, 'ENGLAND_WALES_IOM'],
  [6_000_000_000, 7_999_999_999, 'ENGLAND_WALES_IOM'],
  [8_000_000_000, 8_999_999_999, 'EIRE'],
  [9_000_000_000, 9_999_999_999, 'SYNTHETIC'],
];

export function nhsNumberRegion(digits: string): NhsNumberRegion {
  const n = Number(digits);
  return RANGES.find(([from, to]) => n >= from && n <= to)?.[2] ?? 'UNALLOCATED';
}

function isRealDdmmyy(ddmmyy: string): boolean {
  const day = Number(ddmmyy.slice(0, 2));
  const month = Number(ddmmyy.slice(2, 4));
  const year = 2000 + Number(ddmmyy.slice(4, 6)); // a leap year in either century alike, but for 1900
  if (month < 1 || month > 12 || day < 1) return false;
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return day <= daysInMonth;
}

/** A valid NHS number: ten digits (after removing spaces and dashes), the check digit right, and in the
 * Scottish range a real date of birth. */
export function isValidNhsNumber(input: string): boolean {
  const digits = standardiseNhsNumber(input);
  if (!hasValidNhsChecksum(digits)) return false;
  if (nhsNumberRegion(digits) === 'SCOTLAND') return isRealDdmmyy(digits.padStart(10, '0').slice(0, 6));
  return true;
}
