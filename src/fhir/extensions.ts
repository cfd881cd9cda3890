// OpenChoice's own FHIR extensions and code systems live under one base, documented in README ("FHIR R4").
export const OPENCHOICE_FHIR_BASE = 'https://openchoice.nhs.example/fhir';
export const extensionUrl = (name: string) => `${OPENCHOICE_FHIR_BASE}/StructureDefinition/${name}`;
export const codeSystemUrl = (name: string) => `${OPENCHOICE_FHIR_BASE}/CodeSystem/${name}`;

// NHS identifier systems (api.md, "FHIR R4").
export const NHS_NUMBER_SYSTEM = 'https://fhir.nhs.uk/Id/nhs-number';
export const UBRN_SYSTEM = 'https://fhir.nhs.uk/Id/UBRN';
export const ODS_ORGANISATION_SYSTEM = 'https://fhir.nhs.uk/Id/ods-organization-code';
export const ODS_SITE_SYSTEM = 'https://fhir.nhs.uk/Id/ods-site-code';
/**
 * Treatment function codes (110 Trauma and Orthopaedics): UK Core's HealthcareService.specialty carries them in
 * its practice setting code system (../shared/data/fhir-ukcore-examples/UKCore-HealthcareService-*.xml).
 */
export const TREATMENT_FUNCTION_SYSTEM = 'https://fhir.hl7.org.uk/CodeSystem/UKCore-PracticeSettingCode';
