// What each FHIR route serves, declared beside its access (`config.fhir`), so that the CapabilityStatement is
// generated from the routes themselves and cannot claim an interaction that is not served, or leave one out.

export type TypeInteraction = 'read' | 'vread' | 'update' | 'patch' | 'delete' | 'history-instance' | 'history-type' | 'create' | 'search-type';

export interface SearchParamDeclaration {
  name: string;
  type: 'number' | 'date' | 'string' | 'token' | 'reference' | 'composite' | 'quantity' | 'uri' | 'special';
  documentation: string;
  /** the base definition's canonical URL, for a standard parameter */
  definition?: string;
}

export type FhirRouteDeclaration =
  | {
      resource: string;
      interaction: TypeInteraction;
      searchParams?: readonly SearchParamDeclaration[];
      documentation?: string;
      /** create honours If-None-Exist */
      conditionalCreate?: boolean;
    }
  | { operation: string; definition: string; level: 'system' | 'type' | 'instance'; resource?: string; documentation?: string }
  | { capabilities: true };

declare module 'fastify' {
  interface FastifyContextConfig {
    fhir?: FhirRouteDeclaration;
  }
}
