// A zod response schema compiled into Fastify's own serializer (fast-json-stringify): the answer is written by
// code generated once from the schema instead of a zod encode followed by JSON.stringify on every request.
// The schema stays the allow-list of what may leave: every object is compiled with `additionalProperties: false`,
// so a field the schema does not name is never written, and a required field that is missing is an error.
// Only the plain shapes an API answer is made of are accepted (objects, arrays, strings, numbers, booleans, each
// possibly nullable); anything else throws at compile time, so a route never silently loses a check it had.
import fastJson from 'fast-json-stringify';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';

/** The JSON schema subset fast-json-stringify is given: what shapes the output and nothing that only validates. */
export interface WireSchema {
  type: 'object' | 'array' | 'string' | 'number' | 'integer' | 'boolean';
  nullable?: true;
  properties?: Record<string, WireSchema>;
  required?: string[];
  additionalProperties?: false;
  items?: WireSchema;
  description?: string;
}

const SCALARS = new Set(['string', 'number', 'integer', 'boolean']);

/** The wire schema of a zod schema's output, or an error naming the first part that is not a plain shape. */
export function wireSchemaOf(schema: z.ZodType): WireSchema {
  return toWire(z.toJSONSchema(schema, { io: 'output', unrepresentable: 'throw' }) as Record<string, unknown>, '(root)');
}

function toWire(json: Record<string, unknown>, at: string): WireSchema {
  // zod writes a nullable scalar as `type: [T, "null"]` and a nullable object as `anyOf: [{…}, { type: "null" }]`.
  const anyOf = json.anyOf as Record<string, unknown>[] | undefined;
  if (anyOf) {
    const others = anyOf.filter((s) => s.type !== 'null');
    if (anyOf.length !== 2 || others.length !== 1) throw new Error(`${at}: only "X or null" unions can be compiled`);
    return { ...toWire(others[0]!, at), nullable: true };
  }
  let type = json.type;
  let nullable = false;
  if (Array.isArray(type)) {
    const others = type.filter((t) => t !== 'null');
    if (others.length !== 1 || type.length !== 2) throw new Error(`${at}: only "X or null" types can be compiled`);
    type = others[0];
    nullable = true;
  }
  const wire: WireSchema = { type: type as WireSchema['type'] };
  if (nullable) wire.nullable = true;
  if (typeof json.description === 'string') wire.description = json.description;
  if (type === 'object') {
    if (json.additionalProperties !== false) throw new Error(`${at}: an object must be closed (no record or passthrough) to be compiled`);
    const properties = (json.properties ?? {}) as Record<string, Record<string, unknown>>;
    wire.properties = Object.fromEntries(Object.entries(properties).map(([name, sub]) => [name, toWire(sub, `${at}.${name}`)]));
    wire.required = (json.required as string[] | undefined) ?? [];
    wire.additionalProperties = false;
  } else if (type === 'array') {
    if (!json.items || Array.isArray(json.items)) throw new Error(`${at}: only arrays of one item schema can be compiled`);
    wire.items = toWire(json.items as Record<string, unknown>, `${at}[]`);
  } else if (typeof type !== 'string' || !SCALARS.has(type)) {
    throw new Error(`${at}: ${JSON.stringify(json).slice(0, 80)} cannot be compiled`);
  }
  return wire;
}

export type Serializer = (data: unknown) => string;

/** fast-json-stringify's function for a wire schema. */
export function compileWire(wire: WireSchema): Serializer {
  return fastJson(wire as Parameters<typeof fastJson>[0]) as Serializer;
}

/**
 * fast-json-stringify's function for a wire schema, except that each object found at one of `fragments` (dotted
 * paths, arrays transparent: 'options.service') is written once and its JSON kept against that object, to be
 * spliced into every later answer that holds the same object. For parts that never change once made, such as a
 * directory snapshot's frozen service views: a new snapshot makes new objects, so its answers are written afresh,
 * and the old ones' text goes with them (a WeakMap). Each fragment is written by fast-json-stringify compiled from
 * its part of the schema, and everything around it from the rest, so the schema is still the allow-list and the
 * text is exactly what `compileWire(wire)` writes; with `ascii`, each fragment's characters beyond ASCII are
 * written as \u escapes (asciiJson), the same JSON value.
 */
export function compileWithFragments(wire: WireSchema, fragments: readonly string[], options: { ascii?: boolean } = {}): Serializer {
  if (fragments.length === 0) return compileWire(wire);
  const write = composite(wire, fragments, '(root)', options.ascii ? asciiJson : (json) => json);
  return (value) => {
    const pieces: (string | Kept)[] = [];
    write(value, pieces);
    // Joined, not added up: one flat string, which Fastify's measuring and the socket's encoding read straight
    // through, instead of a rope of pieces each of them must first copy out.
    const texts: string[] = new Array(pieces.length);
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      texts[i] = typeof piece === 'string' ? piece : piece.kept;
    }
    return texts.join('');
  };
}

/**
 * JSON text with every character beyond ASCII written as its \\u escape: the same JSON value, in a string V8 keeps
 * one byte a character. One en dash in a service's name otherwise makes the whole answer a two-byte string, which
 * Fastify then measures for content-length and Node encodes for the socket, each time, character by character.
 */
export function asciiJson(json: string): string {
  return json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A fragment as kept: its JSON text. */
interface Kept {
  kept: string;
}
/** Pieces of the answer in order: runs of JSON text, and fragments as kept. */
type Writer = (value: unknown, out: (string | Kept)[]) => void;

function composite(wire: WireSchema, paths: readonly string[], at: string, keep: (json: string) => string): Writer {
  if (paths.includes('')) {
    if (wire.type !== 'object') throw new Error(`${at}: only an object can be a fragment`);
    const write = compileWire(wire);
    const written = new WeakMap<object, Kept>();
    return (value, out) => {
      if (value === null || typeof value !== 'object') {
        out.push(write(value));
        return;
      }
      let kept = written.get(value);
      if (kept === undefined) written.set(value, (kept = { kept: keep(write(value)) }));
      out.push(kept);
    };
  }
  if (wire.type === 'array') {
    const item = composite(wire.items!, paths, `${at}[]`, keep);
    return (value, out) => {
      if (value === null && wire.nullable) {
        out.push('null');
        return;
      }
      if (!Array.isArray(value)) throw new TypeError(`${at}: expected an array`);
      out.push('[');
      for (let i = 0; i < value.length; i++) {
        if (i > 0) out.push(',');
        item(value[i], out);
      }
      out.push(']');
    };
  }
  if (wire.type !== 'object') throw new Error(`${at}: no fragment can lie below a ${wire.type}`);
  // The properties in schema order, as runs: those with no fragment below written together by one compiled
  // serializer (its `{…}` cut to the members), each that has one by its own composite.
  type Run = { kind: 'plain'; write: Serializer } | { kind: 'fragment'; name: string; key: string; required: boolean; write: Writer };
  const runs: Run[] = [];
  let plain: Record<string, WireSchema> = {};
  const endPlain = () => {
    if (Object.keys(plain).length === 0) return;
    const properties = plain;
    const write = compileWire({ type: 'object', properties, required: wire.required!.filter((n) => n in properties), additionalProperties: false });
    runs.push({ kind: 'plain', write });
    plain = {};
  };
  for (const [name, sub] of Object.entries(wire.properties!)) {
    const below = paths.filter((p) => p === name || p.startsWith(`${name}.`)).map((p) => p.slice(name.length + 1));
    if (below.length === 0) {
      plain[name] = sub;
      continue;
    }
    endPlain();
    runs.push({ kind: 'fragment', name, key: `${JSON.stringify(name)}:`, required: wire.required!.includes(name), write: composite(sub, below, `${at}.${name}`, keep) });
  }
  endPlain();
  const unknown = paths.filter((p) => !(p.split('.')[0]! in wire.properties!));
  if (unknown.length > 0) throw new Error(`${at}: no property ${unknown.join(', ')}`);
  return (value, out) => {
    if (value === null && wire.nullable) {
      out.push('null');
      return;
    }
    if (value === null || typeof value !== 'object') throw new TypeError(`${at}: expected an object`);
    let first = true;
    out.push('{');
    for (const run of runs) {
      if (run.kind === 'plain') {
        const written = run.write(value);
        if (written.length === 2) continue; // {}: none of the run's properties was there
        out.push(first ? written.slice(1, -1) : `,${written.slice(1, -1)}`);
      } else {
        const inner = (value as Record<string, unknown>)[run.name];
        if (inner === undefined) {
          if (run.required) throw new Error(`"${run.name}" is required!`);
          continue;
        }
        out.push(first ? run.key : `,${run.key}`);
        run.write(inner, out);
      }
      first = false;
    }
    out.push('}');
  };
}

/** A schema compiled by `compiledSerializerCompiler`, optionally with the paths of parts written once (`compileWithFragments`). */
export type CompiledSchema = z.ZodType | { schema: z.ZodType; fragments: readonly string[] };

/**
 * A route-level `serializerCompiler`: the answers whose schemas are listed are written by fast-json-stringify,
 * every other status (problems) as the rest of the app writes them (zod encode, then JSON.stringify).
 */
export function compiledSerializerCompiler(compiled: ReadonlyArray<CompiledSchema>) {
  const serializers = new Map<unknown, Serializer>(
    compiled.map((c) => {
      if (c instanceof z.ZodType) return [c, compileWire(wireSchemaOf(c))] as const;
      return [c.schema, compileWithFragments(wireSchemaOf(c.schema), c.fragments, { ascii: true })] as const;
    }),
  );
  return (route: { schema: unknown; method: string; url: string; httpStatus?: string }): Serializer =>
    serializers.get(route.schema) ?? (zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]) as Serializer);
}
