// What every page needs before any feature's pages are registered: nhsuk-frontend's compiled CSS, JS and images
// (and ours) under /assets/, form bodies, CSRF checks on every form that changes something, and errors answered
// with a page rather than problem+json. buildApp registers the features' pages inside the same context, after this.
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import { isDatabaseUnreachable, loggableError, Problem } from '../http/problem.ts';
import { forbiddenPage, notFoundPage, sendPage, serverErrorPage } from './page.ts';
import { NHSUK_DIST, OWN_ASSETS_DIR } from './render.ts';

// Only these files of nhsuk-frontend's package are served; the rest (Sass, sources, fixtures) are not.
const NHSUK_ROOT = join(NHSUK_DIST, 'nhsuk');
const NHSUK_ASSETS = join(NHSUK_ROOT, 'assets');
const SERVED = /^\/(?:images\/[\w.-]+\.(?:svg|png|ico)|manifest\.json|nhsuk-frontend\.min\.(?:css|js)(?:\.map)?|[\w-]+\.(?:css|js))$/;

export async function registerPagePlatform(app: FastifyInstance, config: Config): Promise<void> {
  await app.register(fastifyStatic, {
    // Looked up in order: our own files, nhsuk-frontend's images and manifest, then its compiled CSS and JS.
    root: [OWN_ASSETS_DIR, NHSUK_ASSETS, NHSUK_ROOT],
    prefix: '/assets/',
    decorateReply: false,
    index: false,
    list: false,
    allowedPath: (path) => SERVED.test(path),
    maxAge: config.env === 'production' ? '1h' : 0,
  });

  // Forms post application/x-www-form-urlencoded (small: the longest field is a clinical summary).
  await app.register(formbody, { bodyLimit: 64 * 1024 });

  // Every form that changes something carries the CSRF token (hidden field _csrf) bound to the CSRF cookie.
  app.addHook('preHandler', (request, reply, done) => {
    if (request.method === 'POST') return app.csrfProtection(request, reply, done);
    done();
  });

  // Pages answer errors with a page, not problem+json. This handler covers the routes registered in this context.
  app.setErrorHandler((error, request, reply) => {
    // A service's named problem that the page did not turn into an error summary: its status and words, as a page.
    if (error instanceof Problem && error.status < 500) {
      if (error.status === 404) return notFoundPage(request, reply);
      if (error.status === 403) return forbiddenPage(request, reply, error.detail);
      return sendPage(request, reply, 'forbidden.njk', { title: 'Sorry, there is a problem', message: error.detail }, error.status);
    }
    const status = (error as { statusCode?: number }).statusCode ?? 500;
    if (status === 403) {
      // A form without a valid CSRF token (or one from another site): refused, with a way back.
      return forbiddenPage(request, reply, 'This form has expired or did not come from this service. Go back, reload the page and try again.');
    }
    if (status === 413) {
      // The form says its own limit (a document's size, say): the page says what went wrong and what to do.
      return sendPage(request, reply, 'forbidden.njk', { title: 'Sorry, there is a problem', message: 'What you sent is larger than this form accepts. Go back and send a smaller file or shorter text: the form says how large it may be.' }, status);
    }
    if (status >= 400 && status < 500) {
      return sendPage(request, reply, 'forbidden.njk', { title: 'Sorry, there is a problem', message: 'The form could not be read. Go back and try again.' }, status);
    }
    if (isDatabaseUnreachable(error)) {
      request.log.warn({ code: (error as { code?: string }).code, message: (error as Error).message }, 'database unreachable: answered 503');
      reply.header('retry-after', '5');
      return sendPage(request, reply, 'forbidden.njk', { title: 'Sorry, the service is unavailable', message: 'The service cannot reach its records just now. Try again in a few seconds.' }, 503);
    }
    request.log.error({ err: loggableError(error) }, 'page failed');
    return serverErrorPage(reply);
  });
}
