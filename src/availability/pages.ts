// The commissioner's pages of where choice cannot exist: the choice-availability map of an ICB's practices for a
// specialty and radius, with its table and the ICB's specialty × radius summary; and the monthly test shortlists,
// with the button that queues a run now (the background job does it; see test-runs.ts).
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyInstance } from 'fastify';
import { type Icb, icbInScope, icbPickerItems, listIcbs } from '../choice/icb-scope.ts';
import type { Deps } from '../deps.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { errorContext, type FieldError } from '../web/forms.ts';
import { forbiddenPage, seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { availabilityPage, ENOUGH_PROVIDERS, RADII_MILES } from './availability.ts';
import { readAvailabilityQuery } from './query.ts';
import { specialtiesWithServices } from './reach.ts';
import { queueRun, runsOf, shortfallBySpecialty, shortResultsOf } from './test-runs.ts';

const page = { access: ROLES('commissioner', 'admin'), page: true } as const;
export const AVAILABILITY = '/commissioner/availability';
export const TESTS = '/commissioner/availability/tests';
const HOME = '/commissioner';
/** The short shortlists of one specialty shown at most (an ICB has some 300 practices). */
const RESULTS_SHOWN = 1000;

type Scope = { icb: Icb } | { choose: true } | { problem: Problem };

const firstString = (v: unknown): string => {
  const first = Array.isArray(v) ? v[0] : v;
  return typeof first === 'string' ? first.trim().slice(0, 10) : '';
};

export function availabilityPages(deps: Deps) {
  const { db } = deps.database;

  /** The ICB the page is about: the commissioner's own, or the one an admin named; an admin who named none chooses. */
  const scopeOf = async (request: FastifyRequest, requested: string): Promise<Scope> => {
    const staff = staffOf(request);
    if (staff.role === 'admin' && !requested) return { choose: true };
    try {
      return { icb: await icbInScope(db, staff, requested) };
    } catch (err) {
      if (err instanceof Problem && err.status < 500) return { problem: err };
      throw err;
    }
  };

  /** What every page of the part shows around its figures: the back link and, for an admin, the ICB picker. */
  const frame = async (request: FastifyRequest, icb: Icb | null) => {
    const admin = staffOf(request).role === 'admin';
    const icbs = admin ? await listIcbs(db) : [];
    return {
      back: HOME,
      admin,
      icb,
      icbItems: icbPickerItems(icbs, icb?.odsCode),
    };
  };

  const icbError = (problem: Problem): FieldError[] => [{ field: 'icb', href: '#icb', message: problem.detail }];

  /** The answer to a scope that is not an ICB: a 403 page, or the page with the picker and the error. */
  const unscoped = async (request: FastifyRequest, reply: FastifyReply, view: string, title: string, scope: Exclude<Scope, { icb: Icb }>, extra: object = {}) => {
    if ('problem' in scope && scope.problem.status === 403) return forbiddenPage(request, reply, scope.problem.detail);
    const errors = 'problem' in scope ? icbError(scope.problem) : [];
    return sendPage(request, reply, view, { title, ...(await frame(request, null)), ...errorContext(errors), ...extra }, 'problem' in scope ? scope.problem.status : 200);
  };

  return async function (app: FastifyInstance): Promise<void> {
    addViews(new URL('./views', import.meta.url));

    app.get(AVAILABILITY, { config: page }, async (request, reply) => {
      const q = (request.query ?? {}) as Record<string, unknown>;
      const snapshot = await deps.directory.current();
      const specialties = specialtiesWithServices(snapshot);
      const form = readAvailabilityQuery(q, specialties.map((s) => s.code));
      const title = 'Where choice cannot exist';
      const formContext = (values: { specialty: string; radius: string; sort: string }) => ({
        values,
        radii: RADII_MILES,
        enough: ENOUGH_PROVIDERS,
        specialtyItems: specialties.map((s) => ({ value: s.code, text: s.name, selected: s.code === values.specialty })),
        radiusItems: RADII_MILES.map((r) => ({ value: String(r), text: `${r} miles`, checked: String(r) === values.radius })),
      });
      const scope = await scopeOf(request, firstString(q.icb));
      if (!('icb' in scope)) return unscoped(request, reply, 'availability-map.njk', title, scope, formContext(form.values));
      if (!form.ok) {
        return sendPage(request, reply, 'availability-map.njk', { title, ...(await frame(request, scope.icb)), ...formContext(form.values), ...errorContext(form.errors) }, 400);
      }
      const specialty = specialties.find((s) => s.code === form.specialty)!;
      const figures = await availabilityPage(deps, scope.icb, specialty, form.radius, form.sort);
      request.log.info({ icb: scope.icb.odsCode, specialty: specialty.code, practices: figures.practices, elapsedMs: figures.elapsedMs }, 'choice availability worked out');
      return sendPage(request, reply, 'availability-map.njk', { title, ...(await frame(request, scope.icb)), ...formContext(form.values), ...errorContext([]), figures });
    });

    app.get(TESTS, { config: page }, async (request, reply) => {
      const q = (request.query ?? {}) as Record<string, unknown>;
      const title = 'Test shortlists';
      const scope = await scopeOf(request, firstString(q.icb));
      if (!('icb' in scope)) return unscoped(request, reply, 'availability-tests.njk', title, scope);
      const runs = await runsOf(db, scope.icb.odsCode);
      const open = runs.find((r) => r.state === 'queued' || r.state === 'running') ?? null;
      const latest = runs.find((r) => r.state === 'finished') ?? null;
      const specialties = (await deps.directory.current()).specialties;
      const wanted = firstString(q.specialty);
      const specialty = wanted ? (specialties.get(wanted) ?? null) : null;
      const errors: FieldError[] = wanted && !specialty ? [{ field: 'specialty', href: '#by-specialty', message: 'Choose a specialty from the table' }] : [];
      const bySpecialty = latest ? await shortfallBySpecialty(db, latest.id) : [];
      const results = latest && specialty ? await shortResultsOf(db, latest.id, { specialty: specialty.code, limit: RESULTS_SHOWN }) : [];
      return sendPage(request, reply, 'availability-tests.njk', {
        title,
        ...(await frame(request, scope.icb)),
        ...errorContext(errors),
        bySpecialty,
        specialty,
        runs,
        open,
        latest,
        results,
        queued: firstString(q.queued),
        resultsShown: RESULTS_SHOWN,
      }, errors.length ? 400 : 200);
    });

    app.post(TESTS, { config: page }, async (request, reply) => {
      const body = (request.body ?? {}) as Record<string, unknown>;
      const scope = await scopeOf(request, firstString(body.icb));
      if (!('icb' in scope)) return unscoped(request, reply, 'availability-tests.njk', 'Test shortlists', scope);
      const { queued } = await queueRun(db, scope.icb.odsCode, 'REQUESTED', staffOf(request).displayName);
      request.log.info({ icb: scope.icb.odsCode, queued }, 'test shortlists asked for');
      const icbParam = staffOf(request).role === 'admin' ? `icb=${encodeURIComponent(scope.icb.odsCode)}&` : '';
      return seeOther(reply, `${TESTS}?${icbParam}queued=${queued ? 'new' : 'already'}`);
    });
  };
}
