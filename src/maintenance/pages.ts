// /admin/maintenance: an admin turns maintenance mode on (how long it should last, and a confirmation that nobody
// will be able to save anything meanwhile) and off.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { checkboxes, errorContext, type FieldError, oneOfKeys, readForm, text } from '../web/forms.ts';
import { seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { maintenanceDetail, type MaintenanceSwitch } from './service.ts';

const PAGE = '/admin/maintenance';
const admin = { access: ROLES('admin'), page: true } as const;

/** How long the admin expects the work to take, in minutes, and its wording. */
const DURATIONS: Readonly<Record<string, string>> = { '30': '30 minutes', '60': '1 hour', '120': '2 hours', '240': '4 hours', '480': '8 hours' };

const TURN_ON_FORM = { minutes: text(10), confirm: checkboxes(1) };
const TurnOn = z.object({
  minutes: oneOfKeys(DURATIONS, 'Select how long the maintenance is expected to take'),
  confirm: z.array(z.string()).refine((v) => v.includes('yes'), 'Confirm that nobody will be able to save changes while maintenance mode is on'),
});

export function maintenancePages({ maintenance }: { maintenance: MaintenanceSwitch }) {
  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    const page = async (request: FastifyRequest, reply: FastifyReply, values: Record<string, unknown>, errors: FieldError[], status = 200) => {
      const state = await maintenance.current();
      return sendPage(request, reply, 'admin-maintenance.njk', {
        title: 'Maintenance mode',
        state: state.on ? { ...state, detail: maintenanceDetail(state) } : state,
        durations: Object.entries(DURATIONS).map(([value, label]) => ({ value, text: label, checked: values.minutes === value })),
        confirmed: Array.isArray(values.confirm) && values.confirm.includes('yes'),
        changed: (request.query as { changed?: string }).changed ?? null,
        ...errorContext(errors),
      }, status);
    };

    app.get(PAGE, { config: admin }, (request, reply) => page(request, reply, {}, []));

    app.post(PAGE, { config: admin }, async (request, reply) => {
      const form = readForm(TURN_ON_FORM, TurnOn, request.body, { confirm: '#confirm' });
      if (!form.ok) return page(request, reply, form.values, form.errors, 400);
      try {
        await maintenance.turnOn(staffOf(request), new Date(Date.now() + Number(form.answer.minutes) * 60_000));
      } catch (err) {
        if (!(err instanceof Problem) || err.status !== 409) throw err;
        return page(request, reply, form.values, [{ field: 'minutes', href: '#minutes', message: err.detail }], 409);
      }
      return seeOther(reply, `${PAGE}?changed=on`);
    });

    app.post(`${PAGE}/end`, { config: admin }, async (request, reply) => {
      try {
        await maintenance.turnOff(staffOf(request));
      } catch (err) {
        if (!(err instanceof Problem) || err.status !== 409) throw err;
        return page(request, reply, {}, [{ field: 'end', href: '#end', message: err.detail }], 409);
      }
      return seeOther(reply, `${PAGE}?changed=off`);
    });
  };
}
