// The commissioner's pages of the choice measures: the home (/commissioner) with the ICB's headline figures and the
// sections of this work, the choice dashboard (/commissioner/choice) and the referrals behind any of its figures
// (/commissioner/choice/referrals). Commissioners see their own ICB; an admin chooses one (icb=).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../deps.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { READS, auditReads } from '../http/read-audit.ts';
import { errorContext, type FieldError, sentence } from '../web/forms.ts';
import { forbiddenPage, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { dashboardFigures, headlineFigures, listSpecialties, readDashboardQuery } from './dashboard.ts';
import { groupTable } from './dashboard-view.ts';
import { DRILL_DOWN_PAGE_SIZE, drillDown, readDrillDownQuery } from './drill-down.ts';
import { type Icb, icbInScope, listIcbs } from './icb-scope.ts';
import { CHOICE_PATH, drillDownHref, href } from './links.ts';
import { FEWER_OPTIONS_WORDS, MEASURE_WORDS } from './wording.ts';

const oversight = { access: ROLES('commissioner', 'admin'), page: true } as const;

const queryOf = (request: FastifyRequest) => (request.query ?? {}) as Record<string, unknown>;
const icbParam = (request: FastifyRequest) => {
  const v = queryOf(request).icb;
  return typeof (Array.isArray(v) ? v[0] : v) === 'string' ? String(Array.isArray(v) ? v[0] : v) : null;
};

type Scope = { icb: Icb; icbs: Icb[] | null; icbParam: string | null } | { icb: null; icbs: Icb[]; errors: FieldError[]; status: number };

/**
 * Whose figures the page shows (icb-scope.ts decides): a commissioner naming another ICB gets the forbidden page; an
 * admin who named none is asked to choose, and a code that is no ICB is an error on the picker.
 */
async function scopeOf(deps: Deps, request: FastifyRequest, reply: FastifyReply): Promise<Scope | FastifyReply> {
  const staff = staffOf(request);
  const requested = icbParam(request);
  const icbs = staff.role === 'admin' ? await listIcbs(deps.database.db) : null;
  try {
    const icb = await icbInScope(deps.database.db, staff, requested);
    return { icb, icbs, icbParam: staff.role === 'admin' ? icb.odsCode : null };
  } catch (err) {
    if (!(err instanceof Problem) || err.status >= 500) throw err;
    if (err.status === 403) return forbiddenPage(request, reply, err.detail);
    const missing = staff.role === 'admin' && !requested?.trim();
    return { icb: null, icbs: icbs ?? [], errors: missing ? [] : [{ field: 'icb', href: '#icb', message: sentence(err.detail) }], status: missing ? 200 : err.status };
  }
}

const isReply = (s: Scope | FastifyReply): s is FastifyReply => !('icb' in s);

function choose(request: FastifyRequest, reply: FastifyReply, scope: Extract<Scope, { icb: null }>, title: string, action: string) {
  return sendPage(request, reply, 'choice-choose-icb.njk', { title, action, icbs: scope.icbs, ...errorContext(scope.errors) }, scope.status);
}

export function choicePages(deps: Deps) {
  const db = deps.database.db;
  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    app.get('/commissioner', { config: oversight }, async (request, reply) => {
      const scope = await scopeOf(deps, request, reply);
      if (isReply(scope)) return scope;
      if (scope.icb === null) return choose(request, reply, scope, 'Commissioning: choose an ICB', '/commissioner');
      const headline = await headlineFigures(db, scope.icb);
      return sendPage(request, reply, 'commissioner-home.njk', {
        title: 'Commissioning patient choice', icb: scope.icb, icbs: scope.icbs, icbParam: scope.icbParam, headline,
        referralsHref: drillDownHref(headline, scope.icbParam, {}, 'referrals'),
        offeredHref: drillDownHref(headline, scope.icbParam, {}, 'offeredAtLeast5'),
        choseHref: drillDownHref(headline, scope.icbParam, {}, 'patientChose'),
        asiHref: drillDownHref(headline, scope.icbParam, {}, 'asi'),
      });
    });

    app.get('/commissioner/choice', { config: oversight }, async (request, reply) => {
      const scope = await scopeOf(deps, request, reply);
      if (isReply(scope)) return scope;
      if (scope.icb === null) return choose(request, reply, scope, 'Choice figures: choose an ICB', '/commissioner/choice');
      const specialties = await listSpecialties(db);
      const read = readDashboardQuery(queryOf(request), new Set(specialties.map((s) => s.code)));
      const common = { title: 'Choice figures', icb: scope.icb, icbs: scope.icbs, icbParam: scope.icbParam, specialties, values: read.values };
      if (!read.ok) return sendPage(request, reply, 'choice-dashboard.njk', { ...common, ...errorContext(read.errors) }, 400);
      const q = read.query;
      const figures = await dashboardFigures(db, scope.icb, q);
      const period = { from: q.from, to: q.to, specialty: q.specialty };
      return sendPage(request, reply, 'choice-dashboard.njk', {
        ...common, q, figures,
        specialtyName: specialties.find((s) => s.code === q.specialty)?.name ?? null,
        totalsHref: { referrals: drillDownHref(period, scope.icbParam, {}, 'referrals'), offered: drillDownHref(period, scope.icbParam, {}, 'offeredAtLeast5'),
          chose: drillDownHref(period, scope.icbParam, {}, 'patientChose'), booked: drillDownHref(period, scope.icbParam, {}, 'bookedByPatient'), asi: drillDownHref(period, scope.icbParam, {}, 'asi') },
        reasonHrefs: Object.fromEntries(figures.fewerThan5.map((r) => [r.code, drillDownHref(period, scope.icbParam, {}, 'fewerThan5', r.code)])),
        tables: [
          groupTable('practice', figures.practicesShown, figures.practices.length, q, scope.icbParam),
          groupTable('referralCentre', figures.referralCentres, figures.referralCentres.length, q, scope.icbParam),
          groupTable('provider', figures.providers, figures.providers.length, q, scope.icbParam),
        ],
      });
    });

    // The referrals behind a figure carry UBRNs: reading them is a read of those referrals.
    app.get('/commissioner/choice/referrals', { config: { ...oversight, audit: READS('referrals', 'checking a choice figure') } }, async (request, reply) => {
      const scope = await scopeOf(deps, request, reply);
      if (isReply(scope)) return scope;
      if (scope.icb === null) return choose(request, reply, scope, 'Referrals behind a figure: choose an ICB', '/commissioner/choice/referrals');
      const read = readDrillDownQuery(queryOf(request));
      const common = { title: 'Referrals behind a figure', icb: scope.icb, icbs: scope.icbs, icbParam: scope.icbParam, values: read.values, backHref: href(CHOICE_PATH, { icb: scope.icbParam }) };
      if (!read.ok) return sendPage(request, reply, 'choice-referrals.njk', { ...common, ...errorContext(read.errors) }, 400);
      const q = read.query;
      const found = await drillDown(db, scope.icb, q);
      auditReads(request, found.rows);
      const whose = { practice: q.practice, referralCentre: q.referralCentre, provider: q.provider };
      const pageHref = (page: number) => drillDownHref(q, scope.icbParam, whose, q.measure, q.reason, page);
      return sendPage(request, reply, 'choice-referrals.njk', {
        ...common, q, found,
        measureWords: MEASURE_WORDS[q.measure], reasonWords: q.reason ? FEWER_OPTIONS_WORDS[q.reason] : null,
        backHref: href(CHOICE_PATH, { from: q.from, to: q.to, specialty: q.specialty, icb: scope.icbParam }),
        first: found.total === 0 ? 0 : (found.page - 1) * DRILL_DOWN_PAGE_SIZE + 1,
        last: Math.min(found.total, found.page * DRILL_DOWN_PAGE_SIZE),
        previous: found.page > 1 ? { href: pageHref(found.page - 1), labelText: `Page ${found.page - 1} of ${found.pages}` } : null,
        next: found.page < found.pages ? { href: pageHref(found.page + 1), labelText: `Page ${found.page + 1} of ${found.pages}` } : null,
      });
    });
  };
}
