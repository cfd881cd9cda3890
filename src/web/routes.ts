// The web pages: server-rendered with nhsuk-frontend, and its compiled CSS, JS and images under /assets/.
import type { Deps } from '../deps.ts';
import formbody from '@fastify/formbody';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { join } from 'node:path';
import { PUBLIC } from '../http/access.ts';
import { loggableError, Problem } from '../http/problem.ts';
import { listSpecialties } from '../reference/queries.ts';
import { buildShortlist } from '../shortlist/service.ts';
import type { ShortlistAnswer, ShortlistRequest } from '../shortlist/types.ts';
import { problemToFormErrors, readCompareForm } from './compare-form.ts';
import { comparePageContext, type SpecialtyChoice } from './compare-page.ts';
import { forbiddenPage, scriptNonce, sendPage } from './page.ts';
import { managePages } from './manage-pages.ts';
import { providerPages } from './provider-pages.ts';
import { waitingPages } from './waiting-pages.ts';
import { mutualAidPages } from './mutual-aid-pages.ts';
import { adminPages } from './admin-pages.ts';
import { referralPages } from './referral-pages.ts';
import { NHSUK_DIST, OWN_ASSETS_DIR, serverErrorPage } from './render.ts';
import { signInPages } from './sign-in-pages.ts';

export interface WebDeps extends Deps {
  /** Seams for tests; default to the shortlist engine and the reference data. */
  shortlist?: (request: ShortlistRequest) => Promise<ShortlistAnswer>;
  specialties?: () => Promise<SpecialtyChoice[]>;
}

// Only these files of nhsuk-frontend's package are served; the rest (Sass, sources, fixtures) are not.
const NHSUK_ROOT = join(NHSUK_DIST, 'nhsuk');
const NHSUK_ASSETS = join(NHSUK_ROOT, 'assets');
const SERVED = /^\/(?:images\/[\w.-]+\.(?:svg|png|ico)|manifest\.json|nhsuk-frontend\.min\.(?:css|js)(?:\.map)?|[\w-]+\.(?:css|js))$/;

export function webRoutes(deps: WebDeps) {
  const { database, config } = deps;
  const shortlist = deps.shortlist ?? ((request: ShortlistRequest) => buildShortlist(deps, request));
  const specialties =
    deps.specialties ??
    (async () => (await listSpecialties(database.db, { listedOnly: true })).map(({ code, name }) => ({ code, name })));

  return async function web(app: FastifyInstance): Promise<void> {
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

    // Pages answer errors with a page, not problem+json. This handler covers only the routes registered here.
    app.setErrorHandler((error, request, reply) => {
      const status = (error as { statusCode?: number }).statusCode ?? 500;
      if (status === 403) {
        // A form without a valid CSRF token (or one from another site): refused, with a way back.
        return forbiddenPage(request, reply, 'This form has expired or did not come from this service. Go back, reload the page and try again.');
      }
      if (status >= 400 && status < 500) {
        return sendPage(request, reply, 'forbidden.njk', { title: 'Sorry, there is a problem', message: 'The form could not be read. Go back and try again.' }, status);
      }
      request.log.error({ err: loggableError(error) }, 'page failed');
      return reply.code(500).type('text/html; charset=utf-8').header('cache-control', 'no-store').send(serverErrorPage(scriptNonce(reply)));
    });

    await app.register(signInPages(database, config));
    await app.register(referralPages(deps));
    await app.register(managePages(deps));
    await app.register(waitingPages(deps));
    await app.register(providerPages(deps));
    await app.register(mutualAidPages(deps));
    await app.register(adminPages(database));

    app.get(
      '/',
      { config: { access: PUBLIC('comparing services reveals no patient data; the form is for anyone'), page: true } },
      async (request, reply) => {
        const choices = await specialties();
        const form = readCompareForm(request.query, new Set(choices.map((s) => s.code)));
        if (form.kind === 'empty') {
          return sendPage(request, reply, 'compare.njk', comparePageContext({ values: form.values, specialties: choices }));
        }
        if (form.kind === 'invalid') {
          const context = comparePageContext({ values: form.values, specialties: choices, errors: form.errors });
          return sendPage(request, reply, 'compare.njk', context, form.status);
        }
        let answer: ShortlistAnswer;
        try {
          answer = await shortlist(form.request);
        } catch (err) {
          if (!(err instanceof Problem) || err.status >= 500) throw err;
          const { errors, status } = problemToFormErrors(err);
          const context = comparePageContext({ values: form.values, specialties: choices, errors });
          return sendPage(request, reply, 'compare.njk', context, status);
        }
        const context = comparePageContext({ values: form.values, specialties: choices, answer });
        return sendPage(request, reply, 'compare.njk', context);
      },
    );
  };
}
