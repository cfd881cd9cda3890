// The ICB's page of listings that need attention: /commissioner/listings?flag=&provider=&icb=. Wiring only: the scope
// (src/choice/icb-scope.ts), the filter and the flags (flags.ts), then the view.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Icb, icbInScope, listIcbs } from '../choice/icb-scope.ts';
import type { Deps } from '../deps.ts';
import { FLAG_KINDS, FLAG_WORDS, UPKEEP } from '../domain/listing-upkeep.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { type FieldError, sentence } from '../web/forms.ts';
import { sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { type FlagFilter, icbFlaggedProviders, icbFlags, OFFERED_WITHIN_DAYS, readFlagFilter } from './flags.ts';

const page = { access: ROLES('commissioner', 'admin'), page: true } as const;
type Query = { flag?: string | string[]; provider?: string | string[]; icb?: string | string[] };
/** A query parameter given twice counts once, by its first value. */
const first = (v: unknown): string => String((Array.isArray(v) ? v[0] : v) ?? '');

const HREF: Record<string, string> = { flag: '#flag', provider: '#provider', icb: '#icb' };

export function listingUpkeepPages(deps: Pick<Deps, 'database'>) {
  const { db } = deps.database;

  const show = async (request: FastifyRequest<{ Querystring: Query }>, reply: FastifyReply) => {
    const staff = staffOf(request);
    const q = { flag: first(request.query.flag), provider: first(request.query.provider), icb: first(request.query.icb) };
    const icbs = staff.role === 'admin' ? await listIcbs(db) : null;
    const base = {
      title: 'Listings that need attention', back: '/commissioner', upkeep: UPKEEP, offeredWithinDays: OFFERED_WITHIN_DAYS,
      values: q,
      icbs: icbs?.map((i) => ({ value: i.odsCode, text: `${i.name} (${i.odsCode})`, selected: i.odsCode === q.icb.trim().toUpperCase() })) ?? null,
    };
    const refused = (p: Problem) => {
      const errors: FieldError[] = (p.errors ?? [{ field: 'icb', message: p.detail }]).map((e) => ({ field: e.field, href: HREF[e.field] ?? '#flag', message: sentence(p.detail) }));
      return sendPage(request, reply, 'commissioner-listings.njk', {
        ...base, flagOptions: flagOptions(base.values.flag), providerOptions: [{ value: '', text: 'All providers' }], providers: null,
        errors, errorList: errors.map((e) => ({ text: e.message, href: e.href })), err: Object.fromEntries(errors.map((e) => [e.field, { text: e.message }])),
      }, p.status);
    };
    // An admin who has not chosen an ICB yet is asked to choose one.
    if (staff.role === 'admin' && !q.icb.trim()) {
      return sendPage(request, reply, 'commissioner-listings.njk', { ...base, chooseIcb: true, flagOptions: flagOptions(''), providerOptions: [{ value: '', text: 'All providers' }], providers: null });
    }
    let icb: Icb;
    let filter: FlagFilter;
    try {
      icb = await icbInScope(db, staff, q.icb);
      filter = readFlagFilter(q);
    } catch (err) {
      if (err instanceof Problem && err.status < 500) return refused(err);
      throw err;
    }
    const [providers, all] = await Promise.all([icbFlags(db, icb.odsCode, filter), icbFlaggedProviders(db, icb.odsCode)]);
    const listings = providers.reduce((n, p) => n + p.listings.length, 0);
    return sendPage(request, reply, 'commissioner-listings.njk', {
      ...base, icb, filter, providers, listings,
      flagOptions: flagOptions(filter.flag ?? ''),
      providerOptions: [
        { value: '', text: 'All providers' },
        ...all.map((p) => ({ value: p.odsCode, text: `${p.name} (${p.odsCode})`, selected: p.odsCode === filter.provider })),
        // A provider named in the address but with nothing flagged stays chosen, so the empty answer reads right.
        ...(filter.provider && !all.some((p) => p.odsCode === filter.provider) ? [{ value: filter.provider, text: filter.provider, selected: true }] : []),
      ],
    });
  };

  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));
    app.get<{ Querystring: Query }>('/commissioner/listings', { config: page }, show);
  };
}

function flagOptions(chosen: string) {
  return [
    { value: '', text: 'Every kind of flag' },
    ...FLAG_KINDS.map((k) => ({ value: k, text: FLAG_WORDS[k].tag, selected: k === chosen.trim().toUpperCase() })),
  ];
}
