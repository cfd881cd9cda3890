// Server-rendered pages: one Nunjucks environment over our views and the nhsuk-frontend templates.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** node_modules/nhsuk-frontend/dist: templates are named "nhsuk/components/…/macro.njk" from here. */
export const NHSUK_DIST = join(dirname(require.resolve('nhsuk-frontend/package.json')), 'dist');
export const VIEWS_DIR = join(here, 'views');
/** Our own static files (served under /assets/ beside nhsuk-frontend's). */
export const OWN_ASSETS_DIR = join(here, 'assets');

export const SERVICE_NAME = 'OpenChoice';

const environment = new nunjucks.Environment(new nunjucks.FileSystemLoader([VIEWS_DIR, NHSUK_DIST]), {
  autoescape: true,
  throwOnUndefined: false,
  trimBlocks: true,
  lstripBlocks: true,
});

/** The page title: "Question – OpenChoice – NHS", with "Error: " in front when the page shows errors. */
export function pageTitle(title: string, hasErrors = false): string {
  return `${hasErrors ? 'Error: ' : ''}${title} – ${SERVICE_NAME} – NHS`;
}

export interface PageContext {
  /** The page's own title (usually its h1); the layout adds the service name. */
  title: string;
  /** Field errors shown in the error summary; their presence adds "Error: " to the title. */
  errors?: readonly unknown[];
  [key: string]: unknown;
}

/** Renders a view from src/web/views (which extends layout.njk) to an HTML string. */
export function renderPage(template: string, context: PageContext): string {
  const hasErrors = (context.errors?.length ?? 0) > 0;
  return environment.render(template, { ...context, documentTitle: pageTitle(context.title, hasErrors) });
}

/** The NHS-style "Page not found" page (send it with status 404); `cspNonce` lets its scripts run. */
export function notFoundPage(cspNonce?: string): string {
  return renderPage('not-found.njk', { title: 'Page not found', cspNonce });
}

/** The NHS-style "Sorry, there is a problem with the service" page (send it with status 500). */
export function serverErrorPage(cspNonce?: string): string {
  return renderPage('server-error.njk', { title: 'Sorry, there is a problem with the service', cspNonce });
}
