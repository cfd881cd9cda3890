// The CapabilityStatement, built from what the FHIR routes declare (src/fhir/interactions.ts): a client that
// reads it learns exactly the resources, interactions, search parameters and operations served.
import type { CapabilityStatement, CapabilityStatementRestResource } from '@medplum/fhirtypes';
import type { FhirRouteDeclaration } from './interactions.ts';

export interface CapabilityOptions {
  /** the interface's absolute base, e.g. https://openchoice.example.nhs.uk/fhir/R4 */
  baseUrl: string;
  software: { name: string; version: string };
  /** when this instance started: the statement's date */
  date: string;
}

export function capabilityStatement(declared: readonly FhirRouteDeclaration[], options: CapabilityOptions): CapabilityStatement {
  type Entry = CapabilityStatementRestResource & Required<Pick<CapabilityStatementRestResource, 'interaction' | 'searchParam'>>;
  const resources = new Map<string, Entry>();
  const systemOperations: { name: string; definition: string; documentation?: string }[] = [];
  const resourceOf = (type: string): Entry => {
    let r = resources.get(type);
    if (!r) resources.set(type, (r = { type: type as Entry['type'], interaction: [], searchParam: [] }));
    return r;
  };
  for (const d of declared) {
    if ('capabilities' in d) continue;
    if ('operation' in d) {
      const op = { name: d.operation, definition: d.definition, ...(d.documentation ? { documentation: d.documentation } : {}) };
      if (d.level === 'system' || !d.resource) systemOperations.push(op);
      else (resourceOf(d.resource).operation ??= []).push(op);
      continue;
    }
    const r = resourceOf(d.resource);
    if (!r.interaction.some((i) => i.code === d.interaction)) {
      r.interaction.push({ code: d.interaction, ...(d.documentation ? { documentation: d.documentation } : {}) });
    }
    for (const p of d.searchParams ?? []) {
      if (!r.searchParam.some((s) => s.name === p.name)) r.searchParam.push({ ...p });
    }
    if (d.interaction === 'update' || d.interaction === 'patch') r.versioning = 'versioned-update';
    if (d.interaction === 'create' && d.conditionalCreate) r.conditionalCreate = true;
  }
  const resource = [...resources.values()]
    .sort((a, b) => String(a.type).localeCompare(String(b.type)))
    .map((r) => {
      const { searchParam, ...rest } = r;
      return searchParam && searchParam.length > 0 ? { ...rest, searchParam } : rest;
    });
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: options.date,
    publisher: 'OpenChoice',
    kind: 'instance',
    software: options.software,
    implementation: { description: 'OpenChoice: NHS patient choice in elective care', url: options.baseUrl },
    fhirVersion: '4.0.1',
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        documentation: 'Sign in as for the JSON API (POST /api/v1/auth/sessions) and send Authorization: Bearer <token>.',
        security: { cors: false, description: 'Bearer tokens from POST /api/v1/auth/sessions; the same access rules as the JSON API.' },
        resource,
        ...(systemOperations.length > 0 ? { operation: systemOperations } : {}),
      },
    ],
  };
}
