// The patient as a FHIR Patient, contained in the resource that names them (id "patient", referenced "#patient":
// OpenChoice keeps the patient on the referral, not as a record of its own, so there is no Patient/{id} to point
// at), and read back from one that a client sends. UK Core shapes: the NHS number identifier, the official name,
// the birth date, the home address with its postcode, email and mobile as telecom.
import type { ContactPoint, Patient } from '@medplum/fhirtypes';
import { NHS_NUMBER_SYSTEM } from './extensions.ts';

/** The id of the contained Patient, and the reference to it. */
export const PATIENT_ID = 'patient';
export const PATIENT_REFERENCE = `#${PATIENT_ID}`;

/** The patient as a referral holds them, every field present (src/referrals/schemas.ts, Referral.patient when shown). */
export interface PatientDetails {
  nhsNumber: string;
  givenName: string;
  familyName: string;
  dateOfBirth: string;
  postcode: string;
  addressLines: readonly string[] | null;
  email: string | null;
  mobile: string | null;
}

/** The patient as a contained Patient. The given name is kept as one string, as the referral holds it. */
export function patientResource(p: PatientDetails): Patient {
  const telecom: ContactPoint[] = [];
  if (p.email) telecom.push({ system: 'email', value: p.email, use: 'home' });
  if (p.mobile) telecom.push({ system: 'phone', value: p.mobile, use: 'mobile' });
  return {
    resourceType: 'Patient',
    id: PATIENT_ID,
    identifier: [{ system: NHS_NUMBER_SYSTEM, value: p.nhsNumber }],
    name: [{ use: 'official', family: p.familyName, given: [p.givenName] }],
    birthDate: p.dateOfBirth,
    address: [{ use: 'home', ...(p.addressLines && p.addressLines.length > 0 ? { line: [...p.addressLines] } : {}), postalCode: p.postcode }],
    ...(telecom.length > 0 ? { telecom } : {}),
  };
}

/**
 * What a client's Patient says, in the JSON API's terms (CreateReferralBody.patient), left undefined where it says
 * nothing so that the JSON API's own schema names what is missing; and, for each field, where in the FHIR body it
 * came from (or would go), so that a problem with it points at the FHIR element. `at` is the Patient's own path,
 * e.g. "ServiceRequest.contained[0]".
 */
export function readPatient(patient: Patient, at: string): { patient: Record<string, unknown>; paths: Record<string, string> } {
  const paths: Record<string, string> = {};
  const out: Record<string, unknown> = {};
  const list = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []);

  const identifiers = list(patient.identifier);
  const nhs = identifiers.findIndex((i) => i?.system === NHS_NUMBER_SYSTEM);
  paths.nhsNumber = nhs >= 0 ? `${at}.identifier[${nhs}].value` : `${at}.identifier`;
  if (nhs >= 0) out.nhsNumber = identifiers[nhs]!.value;

  const names = list(patient.name);
  const n = Math.max(0, names.findIndex((x) => x?.use === 'official'));
  const name = names[n];
  paths.givenName = name?.given ? `${at}.name[${n}].given` : `${at}.name`;
  paths.familyName = name?.family !== undefined ? `${at}.name[${n}].family` : `${at}.name`;
  if (name && Array.isArray(name.given) && name.given.length > 0) out.givenName = name.given.join(' ');
  if (name?.family !== undefined) out.familyName = name.family;

  paths.dateOfBirth = `${at}.birthDate`;
  if (patient.birthDate !== undefined) out.dateOfBirth = patient.birthDate;

  const addresses = list(patient.address);
  const home = addresses.findIndex((a) => a?.use === 'home' && a.postalCode !== undefined);
  const a = home >= 0 ? home : addresses.findIndex((x) => x?.postalCode !== undefined);
  const address = addresses[a];
  paths.postcode = address ? `${at}.address[${a}].postalCode` : `${at}.address`;
  paths.addressLines = address ? `${at}.address[${a}].line` : `${at}.address`;
  if (address) {
    out.postcode = address.postalCode;
    if (address.line !== undefined) out.addressLines = address.line;
  }

  const telecom = list(patient.telecom);
  const email = telecom.findIndex((t) => t?.system === 'email');
  const mobile = telecom.findIndex((t) => t?.system === 'sms' || (t?.system === 'phone' && t.use === 'mobile'));
  paths.email = email >= 0 ? `${at}.telecom[${email}].value` : `${at}.telecom`;
  paths.mobile = mobile >= 0 ? `${at}.telecom[${mobile}].value` : `${at}.telecom`;
  if (email >= 0) out.email = telecom[email]!.value;
  if (mobile >= 0) out.mobile = telecom[mobile]!.value;
  return { patient: out, paths };
}
