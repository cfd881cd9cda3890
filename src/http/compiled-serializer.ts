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
 * text is exactly what `compileWire(wire)` writes.
 */
export function compileWithFragments(wire: WireSchema, fragments: readonly string[]): Serializer {
  return fragments.length === 0 ? compileWire(wire) : composite(wire, fragments, '(root)');
}

function composite(wire: WireSchema, paths: readonly string[], at: string): Serializer {
  if (paths.includes('')) {
    if (wire.type !== 'object') throw new Error(`${at}: only an object can be a fragment`);
    const write = compileWire(wire);
    const written = new WeakMap<object, string>();
    return (value) => {
      if (value === null || typeof value !== 'object') return write(value);
      let json = written.get(value);
      if (json === undefined) written.set(value, (json = write(value)));
      return json;
    };
  }
  if (wire.type === 'array') {
    const item = composite(wire.items!, paths, `${at}[]`);
    return (value) => {
      if (value === null && wire.nullable) return 'null';
      if (!Array.isArray(value)) throw new TypeError(`${at}: expected an array`);
      let json = '[';
      for (let i = 0; i < value.length; i++) json += (i === 0 ? '' : ',') + item(value[i]);
      return `${json}]`;
    };
  }
  if (wire.type !== 'object') throw new Error(`${at}: no fragment can lie below a ${wire.type}`);
  // The properties in schema order, as runs: those with no fragment below written together by one compiled
  // serializer (its `{…}` cut to the members), each that has one by its own composite.
  type Run = { kind: 'plain'; write: Serializer } | { kind: 'fragment'; name: string; key: string; required: boolean; write: Serializer };
  const runs: Run[] = [];
  let plain: Record<string, WireSchema> = {};
  const endPlain = () => {
    const names = Object.keys(plain);
    if (names.length === 0) return;
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
    runs.push({ kind: 'fragment', name, key: `${JSON.stringify(name)}:`, required: wire.required!.includes(name), write: composite(sub, below, `${at}.${name}`) });
  }
  endPlain();
  const unknown = paths.filter((p) => !(p.split('.')[0]! in wire.properties!));
  if (unknown.length > 0) throw new Error(`${at}: no property ${unknown.join(', ')}`);
  return (value) => {
    if (value === null && wire.nullable) return 'null';
    if (value === null || typeof value !== 'object') throw new TypeError(`${at}: expected an object`);
    let json = '{';
    for (const run of runs) {
      let member: string;
      if (run.kind === 'plain') {
        const written = run.write(value);
        if (written.length === 2) continue; // {}: none of the run's properties was there
        member = written.slice(1, -1);
      } else {
        const inner = (value as Record<string, unknown>)[run.name];
        if (inner === undefined) {
          if (run.required) throw new Error(`"${run.name}" is required!`);
          continue;
        }
        member = run.key + run.write(inner);
      }
      json += json.length === 1 ? member : `,${member}`;
    }
    return `${json}}`;
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
      const { schema, fragments } = c instanceof z.ZodType ? { schema: c, fragments: [] } : c;
      return [schema, compileWithFragments(wireSchemaOf(schema), fragments)] as const;
    }),
  );
  return (route: { schema: unknown; method: string; url: string; httpStatus?: string }): Serializer =>
    serializers.get(route.schema) ?? (zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]) as Serializer);
}
