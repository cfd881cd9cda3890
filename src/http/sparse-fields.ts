// `fields=`: a client names the parts of an answer it wants (dotted paths into the response schema, arrays
// transparent: `options.service.name`), and the answer is written by a serializer compiled from the schema cut
// down to those paths, so a smaller answer costs less to write as well as to send. The cut-down schema is still
// an allow-list: nothing outside the full schema can be asked for, and nothing outside the paths is written.
import { z } from 'zod';
import { compileWire, type Serializer, type WireSchema, wireSchemaOf } from './compiled-serializer.ts';

/** The paths a client may ask for: every property at every depth of the schema, in schema order. */
export function fieldPaths(wire: WireSchema, prefix = ''): string[] {
  const shape = wire.type === 'array' ? wire.items! : wire;
  if (shape.type !== 'object') return [];
  return Object.entries(shape.properties!).flatMap(([name, sub]) => [`${prefix}${name}`, ...fieldPaths(sub, `${prefix}${name}.`)]);
}

/** The schema with only the given paths (and the objects that lead to them); a path naming an object keeps all of it. */
export function pickFields(wire: WireSchema, paths: readonly string[]): WireSchema {
  if (wire.type === 'array') return { ...wire, items: pickFields(wire.items!, paths) };
  if (paths.includes('')) return wire;
  const properties: Record<string, WireSchema> = {};
  for (const [name, sub] of Object.entries(wire.properties!)) {
    const below = paths.filter((p) => p === name || p.startsWith(`${name}.`)).map((p) => p.slice(name.length + 1));
    if (below.length > 0) properties[name] = pickFields(sub, below);
  }
  return { ...wire, properties, required: wire.required!.filter((name) => name in properties) };
}

/** The field list as written in the query (`a,b.c`), trimmed, without repeats; empty entries are ignored. */
export function parseFieldList(raw: string): string[] {
  return [...new Set(raw.split(',').map((f) => f.trim()).filter((f) => f !== ''))];
}

/**
 * The `fields` query parameter for answers of `schema`: absent means the whole answer; an unknown path is refused
 * with a 400 that names it. The parsed value is the sorted path list (one cache key per distinct selection).
 */
export function fieldsParameter(schema: z.ZodType) {
  const known = new Set(fieldPaths(wireSchemaOf(schema)));
  return z
    .string()
    .max(2000, 'is too long')
    .transform((raw, ctx) => {
      const paths = parseFieldList(raw);
      if (paths.length === 0) {
        ctx.addIssue({ code: 'custom', message: 'must name at least one field' });
        return z.NEVER;
      }
      const unknown = paths.filter((p) => !known.has(p));
      if (unknown.length > 0) {
        ctx.addIssue({ code: 'custom', message: `${unknown.map((u) => `"${u}"`).join(', ')} ${unknown.length === 1 ? 'is not a field' : 'are not fields'} of this answer` });
        return z.NEVER;
      }
      return paths.sort();
    })
    .optional()
    .describe('comma-separated fields to answer with (dotted paths, e.g. "eligibleCount,options.rank,options.service.name"); absent: all of them');
}

/**
 * Serializers for selections of one schema's fields, compiled on first use. Selections are bounded by the schema
 * (every path is checked against it) but their combinations are not, so the cache keeps the most recent few.
 */
export class FieldSerializers {
  readonly #wire: WireSchema;
  readonly #cache = new Map<string, Serializer>();
  readonly #max: number;

  constructor(schema: z.ZodType, max = 64) {
    this.#wire = wireSchemaOf(schema);
    this.#max = max;
  }

  /** The serializer for a sorted path list (as fieldsParameter gives it). */
  for(paths: readonly string[]): Serializer {
    const key = paths.join(',');
    let serializer = this.#cache.get(key);
    if (serializer) {
      this.#cache.delete(key); // re-inserted below: the Map's order is the recency
    } else {
      serializer = compileWire(pickFields(this.#wire, paths));
      if (this.#cache.size >= this.#max) this.#cache.delete(this.#cache.keys().next().value!);
    }
    this.#cache.set(key, serializer);
    return serializer;
  }
}
