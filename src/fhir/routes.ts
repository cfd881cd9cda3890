// The FHIR R4 interface (issue 13), beside the JSON API and over the same services: each resource module maps
// OpenChoice's records to FHIR and back, and no rule lives here twice. Registered under /fhir/R4 by src/app.ts.
import type { FastifyInstance, FastifyPluginAsync } from 'fastify';
import type { Deps } from '../deps.ts';
import { PUBLIC } from '../http/access.ts';
import { bookingRoutes } from './booking-routes.ts';
import { capabilityStatement } from './capability.ts';
import { registerDirectory } from './directory.ts';
import { FHIR_PREFIX, registerFhirPlatform } from './platform.ts';
import { serviceRequestRoutes } from './service-request-routes.ts';

const SOFTWARE = { name: 'OpenChoice', version: '0.1.0' };

export function fhirRoutes(deps: Deps): FastifyPluginAsync {
  return async (fhir: FastifyInstance) => {
    const declared = registerFhirPlatform(fhir);
    const baseUrl = `${deps.config.publicUrl}${FHIR_PREFIX}`;
    const started = new Date().toISOString();

    fhir.get(
      '/metadata',
      { config: { access: PUBLIC('a FHIR server says what it serves to anyone (FHIR R4 3.1.0.10)'), fhir: { capabilities: true } }, schema: { hide: true } },
      async () => capabilityStatement(declared, { baseUrl, software: SOFTWARE, date: started }),
    );
    // The resources, each module over its feature's own services.
    registerDirectory(fhir, deps, baseUrl);
    serviceRequestRoutes(fhir, deps);
    bookingRoutes(fhir, deps, baseUrl);
  };
}
