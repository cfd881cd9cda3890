// The worklist pages' one way of searching: the query (?q=, ?state=, ?page=, ?size=) read into a search, and the
// search's page of referrals into what _staff-worklist.njk shows (the filters with their counts, the rows, the NHS
// pagination). Used by the referrer's and referral centre's /referrals and the provider's /provider/referrals/find.
import type { Deps } from '../../deps.ts';
import { isStateGroup, STATE_GROUP_NAMES, STATE_GROUPS, type StateGroup } from '../../domain/referral-status.ts';
import { RETURNED_OUTCOMES } from '../../domain/triage.ts';
import type { Principal } from '../../http/principal.ts';
import { STATUS_FOR_STAFF, TRIAGE_OUTCOME_FOR_STAFF } from '../wording.ts';
import { countsByGroup, searchWorklist, statusesOf, type WorklistItem } from '../worklist.ts';

/** Referrals a page, unless the address asks for another size (within limits). */
export const PAGE_SIZE = 25;
const MAX_PAGE_SIZE = 100;

export interface WorklistQuery {
  q: string;
  state: StateGroup | 'all';
  page: number;
  size: number;
}

const one = (v: unknown): string => (typeof v === 'string' ? v : Array.isArray(v) && typeof v[0] === 'string' ? v[0] : '');
const wholeNumber = (v: unknown, fallback: number, max: number) => {
  const n = Number(one(v));
  return Number.isInteger(n) && n >= 1 ? Math.min(n, max) : fallback;
};

/** The query as the address gives it; anything unknown or malformed reads as its default (everything, page 1). */
export function readWorklistQuery(query: unknown): WorklistQuery {
  const raw = (query ?? {}) as Record<string, unknown>;
  const state = one(raw.state);
  return {
    q: one(raw.q).trim().slice(0, 100),
    state: isStateGroup(state) ? state : 'all',
    page: wholeNumber(raw.page, 1, 100_000),
    size: wholeNumber(raw.size, PAGE_SIZE, MAX_PAGE_SIZE),
  };
}

/** The address of the worklist with this query, leaving out what is the default. */
export function worklistHref(path: string, query: WorklistQuery): string {
  const params = new URLSearchParams();
  if (query.q) params.set('q', query.q);
  if (query.state !== 'all') params.set('state', query.state);
  if (query.page > 1) params.set('page', String(query.page));
  if (query.size !== PAGE_SIZE) params.set('size', String(query.size));
  const s = params.toString();
  return s ? `${path}?${s}` : path;
}

/** A rejected referral that the referral assessment service sent back (advice, a redirection) reads as that, not as a provider's rejection. */
function statusText(i: WorklistItem): string {
  const returned = i.status === 'REJECTED' && i.triageOutcome && RETURNED_OUTCOMES.includes(i.triageOutcome);
  return returned ? TRIAGE_OUTCOME_FOR_STAFF[i.triageOutcome!] : STATUS_FOR_STAFF[i.status];
}

export type WorklistView = Awaited<ReturnType<typeof worklistView>>;

/**
 * What the worklist shows for this query; `lastPage` is set instead when the page asked for is past the end (the
 * page then sends the browser there).
 */
export async function worklistView(deps: Deps, principal: Principal, path: string, query: WorklistQuery) {
  const { db } = deps.database;
  const statuses = query.state === 'all' ? undefined : statusesOf([query.state]);
  const [found, counts] = await Promise.all([
    searchWorklist(db, principal, { q: query.q, statuses, offset: (query.page - 1) * query.size, limit: query.size }),
    countsByGroup(db, principal, query.q),
  ]);
  const pages = Math.max(1, Math.ceil(found.total / query.size));
  const all = Object.values(counts).reduce((a, b) => a + b, 0);
  const href = (changes: Partial<WorklistQuery>) => worklistHref(path, { ...query, ...changes });
  return {
    lastPage: query.page > pages ? href({ page: pages }) : null,
    path,
    q: query.q,
    state: query.state,
    stateWords: query.state === 'all' ? 'All states' : STATE_GROUPS[query.state].words,
    size: query.size === PAGE_SIZE ? null : query.size,
    clearHref: href({ q: '', page: 1 }),
    filters: [
      { name: 'all', words: 'All states', count: all, href: href({ state: 'all', page: 1 }), current: query.state === 'all' },
      ...STATE_GROUP_NAMES.map((g) => ({ name: g, words: STATE_GROUPS[g].words, count: counts[g], href: href({ state: g, page: 1 }), current: query.state === g })),
    ],
    rows: found.items.map((i) => ({ ...i, statusText: statusText(i) })),
    total: found.total,
    first: found.total === 0 ? 0 : found.offset + 1,
    last: found.offset + found.items.length,
    page: query.page,
    pages,
    previous: query.page > 1 ? { href: href({ page: query.page - 1 }), labelText: `${query.page - 1} of ${pages}` } : null,
    next: query.page < pages ? { href: href({ page: query.page + 1 }), labelText: `${query.page + 1} of ${pages}` } : null,
  };
}
