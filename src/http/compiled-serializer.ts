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
 * A route-level `serializerCompiler`: the answers whose schemas are listed are written by fast-json-stringify,
 * every other status (problems) as the rest of the app writes them (zod encode, then JSON.stringify).
 */
export function compiledSerializerCompiler(compiled: ReadonlyArray<z.ZodType>) {
  const serializers = new Map<unknown, Serializer>(compiled.map((schema) => [schema, compileWire(wireSchemaOf(schema))] as const));
  return (route: { schema: unknown; method: string; url: string; httpStatus?: string }): Serializer =>
    serializers.get(route.schema) ?? (zodSerializerCompiler(route as Parameters<typeof zodSerializerCompiler>[0]) as Serializer);
}
