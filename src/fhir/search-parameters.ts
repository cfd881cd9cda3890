// Reading FHIR search parameters (https://hl7.org/fhir/R4/search.html), the same way for every search this
// interface serves: one value or a comma list (FHIR's OR), token `system|code`, reference values, paging with
// `_count` and `_offset`, and what a parameter the search does not take does. Each malformed value is a 400 naming
// its parameter, so a client is told what to change.
import type { FastifyRequest } from 'fastify';
import { badRequest } from '../http/problem.ts';
import { idOfReference } from './references.ts';

export type Query = Record<string, unknown>;

/** A 400 naming the parameter and what is wrong with it. */
export function refuseParameter(name: string, message: string, detail?: string): never {
  throw badRequest(detail ?? `The search parameter ${name} ${message}.`, [{ field: name, message }]);
}

/** The parameter's one value; undefined when absent, a 400 when given more than once. */
export function oneSearchValue(query: Query, name: string): string | undefined {
  const value = query[name];
  if (value === undefined) return undefined;
  if (Array.isArray(value)) refuseParameter(name, 'is given more than once', `Give the search parameter ${name} once.`);
  return String(value);
}

/** A comma-separated list (FHIR's OR) of one parameter, each value trimmed; undefined when absent. */
export function anyOf(query: Query, name: string): string[] | undefined {
  const value = oneSearchValue(query, name);
  if (value === undefined) return undefined;
  const values = value.split(',').map((v) => v.trim());
  if (values.some((v) => v === '')) refuseParameter(name, 'has an empty value');
  return values;
}

export function booleanParameter(query: Query, name: string): boolean | undefined {
  const value = oneSearchValue(query, name);
  if (value === undefined) return undefined;
  if (value !== 'true' && value !== 'false') refuseParameter(name, 'must be true or false');
  return value === 'true';
}

/** Parameters that belong to another kind of search, refused rather than silently ignored. */
export function refuseParameters(query: Query, names: readonly string[], why: string): void {
  for (const name of names) if (query[name] !== undefined) refuseParameter(name, why);
}

/**
 * A token value, `system|code`, `|code` or `code`, matched against one system: the code, or null when it names
 * another system (what to do then, match nothing or refuse, is the search's to say).
 */
export function tokenCode(value: string, system: string): string | null {
  const bar = value.lastIndexOf('|');
  if (bar < 0) return value;
  const given = value.slice(0, bar);
  return given === '' || given === system ? value.slice(bar + 1) : null;
}

/** A reference value naming a `type`: `id`, `Type/id` or an absolute URL ending in `Type/id` → id; else a 400. */
export function referenceParameter(value: string, type: string, name: string): string {
  const id = idOfReference(value, type, { bareId: true });
  if (!id) refuseParameter(name, `must be ${type}/{id}`, `The search parameter ${name} must name a ${type}: ${type}/{id}.`);
  return id!;
}

/** `_count`: how many a page holds, `min` to `max`; `fallback` when absent. */
export function countParameter(query: Query, { fallback, min, max }: { fallback: number; min: number; max: number }): number {
  return wholeNumber(query, '_count', fallback, min, max);
}

/** `_offset`: how many to skip, for the next page. */
export function offsetParameter(query: Query, max = 1_000_000): number {
  return wholeNumber(query, '_offset', 0, 0, max);
}

function wholeNumber(query: Query, name: string, fallback: number, min: number, max: number): number {
  const text = oneSearchValue(query, name);
  if (text === undefined) return fallback;
  if (!/^\d{1,7}$/.test(text) || Number(text) < min || Number(text) > max) refuseParameter(name, `must be a whole number from ${min} to ${max}`);
  return Number(text);
}

/**
 * Parameters that say how to answer, not what to find: never "unknown", whichever search they are sent to. One a
 * search does not serve changes how the answer looks, never which records it holds, so ignoring it shows nobody
 * more than was asked.
 */
export const RESULT_PARAMETERS: ReadonlySet<string> = new Set(['_format', '_pretty', '_summary', '_elements', '_total', '_count', '_offset', '_sort']);

export type Handling = 'strict' | 'lenient';

/**
 * What a search does with a parameter it does not take, unless the client says (below). A search that returns
 * patient data refuses it: a misspelt or unsupported filter silently ignored would answer with more patients'
 * records than were asked for, and the client could not tell. A public search ignores it, as FHIR's lenient
 * handling does, since a wider answer of public data harms no one and a client may then go on working.
 */
const HANDLING_BY_DEFAULT: Record<SearchRules['data'], Handling> = { patient: 'strict', public: 'lenient' };

export interface SearchRules {
  /** every parameter the search reads, spelt as the client sends it (modifiers and chains included) */
  served: readonly string[];
  /** whether its answers hold patient data (ServiceRequest, Appointment) or public data (the directory, slots) */
  data: 'patient' | 'public';
}

/**
 * `Prefer: handling=strict` or `handling=lenient` (https://hl7.org/fhir/R4/search.html#errors), which overrides the
 * search's default either way; null when the client did not say.
 */
export function preferredHandling(request: FastifyRequest): Handling | null {
  const prefer = request.headers.prefer;
  const text = Array.isArray(prefer) ? prefer.join(',') : (prefer ?? '');
  const found = /(?:^|[,;])\s*handling\s*=\s*"?(strict|lenient)"?\s*(?=$|[,;])/i.exec(text);
  return found ? (found[1]!.toLowerCase() as Handling) : null;
}

/**
 * The request's query as the search is to read it: with strict handling, a parameter it does not take is a 400
 * naming each; with lenient handling, such parameters are left out, so nothing downstream half-reads one.
 */
export function searchQuery(request: FastifyRequest, rules: SearchRules): Query {
  const query = (request.query ?? {}) as Query;
  const unknown = Object.keys(query).filter((name) => !rules.served.includes(name) && !RESULT_PARAMETERS.has(name));
  if (unknown.length === 0) return query;
  const preferred = preferredHandling(request);
  if ((preferred ?? HANDLING_BY_DEFAULT[rules.data]) === 'lenient') {
    return Object.fromEntries(Object.entries(query).filter(([name]) => !unknown.includes(name)));
  }
  const why = preferred ? 'Prefer: handling=strict' : 'unknown parameters are refused where a search returns patient data, so that no one believes a filter was applied; Prefer: handling=lenient ignores them instead';
  const names = unknown.slice(0, 20).map((name) => name.slice(0, 40));
  throw badRequest(
    `This search does not take ${names.join(', ')} (${why}): GET /fhir/R4/metadata lists the parameters each search takes.`,
    names.map((field) => ({ field, message: 'is not a search parameter here' })),
  );
}
