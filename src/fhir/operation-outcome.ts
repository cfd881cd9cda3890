// Every refusal on the FHIR interface is an OperationOutcome, coded as NHS England's APIs code them: the issue type
// from FHIR's own value set, and the NHS http-error-codes in `details` (as the e-Referral Service's sandbox answers,
// ../shared/data/ers-api-sandbox-mocks/r4/NHSDigital-OperationOutcome-*.json).
import type { FastifyRequest } from 'fastify';
import type { OperationOutcome, OperationOutcomeIssue } from '@medplum/fhirtypes';
import type { Problem, ProblemFormat } from '../http/problem.ts';

export const HTTP_ERROR_CODES = 'https://fhir.nhs.uk/CodeSystem/http-error-codes';

/** Status → [NHS http-error-code, FHIR issue type]. A status not named here takes its class's code. */
const BY_STATUS: Record<number, [string, OperationOutcomeIssue['code']]> = {
  400: ['REC_BAD_REQUEST', 'invalid'],
  401: ['REC_UNAUTHORIZED', 'login'],
  403: ['REC_FORBIDDEN', 'forbidden'],
  404: ['REC_NOT_FOUND', 'not-found'],
  405: ['REC_METHOD_NOT_ALLOWED', 'not-supported'],
  406: ['REC_NOT_ACCEPTABLE', 'not-supported'],
  409: ['REC_CONFLICT', 'conflict'],
  410: ['REC_GONE', 'deleted'],
  412: ['REC_PRECONDITION_FAILED', 'conflict'],
  428: ['REC_PRECONDITION_FAILED', 'required'],
  413: ['REC_BAD_REQUEST', 'too-costly'],
  414: ['REC_BAD_REQUEST', 'too-long'],
  415: ['REC_UNSUPPORTED_MEDIA_TYPE', 'not-supported'],
  422: ['REC_UNPROCESSABLE_ENTITY', 'business-rule'],
  429: ['REC_TOO_MANY_REQUESTS', 'throttled'],
  500: ['REC_SERVER_ERROR', 'exception'],
  501: ['REC_NOT_IMPLEMENTED', 'not-supported'],
  503: ['REC_UNAVAILABLE', 'transient'],
};

export function nhsErrorCode(status: number): [string, OperationOutcomeIssue['code']] {
  return BY_STATUS[status] ?? (status >= 500 ? BY_STATUS[500]! : BY_STATUS[400]!);
}

/**
 * The OperationOutcome for a problem: one issue for the problem itself, then one per field the problem names,
 * with the field as FHIRPath-like `expression` so a client can point at what to change.
 */
export function operationOutcome(problem: Pick<Problem, 'status' | 'title' | 'detail' | 'errors'>): OperationOutcome {
  const [code, type] = nhsErrorCode(problem.status);
  const details = { coding: [{ system: HTTP_ERROR_CODES, code, display: problem.title }], text: problem.title };
  const issues: OperationOutcomeIssue[] = [{ severity: 'error', code: type, details, diagnostics: problem.detail }];
  for (const e of problem.errors ?? []) {
    issues.push({ severity: 'error', code: type === 'business-rule' ? 'business-rule' : 'invalid', details, diagnostics: e.message, expression: [e.field] });
  }
  return { resourceType: 'OperationOutcome', issue: issues };
}

export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** The `config.problemFormat` of every FHIR route (src/http/problem.ts). */
export const operationOutcomeFormat: ProblemFormat = (problem: Problem, _request: FastifyRequest) => ({
  contentType: FHIR_JSON,
  body: operationOutcome(problem),
});
