// Server-rendered pages: one Nunjucks environment over the shared views (layout, errors), each feature's own
// views, and the nhsuk-frontend templates, with the formatting filters.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import nunjucks from 'nunjucks';
import { registerFilters } from './filters.ts';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);

/** node_modules/nhsuk-frontend/dist: templates are named "nhsuk/components/…/macro.njk" from here. */
export const NHSUK_DIST = join(dirname(require.resolve('nhsuk-frontend/package.json')), 'dist');
/** The layout and the views every feature shares. */
export const SHARED_VIEWS_DIR = join(here, 'views');
/** Our own static files (served under /assets/ beside nhsuk-frontend's). */
export const OWN_ASSETS_DIR = join(here, 'assets');

export const SERVICE_NAME = 'OpenChoice';

// Where views are looked up, in order. A feature adds its own folder when its pages are registered (addViews);
// view names are unique across folders (checked there), so the order only matters for nhsuk-frontend's, last.
const viewDirs: string[] = [SHARED_VIEWS_DIR];
const viewOwner = new Map<string, string>(readdirSync(SHARED_VIEWS_DIR).map((f) => [f, SHARED_VIEWS_DIR]));

/** Makes a feature's views folder available to every page; refuses a view name another folder already has. */
export function addViews(dir: string | URL): void {
  const folder = resolve(dir instanceof URL ? fileURLToPath(dir) : dir);
  if (viewDirs.includes(folder)) return;
  for (const file of readdirSync(folder)) {
    const owner = viewOwner.get(file);
    if (owner) throw new Error(`The view ${file} is in both ${owner} and ${folder}: view names must be unique`);
    viewOwner.set(file, folder);
  }
  viewDirs.push(folder);
}

const loader: nunjucks.ILoader = {
  getSource(name: string) {
    for (const dir of [...viewDirs, NHSUK_DIST]) {
      const path = resolve(dir, name);
      if ((path === dir || path.startsWith(dir + sep)) && existsSync(path)) return { src: readFileSync(path, 'utf8'), path, noCache: false };
    }
    // Nunjucks reports "template not found" when a loader answers nothing.
    return null as unknown as nunjucks.LoaderSource;
  },
};

const environment = new nunjucks.Environment(loader, {
  autoescape: true,
  throwOnUndefined: false,
  trimBlocks: true,
  lstripBlocks: true,
});
registerFilters(environment);

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

/** Renders a view (which extends layout.njk) to an HTML string. */
export function renderPage(template: string, context: PageContext): string {
  const hasErrors = (context.errors?.length ?? 0) > 0;
  return environment.render(template, { ...context, documentTitle: pageTitle(context.title, hasErrors) });
}

/** Renders a part of a page (a panel one feature shows on another's page) to an HTML string. */
export function renderFragment(template: string, context: Record<string, unknown>): string {
  return environment.render(template, context);
}

/** The NHS-style "Page not found" page (send it with status 404); `cspNonce` lets its scripts run. */
export function notFoundHtml(cspNonce?: string): string {
  return renderPage('not-found.njk', { title: 'Page not found', cspNonce });
}

/** The NHS-style "Sorry, there is a problem with the service" page (send it with status 500). */
export function serverErrorHtml(cspNonce?: string): string {
  return renderPage('server-error.njk', { title: 'Sorry, there is a problem with the service', cspNonce });
}
