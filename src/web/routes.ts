// The web pages: server-rendered with nhsuk-frontend, and its compiled CSS, JS and images under /assets/.
import fastifyStatic from '@fastify/static';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { join } from 'node:path';
import type { Config } from '../config.ts';
import type { Database } from '../db/database.ts';
import type { DirectoryCache } from '../directory/snapshot.ts';
import type { PostcodeDirectory } from '../reference/postcodes.ts';
import { PUBLIC } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { listSpecialties } from '../reference/queries.ts';
import { buildShortlist } from '../shortlist/service.ts';
import type { ShortlistAnswer, ShortlistRequest } from '../shortlist/types.ts';
import { problemToFormErrors, readCompareForm } from './compare-form.ts';
import { comparePageContext, type SpecialtyChoice } from './compare-page.ts';
import { NHSUK_DIST, OWN_ASSETS_DIR, renderPage, serverErrorPage } from './render.ts';

export interface WebDeps {
  database: Database;
  config: Config;
  directory: DirectoryCache;
  postcodes: PostcodeDirectory;
  /** Seams for tests; default to the shortlist engine and the reference data. */
  shortlist?: (request: ShortlistRequest) => Promise<ShortlistAnswer>;
  specialties?: () => Promise<SpecialtyChoice[]>;
}

// Only these files of nhsuk-frontend's package are served; the rest (Sass, sources, fixtures) are not.
const NHSUK_ROOT = join(NHSUK_DIST, 'nhsuk');
const NHSUK_ASSETS = join(NHSUK_ROOT, 'assets');
const SERVED = /^\/(?:images\/[\w.-]+\.(?:svg|png|ico)|manifest\.json|nhsuk-frontend\.min\.(?:css|js)(?:\.map)?|[\w-]+\.(?:css|js))$/;

export function webRoutes(deps: WebDeps) {
  const { database, config, directory, postcodes } = deps;
  const shortlist = deps.shortlist ?? ((request: ShortlistRequest) => buildShortlist({ config, directory, postcodes }, request));
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

    // Pages answer errors with a page, not problem+json. This handler covers only the routes registered here.
    app.setErrorHandler((error, request, reply) => {
      request.log.error({ err: error }, 'page failed');
      return sendPage(reply.code(500), serverErrorPage());
    });

    app.get(
      '/',
      { config: { access: PUBLIC('comparing services reveals no patient data; the form is for anyone') } },
      async (request, reply) => {
        const choices = await specialties();
        const form = readCompareForm(request.query, new Set(choices.map((s) => s.code)));
        if (form.kind === 'empty') {
          return sendPage(reply, renderPage('compare.njk', comparePageContext({ values: form.values, specialties: choices })));
        }
        if (form.kind === 'invalid') {
          const context = comparePageContext({ values: form.values, specialties: choices, errors: form.errors });
          return sendPage(reply.code(form.status), renderPage('compare.njk', context));
        }
        let answer: ShortlistAnswer;
        try {
          answer = await shortlist(form.request);
        } catch (err) {
          if (!(err instanceof Problem) || err.status >= 500) throw err;
          const { errors, status } = problemToFormErrors(err);
          const context = comparePageContext({ values: form.values, specialties: choices, errors });
          return sendPage(reply.code(status), renderPage('compare.njk', context));
        }
        const context = comparePageContext({ values: form.values, specialties: choices, answer });
        return sendPage(reply, renderPage('compare.njk', context));
      },
    );
  };
}

function sendPage(reply: FastifyReply, html: string): FastifyReply {
  return reply
    .type('text/html; charset=utf-8')
    // The query holds a postcode: keep it out of shared caches and other sites' logs.
    .header('cache-control', 'no-store')
    .header('referrer-policy', 'same-origin')
    .send(html);
}
