// The forms every FHIR search reads the same way: Prefer's handling, token and reference values, _count.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { FastifyRequest } from 'fastify';
import { Problem } from '../http/problem.ts';
import { countParameter, preferredHandling, referenceParameter, searchQuery, tokenCode } from './search-parameters.ts';

const request = (query: Record<string, unknown>, prefer?: string) => ({ query, headers: prefer === undefined ? {} : { prefer } }) as unknown as FastifyRequest;
const refusedAs = (field: string) => (err: unknown) => err instanceof Problem && err.status === 400 && err.errors?.[0]?.field === field;

test('Prefer: handling is read among other preferences, either value, and nothing else', () => {
  assert.equal(preferredHandling(request({})), null);
  assert.equal(preferredHandling(request({}, 'handling=strict')), 'strict');
  assert.equal(preferredHandling(request({}, 'return=minimal, Handling = "LENIENT"')), 'lenient');
  assert.equal(preferredHandling(request({}, 'respond-async; handling=strict')), 'strict');
  assert.equal(preferredHandling(request({}, 'handling=strictly')), null);
  assert.equal(preferredHandling(request({}, 'x-handling=strict')), null);
});

test('searchQuery: patient data refuses by default, public data ignores (leaving it out); Prefer overrides each', () => {
  const query = { status: 'free', colour: 'blue', _pretty: 'true' };
  const patient = { served: ['status'], data: 'patient' } as const;
  const open = { served: ['status'], data: 'public' } as const;
  assert.throws(() => searchQuery(request(query), patient), refusedAs('colour'));
  assert.deepEqual(searchQuery(request(query, 'handling=lenient'), patient), { status: 'free', _pretty: 'true' });
  assert.deepEqual(searchQuery(request(query), open), { status: 'free', _pretty: 'true' });
  assert.throws(() => searchQuery(request(query, 'handling=strict'), open), refusedAs('colour'));
  assert.deepEqual(searchQuery(request({ status: 'free', _count: '5', _sort: 'start' }), patient), { status: 'free', _count: '5', _sort: 'start' });
});

test('token, reference and _count values', () => {
  assert.equal(tokenCode('110', 'urn:s'), '110');
  assert.equal(tokenCode('|110', 'urn:s'), '110');
  assert.equal(tokenCode('urn:s|110', 'urn:s'), '110');
  assert.equal(tokenCode('urn:other|110', 'urn:s'), null);
  assert.equal(referenceParameter('S2-110', 'HealthcareService', 'actor'), 'S2-110');
  assert.equal(referenceParameter('HealthcareService/S2-110', 'HealthcareService', 'actor'), 'S2-110');
  assert.equal(referenceParameter('https://example.org/fhir/R4/HealthcareService/S2-110', 'HealthcareService', 'actor'), 'S2-110');
  assert.throws(() => referenceParameter('Location/S2', 'HealthcareService', 'actor'), refusedAs('actor'));
  assert.throws(() => referenceParameter('S1 S2', 'HealthcareService', 'actor'), refusedAs('actor'));
  const count = (value: string | undefined) => countParameter(value === undefined ? {} : { _count: value }, { fallback: 5, min: 1, max: 20 });
  assert.equal(count(undefined), 5);
  assert.equal(count('20'), 20);
  for (const bad of ['0', '21', '-1', '1.5', 'ten']) assert.throws(() => count(bad), refusedAs('_count'), bad);
  assert.throws(() => countParameter({ _count: ['1', '2'] }, { fallback: 5, min: 1, max: 20 }), refusedAs('_count'));
});
