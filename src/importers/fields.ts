// Field parsers shared by the importers; they throw FieldError, which the caller turns into `line N: …`.
import { FieldError } from './csv.ts';

export function text(fields: readonly string[], index: number): string {
  return (fields[index] ?? '').trim();
}

export function required(fields: readonly string[], index: number, what: string): string {
  const value = text(fields, index);
  if (value === '') throw new FieldError(`${what} is empty`);
  return value;
}

export function optional(fields: readonly string[], index: number | undefined): string | null {
  if (index === undefined) return null;
  const value = text(fields, index);
  return value === '' ? null : value;
}

export function number(value: string, what: string): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) throw new FieldError(`${what} "${value}" is not a number`);
  return n;
}

export function count(value: string, what: string): number {
  if (value.trim() === '') return 0; // NHS England leaves some totals blank where they mean none
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new FieldError(`${what} "${value}" is not a whole number`);
  return n;
}

export function latitude(value: string): number {
  const n = number(value, 'latitude');
  if (n < -90 || n > 90) throw new FieldError(`latitude ${value} is out of range`);
  return n;
}

export function longitude(value: string): number {
  const n = number(value, 'longitude');
  if (n < -180 || n > 180) throw new FieldError(`longitude ${value} is out of range`);
  return n;
}

/** ODS dates are YYYYMMDD; returns 'YYYY-MM-DD' or null when empty. */
export function odsDate(value: string, what: string): string | null {
  if (value === '') return null;
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (!m) throw new FieldError(`${what} "${value}" is not a date (YYYYMMDD)`);
  return `${m[1]}-${m[2]}-${m[3]}`;
}
