// Searchset Bundles, and the version headers a resource goes out with.
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Bundle, BundleEntry, Resource } from '@medplum/fhirtypes';
import { badRequest, Problem } from '../http/problem.ts';

/** A searchset of these resources (all matches, `match` mode), with the search's own address as its self link. */
export function searchset<T extends Resource>(baseUrl: string, request: FastifyRequest, resources: readonly T[], options: { included?: readonly Resource[]; total?: number } = {}): Bundle<T | Resource> {
  const entry: BundleEntry<T | Resource>[] = resources.map((resource) => ({
    fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`,
    resource,
    search: { mode: 'match' as const },
  }));
  for (const resource of options.included ?? []) {
    entry.push({ fullUrl: `${baseUrl}/${resource.resourceType}/${resource.id}`, resource, search: { mode: 'include' as const } });
  }
  const query = request.url.includes('?') ? request.url.slice(request.url.indexOf('?')) : '';
  const path = request.url.split('?')[0]!.replace(/^\/fhir\/R4/, '');
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: options.total ?? resources.length,
    link: [{ relation: 'self', url: `${baseUrl}${path}${query}` }],
    ...(entry.length > 0 ? { entry } : {}),
  };
}

/** The weak ETag FHIR uses for a version: W/"3". */
export const etagOf = (versionId: string) => `W/"${versionId}"`;

/** Sends a resource with its ETag and Last-Modified from `meta`, as FHIR's read and update answer. */
export function sendResource(reply: FastifyReply, resource: Resource, status = 200): FastifyReply {
  if (resource.meta?.versionId) reply.header('etag', etagOf(resource.meta.versionId));
  if (resource.meta?.lastUpdated) reply.header('last-modified', new Date(resource.meta.lastUpdated).toUTCString());
  return reply.code(status).send(resource);
}

/**
 * The version an update names in If-Match (W/"3" or "3"), or null if it names none; a malformed one is a 400.
 * `required`: an update without If-Match is refused with 428, so no one overwrites a change they have not seen.
 */
export function ifMatchVersion(request: FastifyRequest, required = false): string | null {
  const header = request.headers['if-match'];
  if (header === undefined) {
    if (required) throw new Problem(428, 'Precondition required', 'Send If-Match with the version you read (its ETag, like W/"1"), so a change made since is not overwritten.');
    return null;
  }
  const match = /^\s*(?:W\/)?"([^"]{1,64})"\s*$/.exec(String(header));
  if (!match) throw badRequest('If-Match must be an ETag such as W/"1".', [{ field: 'If-Match', message: 'is not an ETag' }]);
  return match[1]!;
}
