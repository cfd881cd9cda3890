// The Unique Booking Reference Number and the access code a patient uses with it to manage their referral.
import { randomInt } from 'node:crypto';

/** A random 12-digit UBRN (the database refuses a duplicate; the caller draws again). */
export function generateUbrn(random: (max: number) => number = randomInt): string {
  let ubrn = String(1 + random(9)); // no leading zero, so it never loses a digit in a spreadsheet
  for (let i = 1; i < 12; i++) ubrn += String(random(10));
  return ubrn;
}

export function isUbrn(input: string): boolean {
  return /^\d{12}$/.test(input);
}

/** Digits only, from a UBRN written with spaces or dashes ('1234 5678 9012'). */
export function normaliseUbrn(input: string): string {
  return input.replace(/[\s-]/g, '');
}

// Letters and digits a person cannot confuse when reading a letter aloud: no 0/O, 1/I/L, 5/S, 2/Z, 8/B.
const ACCESS_CODE_ALPHABET = 'ACDEFGHJKMNPQRTUVWXY34679';

/** A one-time access code of 8 characters, shown as two groups of four: 'KM7D-PQ3X' (about 37 bits). */
export function generateAccessCode(random: (max: number) => number = randomInt): string {
  let code = '';
  for (let i = 0; i < 8; i++) code += ACCESS_CODE_ALPHABET[random(ACCESS_CODE_ALPHABET.length)];
  return `${code.slice(0, 4)}-${code.slice(4)}`;
}

/** The form an access code is stored and compared in: upper case, no spaces or dashes. */
export function normaliseAccessCode(input: string): string {
  return input.toUpperCase().replace(/[\s-]/g, '');
}
