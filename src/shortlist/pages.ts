// GET /: compare hospitals by waiting time and distance, from any postcode, with no sign-in.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../deps.ts';
import { PUBLIC } from '../http/access.ts';
import { listSpecialties } from '../reference/queries.ts';
import { attempt } from '../web/forms.ts';
import { sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { ENGINE_FIELDS, readCompareForm } from './compare-form.ts';
import { comparePageContext, type SpecialtyChoice } from './compare-view.ts';
import { buildShortlist } from './service.ts';
import { transportSupportByProvider, travelHelpContext } from './travel-help.ts';
import type { ShortlistAnswer, ShortlistRequest } from './types.ts';

/** Seams for tests; by default the shortlist engine and the reference data. */
export interface ComparePageSeams {
  shortlist?: (request: ShortlistRequest) => Promise<ShortlistAnswer>;
  specialties?: () => Promise<SpecialtyChoice[]>;
}

export function shortlistPages(deps: Deps, seams: ComparePageSeams = {}) {
  const shortlist = seams.shortlist ?? ((request: ShortlistRequest) => buildShortlist(deps, request));
  const specialties =
    seams.specialties ?? (async () => (await listSpecialties(deps.database.db, { listedOnly: true })).map(({ code, name }) => ({ code, name })));

  return async function (app: FastifyInstance): Promise<void> {
    addViews(new URL('./views', import.meta.url));

    app.get('/', { config: { access: PUBLIC('comparing services reveals no patient data; the form is for anyone'), page: true } }, async (request, reply) => {
      const choices = await specialties();
      const form = readCompareForm(request.query, new Set(choices.map((s) => s.code)));
      if (form.kind === 'empty') return sendPage(request, reply, 'compare.njk', comparePageContext({ values: form.values, specialties: choices }));
      if (form.kind === 'invalid') {
        return sendPage(request, reply, 'compare.njk', comparePageContext({ values: form.values, specialties: choices, errors: form.errors }), form.status);
      }
      const found = await attempt(() => shortlist(form.request), { field: 'postcode', fields: ENGINE_FIELDS });
      if (!found.ok) {
        return sendPage(request, reply, 'compare.njk', comparePageContext({ values: form.values, specialties: choices, errors: found.errors }), found.status === 400 ? 400 : 422);
      }
      const transport = await transportSupportByProvider(deps.database.db, found.value.options.map((o) => o.service.provider.odsCode));
      return sendPage(request, reply, 'compare.njk', {
        ...comparePageContext({ values: form.values, specialties: choices, answer: found.value }),
        ...travelHelpContext(transport),
      });
    });
  };
}
