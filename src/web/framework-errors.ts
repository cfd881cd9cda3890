// Requests the framework refuses before any route sees them: a path that is not valid percent-encoding (%FF), a
// path parameter longer than the router allows (414), a malformed content type. Answered as everything else is: a
// problem+json for the API and anyone who does not ask for HTML, a page for a browser, with the security headers
// (no hook has run for these requests, so they are set here).
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Problem, sendProblem } from '../http/problem.ts';
import { renderPage } from './render.ts';
import { pageNonce, setSecurityHeaders } from './security-headers.ts';

const WORDS: Record<string, string> = {
  FST_ERR_BAD_URL: 'The address is not valid: part of it is not a valid percent-encoded character (like %FF). Check the address and try again.',
  FST_ERR_MAX_PARAM_LENGTH: 'Part of the address is too long to be an identifier this service uses. Check the address and try again.',
};

export function frameworkErrorHandler(production: boolean) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 400;
    const detail = WORDS[error.code] ?? 'The request could not be read.';
    request.log.info({ status, code: error.code }, 'request refused before routing');
    const path = request.raw.url ?? '';
    const wantsPage = !path.startsWith('/api/') && !path.startsWith('/fhir/') && /text\/html/.test(String(request.headers.accept ?? ''));
    reply.header('cache-control', 'no-store');
    if (wantsPage) {
      const cspNonce = pageNonce(reply);
      setSecurityHeaders(reply, production);
      void reply.code(status).type('text/html; charset=utf-8').send(renderPage('forbidden.njk', { title: 'Sorry, there is a problem', message: detail, cspNonce }));
      return;
    }
    setSecurityHeaders(reply, production);
    void sendProblem(reply, new Problem(status, status === 414 ? 'URI too long' : 'Bad request', detail), request);
  };
}
