// A ServiceRequest a referrer sends, as the JSON API's CreateReferralBody: translated field by field, then held to
// the JSON API's own schema and, through createReferral, to its own rules, so a referral made over FHIR passes
// exactly what one made over JSON passes. Every problem names the FHIR element it is about (OperationOutcome
// issue.expression), where the field has one.
import type { Patient, ServiceRequest } from '@medplum/fhirtypes';
import { badRequest, type FieldProblem, Problem } from '../http/problem.ts';
import { type CreateReferral, CreateReferralBody } from '../referrals/schemas.ts';
import { ODS_ORGANISATION_SYSTEM, TREATMENT_FUNCTION_SYSTEM } from './extensions.ts';
import { readPatient } from './patient.ts';
import { PRIORITY_OF } from './service-request.ts';

export interface TranslatedReferral {
  body: CreateReferral;
  /** translates the JSON API's field names in a problem to the FHIR elements they came from */
  inFhirTerms(problem: Problem): Problem;
}

const HEALTHCARE_SERVICE = /^HealthcareService\/([A-Za-z0-9\-.]{1,64})$/;

/** The JSON field of a problem to the FHIR element: the longest known prefix, the rest of the path kept. */
function pathMapper(paths: Record<string, string>) {
  return (original: string): string => {
    // The services write a list's index either way: shortlist[1] or shortlist.1.
    const field = original.replace(/\[(\d+)\]/g, '.$1');
    if (paths[field]) return paths[field]!;
    const parts = field.split('.');
    for (let n = parts.length - 1; n > 0; n--) {
      const prefix = parts.slice(0, n).join('.');
      if (paths[prefix]) {
        // An index into a list (addressLines.2, shortlist.0) is an index into the FHIR list.
        const rest = parts.slice(n);
        return paths[prefix] + rest.map((p) => (/^\d+$/.test(p) ? `[${p}]` : `.${p}`)).join('');
      }
    }
    return original;
  };
}

/**
 * Reads the ServiceRequest into the JSON API's input. `requesterOds`: the signed-in referrer's organisation, the only
 * requester a referral can have (a requester naming another is refused, not silently replaced).
 */
export function translateServiceRequest(raw: unknown, requesterOds: string): TranslatedReferral {
  const problems: FieldProblem[] = [];
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw) || (raw as { resourceType?: unknown }).resourceType !== 'ServiceRequest') {
    throw badRequest('Send a ServiceRequest resource (resourceType "ServiceRequest").', [{ field: 'ServiceRequest.resourceType', message: 'must be "ServiceRequest"' }]);
  }
  const sr = raw as ServiceRequest;
  const paths: Record<string, string> = {
    patient: 'ServiceRequest.subject',
    specialty: 'ServiceRequest.code',
    priority: 'ServiceRequest.priority',
    clinicalSummary: 'ServiceRequest.note',
    shortlist: 'ServiceRequest.performer',
    // No listed service within reach of the engine's shortlist: the remedy here is to name the services.
    'preferences.maxDistanceKm': 'ServiceRequest.performer',
  };
  // Fields the translation reports itself; the schema's problem for the same field would say it again, less well.
  const reported = new Set<string>();
  const refuse = (field: string | null, expression: string, message: string) => {
    if (field) reported.add(field);
    problems.push({ field: expression, message });
  };

  if (sr.intent === undefined) refuse(null, 'ServiceRequest.intent', 'is required: send "order"');
  else if (sr.intent !== 'order') refuse(null, 'ServiceRequest.intent', 'must be "order": a referral is an order to the service the patient chooses');
  if (sr.status !== undefined && sr.status !== 'active') refuse(null, 'ServiceRequest.status', 'must be "active" (or left out): a referral is made active');

  // The patient: contained, and named by the subject. OpenChoice keeps no patient records to refer to.
  const body: Record<string, unknown> = {};
  const subject = typeof sr.subject?.reference === 'string' ? sr.subject.reference : null;
  const contained = Array.isArray(sr.contained) ? sr.contained : [];
  if (!subject?.startsWith('#')) {
    refuse('patient', 'ServiceRequest.subject', 'must reference the patient contained in the ServiceRequest, like "#patient" (with the NHS number, name, date of birth and postcode)');
  } else {
    const i = contained.findIndex((r) => r?.resourceType === 'Patient' && r.id === subject.slice(1));
    if (i < 0) refuse('patient', 'ServiceRequest.subject', `names ${subject}, but no contained Patient has that id`);
    else {
      const { patient, paths: patientPaths } = readPatient(contained[i] as Patient, `ServiceRequest.contained[${i}]`);
      body.patient = patient;
      paths.patient = `ServiceRequest.contained[${i}]`;
      for (const [field, path] of Object.entries(patientPaths)) paths[`patient.${field}`] = path;
    }
  }

  const codings = Array.isArray(sr.code?.coding) ? sr.code.coding : [];
  const specialty = codings.findIndex((c) => c?.system === TREATMENT_FUNCTION_SYSTEM);
  if (specialty >= 0) {
    body.specialty = codings[specialty]!.code;
    paths.specialty = `ServiceRequest.code.coding[${specialty}].code`;
  } else if (sr.code !== undefined) {
    refuse('specialty', 'ServiceRequest.code', `must have a coding with system ${TREATMENT_FUNCTION_SYSTEM} and the treatment function code, like 110`);
  }

  if (sr.priority !== undefined) {
    const priority = PRIORITY_OF[String(sr.priority)];
    if (priority) body.priority = priority;
    else refuse('priority', 'ServiceRequest.priority', 'must be routine, urgent or asap (a two-week wait)');
  }

  const notes = Array.isArray(sr.note) ? sr.note : [];
  if (notes.length > 0) {
    // The clinical summary is one text: several notes are its paragraphs.
    body.clinicalSummary = notes.map((n) => n?.text).filter((t) => typeof t === 'string').join('\n\n');
    paths.clinicalSummary = notes.length === 1 ? 'ServiceRequest.note[0].text' : 'ServiceRequest.note';
  }

  // The services the patient may choose from: the desired performers. None: the engine's top 5.
  if (sr.performer !== undefined) {
    const performers = Array.isArray(sr.performer) ? sr.performer : [];
    const ids: string[] = [];
    performers.forEach((p, n) => {
      const m = HEALTHCARE_SERVICE.exec(String(p?.reference ?? ''));
      if (m) ids.push(m[1]!);
      else refuse('shortlist', `ServiceRequest.performer[${n}]`, 'must reference a HealthcareService, like "HealthcareService/S1-110"');
    });
    body.shortlist = ids;
  }

  const requester = sr.requester?.identifier;
  if (sr.requester !== undefined && !(requester?.system === ODS_ORGANISATION_SYSTEM && requester.value === requesterOds)) {
    refuse(null, 'ServiceRequest.requester', `must be your organisation (identifier ${ODS_ORGANISATION_SYSTEM}|${requesterOds}) or left out`);
  }

  const fhirPath = pathMapper(paths);
  const parsed = CreateReferralBody.safeParse(body);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const field = issue.path.join('.');
      if ([...reported].some((r) => field === r || field.startsWith(`${r}.`))) continue;
      problems.push({ field: fhirPath(field), message: issue.message });
    }
  }
  if (problems.length > 0 || !parsed.success) {
    // As the JSON API words a body that breaks its schema (src/http/problem.ts, toProblem).
    throw badRequest(`The body is not valid: ${problems.map((p) => `${p.field}: ${p.message}`).join('; ')}`, problems);
  }
  return {
    body: parsed.data,
    inFhirTerms: (problem) =>
      problem.errors
        ? new Problem(problem.status, problem.title, problem.detail, { errors: problem.errors.map((e) => ({ ...e, field: fhirPath(e.field) })), headers: problem.headers })
        : problem,
  };
}
