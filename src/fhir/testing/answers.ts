// What tests check of every FHIR answer: FHIR JSON, valid R4 (each entry of a Bundle too), and for a refusal the
// NHS http-error-code of its OperationOutcome.
import assert from 'node:assert/strict';
import type { Bundle, OperationOutcome, Resource } from '@medplum/fhirtypes';
import { HTTP_ERROR_CODES } from '../operation-outcome.ts';
import { assertValidFhir } from './validators.ts';

/** The answer's resource, once it is known to be FHIR JSON and valid, and (for a Bundle) each entry too. */
export function validAnswer<T extends Resource>(res: { json(): unknown; headers: Record<string, unknown> }): T {
  assert.match(String(res.headers['content-type']), /^application\/fhir\+json/);
  const resource = res.json() as T;
  assertValidFhir(resource);
  if (resource.resourceType === 'Bundle') for (const e of (resource as Bundle).entry ?? []) assertValidFhir(e.resource!);
  return resource;
}

/** The NHS http-error-code an OperationOutcome's first issue carries. */
export const nhsErrorCodeOf = (outcome: OperationOutcome) => outcome.issue?.[0]?.details?.coding?.find((c) => c.system === HTTP_ERROR_CODES)?.code;

/** Asserts the answer is a refusal with this status: a valid OperationOutcome (never a Bundle) with this NHS code. */
export function assertRefusal(res: { statusCode: number; body: string; json(): unknown; headers: Record<string, unknown> }, status: number, code: string): OperationOutcome {
  assert.equal(res.statusCode, status, res.body);
  const outcome = validAnswer<OperationOutcome>(res);
  assert.equal(outcome.resourceType, 'OperationOutcome');
  assert.equal(nhsErrorCodeOf(outcome), code);
  return outcome;
}
