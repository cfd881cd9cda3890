// The mental health waiting standards pages: the commissioner's (their ICB's patients, every provider) and the
// provider's (its own pathways, and the form that loads a return).
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { icbChoicesFor, icbInScope, icbPickerItems } from '../choice/icb-scope.ts';
import type { Deps } from '../deps.ts';
import { londonDate } from '../domain/dates.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { attempt, errorContext, type FieldError } from '../web/forms.ts';
import { forbiddenPage, seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { standardsReport } from './figures.ts';
import { importPathways, rowsFromCsv } from './pathway-import.ts';
import { readStandardsQuery, type StandardsQueryValues } from './query.ts';
import { servicesView } from './view-model.ts';

const commissioner = { access: ROLES('commissioner', 'admin'), page: true } as const;
const provider = { access: ROLES('provider'), page: true } as const;
const PROVIDER_HOME = '/provider/mental-health';

export function mentalHealthPages(deps: Deps) {
  const db = deps.database.db;

  const commissionerPage = async (request: FastifyRequest, reply: FastifyReply, values: StandardsQueryValues, extra: object, errors: readonly FieldError[], status: number) => {
    const staff = staffOf(request);
    const icbs = await icbChoicesFor(db, staff);
    return sendPage(request, reply, 'mental-health-commissioner.njk', {
      title: 'Mental health waiting standards',
      back: '/commissioner',
      values,
      admin: staff.role === 'admin',
      icbItems: icbPickerItems(icbs, values.icb),
      ...errorContext(errors),
      ...extra,
    }, status);
  };

  const providerPage = async (request: FastifyRequest, reply: FastifyReply, values: StandardsQueryValues, extra: object, errors: readonly FieldError[], status: number) =>
    sendPage(request, reply, 'mental-health-provider.njk', {
      title: 'Mental health waiting standards',
      back: '/provider',
      values,
      ...errorContext(errors),
      ...extra,
    }, status);

  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    app.get('/commissioner/mental-health', { config: commissioner }, async (request, reply) => {
      const staff = staffOf(request);
      const query = readStandardsQuery(request.query, londonDate());
      if (!query.ok) return commissionerPage(request, reply, query.values, {}, query.errors, 400);
      const scoped = await attempt(() => icbInScope(db, staff, query.values.icb || null), { field: 'icb' });
      if (!scoped.ok && scoped.status === 403) return forbiddenPage(request, reply, scoped.problem.detail);
      if (!scoped.ok) return commissionerPage(request, reply, query.values, {}, scoped.errors, scoped.status);
      const report = await standardsReport(db, { icb: scoped.value.odsCode }, query.period, query.interval);
      return commissionerPage(request, reply, query.values, { icb: scoped.value, report, services: servicesView(report, query.values.publication) }, [], 200);
    });

    app.get(PROVIDER_HOME, { config: provider }, async (request, reply) => {
      const staff = staffOf(request);
      const query = readStandardsQuery(request.query, londonDate());
      const q = request.query as Record<string, string | undefined>;
      const loaded = q.loaded !== undefined ? { inserted: Number(q.inserted) || 0, updated: Number(q.updated) || 0, unchanged: Number(q.unchanged) || 0 } : null;
      if (!query.ok) return providerPage(request, reply, query.values, { csv: '' }, query.errors, 400);
      const report = await standardsReport(db, { provider: staff.organisation.odsCode }, query.period, query.interval);
      return providerPage(request, reply, query.values, { csv: '', loaded, report, services: servicesView(report, false) }, [], 200);
    });

    app.post(PROVIDER_HOME, { config: provider }, async (request, reply) => {
      const staff = staffOf(request);
      const today = londonDate();
      // Read whole, never cut: a cut return would load part of a file (the form body is bounded by the platform).
      const posted = ((request.body ?? {}) as Record<string, unknown>).csv;
      const csv = typeof posted === 'string' ? posted.trim() : '';
      const fail = async (errors: FieldError[]) => {
        const query = readStandardsQuery({}, today);
        const report = query.ok ? await standardsReport(db, { provider: staff.organisation.odsCode }, query.period, query.interval) : null;
        return providerPage(request, reply, query.values, { csv, report, services: report ? servicesView(report, false) : [] }, errors, 422);
      };
      if (!csv) return fail([{ field: 'csv', href: '#csv', message: 'Paste your pathways as CSV, with a header line' }]);
      const parsed = await rowsFromCsv(csv);
      const result = parsed.ok ? await importPathways(deps.database, parsed.rows, { providerOdsCode: staff.organisation.odsCode, accountId: staff.accountId, source: 'PROVIDER_RETURN', today }) : parsed;
      if (!result.ok) return fail(result.errors.slice(0, 20).map((e) => ({ field: 'csv', href: '#csv', message: `Line ${e.line}: ${e.message}` })));
      const { inserted, updated, unchanged } = result.report;
      return seeOther(reply, `${PROVIDER_HOME}?loaded=1&inserted=${inserted}&updated=${updated}&unchanged=${unchanged}`);
    });
  };
}
