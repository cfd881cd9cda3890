// The shortlist's answer is written by a serializer compiled from its zod schema (src/http/compiled-serializer.ts)
// and, with `fields=`, from that schema cut down (src/http/sparse-fields.ts). Both must write exactly what the
// zod serializer the rest of the app uses would write, and nothing the schema does not name.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { serializerCompiler as zodSerializerCompiler } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { asciiJson, compileWire, compileWithFragments, compiledSerializerCompiler, wireSchemaOf } from '../http/compiled-serializer.ts';
import { FieldSerializers, fieldPaths, fieldsParameter } from '../http/sparse-fields.ts';
import { ShortlistAnswerFragments, ShortlistAnswerSchema } from './schemas.ts';

const zodWrite = zodSerializerCompiler({ schema: ShortlistAnswerSchema, method: 'POST', url: '/api/v1/shortlists' } as never) as (data: unknown) => string;
const route = { schema: ShortlistAnswerSchema, method: 'POST', url: '/api/v1/shortlists', httpStatus: '200' };
const compiledWrite = compiledSerializerCompiler([ShortlistAnswerSchema])(route);
/** As the route writes the answer: each option's service written once, in ASCII (asciiJson), and reused. */
const routeWrite = () => compiledSerializerCompiler([{ schema: ShortlistAnswerSchema, fragments: ShortlistAnswerFragments }])(route);

// Any text a service name or reason might hold: quotes, backslashes, control characters, emoji, lone surrogates.
const text = fc.string({ unit: 'binary', maxLength: 40 });
const num = fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
const int = fc.integer({ min: 0, max: 100_000 });
/** Fields no schema names: they must never be written. */
const stray = fc.dictionary(fc.constantFrom('nhsNumber', 'patientName', 'clinicalSummary', '__proto__x', 'internal'), fc.anything(), { maxKeys: 2 });
const withStray = <T extends object>(arb: fc.Arbitrary<T>) => fc.tuple(arb, stray).map(([value, extra]) => ({ ...extra, ...value }));

const service = withStray(fc.record({
  id: text, name: text,
  specialty: withStray(fc.record({ code: text, name: text })),
  provider: fc.record({ odsCode: text, name: text }),
  site: withStray(fc.record({ odsCode: text, name: text, postcode: fc.option(text), latitude: num, longitude: num })),
  serviceType: text, directlyBookable: fc.boolean(),
  indicativeWait: fc.option(fc.record({ weeks: num, asOf: text })),
}));
const option = withStray(fc.record({
  rank: int, service, distanceKm: num, distanceMiles: num, indicativeWaitWeeks: fc.option(num), earliestSlot: fc.option(text),
  travel: fc.record({ estimatedCostGbp: num, basis: text }), reasons: fc.array(text, { maxLength: 3 }),
}));
const answer = withStray(fc.record({
  origin: fc.record({ postcode: text, latitude: num, longitude: num, precision: fc.constantFrom('postcode', 'sector', 'outcode') }),
  specialty: fc.record({ code: text, name: text }),
  sortBy: fc.constantFrom('WAIT', 'DISTANCE', 'BALANCED'),
  maxDistanceKm: fc.option(num),
  eligibleCount: int,
  options: fc.array(option, { maxLength: 20 }),
  shortfall: fc.option(withStray(fc.record({
    reason: text, suggestion: text,
    widen: fc.record({ distanceKm: fc.option(num), anyDistanceCount: int, withoutWaitLimitCount: fc.option(int) }),
  }))),
}));

test('the compiled serializer writes exactly what the zod serializer writes, for many generated shortlists', () => {
  fc.assert(fc.property(answer, (a) => {
    const fast = compiledWrite(a);
    assert.equal(fast, zodWrite(a));
    assert.deepEqual(JSON.parse(fast), JSON.parse(zodWrite(a)));
  }), { numRuns: 500 });
});

test('property: with each service written once and reused, the answer is exactly what the zod serializer writes', () => {
  // Answers drawn from a small pool of services, so the same objects come round again, and each answer written
  // twice: once while its services' text is being kept, once from what was kept.
  const pool = fc.array(service, { minLength: 1, maxLength: 6 });
  const answers = pool.chain((services) =>
    fc.array(
      fc.tuple(answer, fc.array(fc.nat(), { maxLength: 20 })).map(([a, picks]) => ({
        ...a,
        options: a.options.map((o, i) => ({ ...o, service: services[(picks[i] ?? i) % services.length]! })),
      })),
      { minLength: 1, maxLength: 5 },
    ),
  );
  fc.assert(fc.property(answers, (list) => {
    const ascii = routeWrite();
    const text = compileWithFragments(wireSchemaOf(ShortlistAnswerSchema), ShortlistAnswerFragments);
    for (const round of [1, 2]) {
      for (const a of list) {
        assert.equal(text(a), zodWrite(a), `text, round ${round}`);
        // The route's: the same JSON value, each service's part in ASCII (its other characters as \u escapes).
        const written = ascii(a);
        assert.deepEqual(JSON.parse(written), JSON.parse(zodWrite(a)), `value, round ${round}`);
        const services = (JSON.parse(zodWrite(a)) as { options: { service: unknown }[] }).options.map((o) => asciiJson(JSON.stringify(o.service)));
        for (const service of services) assert.ok(written.includes(`"service":${service}`), `service in ASCII, round ${round}`);
      }
    }
  }), { numRuns: 300 });
});

test('a service written once still leaves only what the schema names, and a missing field is still an error', () => {
  const write = routeWrite();
  const sample = fc.sample(answer, { numRuns: 1, seed: 5 })[0]!;
  const leakyService = { ...fc.sample(service, { numRuns: 1, seed: 9 })[0]!, nhsNumber: '9990000018', patient: { name: 'Ann Smith' } };
  const leaky = { ...sample, options: [{ ...fc.sample(option, { numRuns: 1, seed: 3 })[0]!, service: leakyService }] };
  for (const round of [1, 2]) assert.doesNotMatch(write(leaky), /9990000018|Ann Smith|nhsNumber/, `round ${round}`);
  const { name: _gone, ...nameless } = leakyService;
  assert.throws(() => write({ ...leaky, options: [{ ...leaky.options[0]!, service: nameless }] }), /name/);
  const { service: _none, ...serviceless } = leaky.options[0]!;
  assert.throws(() => write({ ...leaky, options: [serviceless] }), /service/);
});

test('asciiJson writes the same JSON value in ASCII', () => {
  fc.assert(fc.property(fc.jsonValue(), fc.string({ unit: 'binary' }), (value, text) => {
    for (const json of [JSON.stringify(value), JSON.stringify(text)]) {
      const ascii = asciiJson(json);
      assert.match(ascii, /^[\x00-\x7e]*$/);
      assert.deepEqual(JSON.parse(ascii), JSON.parse(json));
    }
  }), { numRuns: 500 });
  assert.equal(asciiJson('{"name":"Trauma & Orthopaedics – Bench Hospital"}'), '{"name":"Trauma & Orthopaedics \\u2013 Bench Hospital"}');
});

test('only an object can be written once, and only a path of the schema', () => {
  const wire = wireSchemaOf(ShortlistAnswerSchema);
  assert.throws(() => compileWithFragments(wire, ['eligibleCount']), /only an object/);
  assert.throws(() => compileWithFragments(wire, ['options.nhsNumber']), /no property/);
  assert.equal(compileWithFragments(wire, [])(fc.sample(answer, { numRuns: 1, seed: 2 })[0]!), compiledWrite(fc.sample(answer, { numRuns: 1, seed: 2 })[0]!));
});

test('a field the schema does not name never leaves, at any depth', () => {
  const sample = fc.sample(answer, { numRuns: 1, seed: 7 })[0]!;
  const leaky = {
    ...sample, nhsNumber: '9990000018',
    options: [{ ...fc.sample(option, { numRuns: 1, seed: 3 })[0]!, patient: { name: 'Ann Smith' }, clinicalSummary: 'knee pain' }],
  };
  const written = compiledWrite(leaky);
  assert.doesNotMatch(written, /9990000018|Ann Smith|knee pain|nhsNumber|clinicalSummary/);
});

test('a missing required field is an error, not an answer without it', () => {
  const { eligibleCount: _gone, ...partial } = fc.sample(answer, { numRuns: 1, seed: 11 })[0]!;
  assert.throws(() => compiledWrite(partial), /eligibleCount/);
});

test('a schema with a shape that cannot be compiled is refused when the route is built, not served unchecked', () => {
  assert.throws(() => wireSchemaOf(z.object({ any: z.record(z.string(), z.string()) })), /closed/);
  assert.throws(() => wireSchemaOf(z.object({ either: z.union([z.string(), z.number()]) })), /cannot be compiled|or null/);
});

/** The zod serializer's answer cut down to the paths, as a client would read it (arrays transparent). */
function project(value: unknown, paths: readonly string[]): unknown {
  if (Array.isArray(value)) return value.map((v) => project(v, paths));
  if (value === null || typeof value !== 'object' || paths.includes('')) return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    const below = paths.filter((p) => p === key || p.startsWith(`${key}.`)).map((p) => p.slice(key.length + 1));
    if (below.length > 0) out[key] = project(v, below);
  }
  return out;
}

test('fields=: the answer holds exactly the named fields, as the zod serializer would write them', () => {
  const selections = new FieldSerializers(ShortlistAnswerSchema, 8);
  const paths = fieldPaths(wireSchemaOf(ShortlistAnswerSchema));
  fc.assert(fc.property(answer, fc.uniqueArray(fc.constantFrom(...paths), { minLength: 1, maxLength: 6 }), (a, chosen) => {
    const sorted = [...chosen].sort();
    const written = selections.for(sorted)(a);
    assert.deepEqual(JSON.parse(written), project(JSON.parse(zodWrite(a)), sorted));
  }), { numRuns: 300 });
});

test('fields=: unknown fields are refused by name; repeats and spaces are forgiven', () => {
  const param = fieldsParameter(ShortlistAnswerSchema);
  assert.deepEqual(param.parse(' options.rank, eligibleCount,options.rank '), ['eligibleCount', 'options.rank']);
  const refused = param.safeParse('eligibleCount,options.nhsNumber,secret');
  assert.equal(refused.success, false);
  assert.match(refused.error!.issues[0]!.message, /"options\.nhsNumber", "secret" are not fields of this answer/);
  assert.equal(param.safeParse(',').success, false);
  assert.equal(param.parse(undefined), undefined);
});

test('fields=: the cache of compiled selections stays bounded', () => {
  const selections = new FieldSerializers(ShortlistAnswerSchema, 2);
  const a = selections.for(['eligibleCount']);
  selections.for(['sortBy']);
  assert.equal(selections.for(['eligibleCount']), a, 'a recent selection is reused');
  selections.for(['origin']);
  selections.for(['specialty']);
  assert.notEqual(selections.for(['eligibleCount']), a, 'the least recent was dropped');
  assert.equal(compileWire({ type: 'string' })('x'), '"x"');
});
