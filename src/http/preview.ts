// Previews of destructive staff actions (issue 12, guarding against human error). A preview says what an action
// would change and carries a version: a fingerprint of exactly what it showed. The confirming call hands the
// version back; when what the action would change now differs (another booking, another proposal), it is refused
// with a conflict rather than silently doing more than the person saw. The same versions serve pages (a hidden
// field) and the API (`POST <action>/preview`, then the action with `previewVersion`).
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { Problem, unprocessable } from './problem.ts';

/** The field a confirming call carries, on pages and in the API. */
export const PREVIEW_FIELD = 'previewVersion';

/** The API's optional field: when present, it is checked against what the action would change now. */
export const PreviewVersionField = z.string().trim().min(1).max(64)
  .describe('the previewVersion of a preview of the same call: refused (409) when what would change differs from what it showed');

/**
 * A short, stable fingerprint of what a preview showed. Only the facts given count, so callers pass what a person
 * decides on (who is affected, how many), never timestamps of the preview itself. Object keys are sorted, so the
 * same facts always give the same version.
 */
export function previewVersion(facts: unknown): string {
  return createHash('sha256').update(canonical(facts)).digest('base64url').slice(0, 22);
}

function canonical(value: unknown): string {
  if (value instanceof Date) return JSON.stringify(value.toISOString());
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).filter(([, v]) => v !== undefined).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Raised when the version handed back is not what the action would now change. */
export function stalePreview(what: string): Problem {
  return new Problem(409, 'Conflict', `${what} changed since the preview was made, so nothing was done: check the new preview and confirm again.`, {
    errors: [{ field: PREVIEW_FIELD, message: 'is out of date: preview again' }],
  });
}

/** Whether a Problem is the refusal of an out-of-date preview (pages then show the fresh one). */
export function isStalePreview(problem: Problem): boolean {
  return problem.status === 409 && (problem.errors ?? []).some((e) => e.field === PREVIEW_FIELD);
}

/** Refuses the action when a version was handed back and differs from the current one. */
export function checkPreview(expected: string | undefined | null, current: string, what: string): void {
  if (expected !== undefined && expected !== null && expected !== current) throw stalePreview(what);
}

/**
 * For an API call that would cancel patients' appointments (or otherwise tell patients of a change): the call must
 * carry the version of a preview, so nobody changes patients' care by a call they never previewed.
 */
export function requirePreview(
  expected: string | undefined | null,
  current: string,
  affected: number,
  { action, what, previewUrl }: { action: string; what: string; previewUrl: string },
): void {
  if (affected > 0 && (expected === undefined || expected === null)) {
    throw unprocessable(`${action} affects ${affected === 1 ? '1 patient' : `${affected} patients`}: preview it first (POST ${previewUrl}) and send its ${PREVIEW_FIELD} to confirm.`, [
      { field: PREVIEW_FIELD, message: 'is required when patients are affected' },
    ]);
  }
  checkPreview(expected, current, what);
}
