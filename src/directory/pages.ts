// The provider's pages for its listings in the directory: its services, one listing with its history, changing
// it, withdrawing it (and listing it again), and listing a specialty at one of its sites.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Database } from '../db/database.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { isStalePreview } from '../http/preview.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { attempt, errorContext, type FieldError, foundOrNull } from '../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { type ListingValues, listingValues, type NewListingValues, readListing, readNewListing, readWithdrawal, readWithdrawalConfirmation } from './listing-form.ts';
import {
  createListing, editListing, type Listing, listableSpecialties, listingHistory, listingOf, listingsOf, previewListingWithdrawal, relistListing, sitesOf,
  withdrawListing,
} from './listings.ts';
import type { DirectoryCache } from './snapshot.ts';

const page = { access: ROLES('provider'), page: true } as const;

/** A listing's fields as the history names them. */
const FIELD_NAMES: Record<string, string> = {
  name: 'name', clinicType: 'clinic type', directlyBookable: 'directly bookable', minAge: 'lowest age', maxAge: 'highest age',
  sex: 'who it sees', consultantTeam: 'consultant-led team', accessibility: 'accessibility', indicativeWait: 'indicative wait',
};
type Done = { done?: string };
const STALE = 'The patients relying on this listing changed since you checked, so it was not withdrawn. Check what will happen now, then confirm again';

// Where a problem the service raises about a field belongs on the listing form.
const LISTING_PROBLEMS = {
  field: 'name',
  fields: { maxAge: { field: 'maxAge' }, 'indicativeWait.asOf': { field: 'waitAsOf', href: '#waitAsOf-day' } },
};

/**
 * Another feature's word on the provider's listings (listing upkeep's flags): a notice for the top of the page and
 * a fragment per listing id, both HTML; buildApp hands it in, so this page knows nothing of the feature behind it.
 */
export type ListingsAttention = (staff: StaffPrincipal, listings: number) => Promise<{ notice: string | null; byListing: Record<string, string> }>;
const NO_ATTENTION: ListingsAttention = async () => ({ notice: null, byListing: {} });

export function directoryPages(deps: { database: Database; directory: DirectoryCache }, panels: { attention?: ListingsAttention } = {}) {
  const attention = panels.attention ?? NO_ATTENTION;
  const { db } = deps.database;
  const href = (l: { id: string }) => `/provider/services/${encodeURIComponent(l.id)}`;
  const own = (request: FastifyRequest, id: string) => foundOrNull(() => listingOf(db, staffOf(request), id));

  const listingPage = async (request: FastifyRequest, reply: FastifyReply, listing: Listing, done: string | undefined) =>
    sendPage(request, reply, 'provider-listing.njk', {
      title: listing.name,
      back: '/provider/services',
      listing,
      history: (await listingHistory(db, listing.id)).map((h) => ({ ...h, fields: Object.keys(h.changes).map((k) => FIELD_NAMES[k] ?? k) })),
      done: ['edited', 'withdrawn', 'relisted', 'listed'].includes(done ?? '') ? done : null,
    });

  const editPage = (request: FastifyRequest, reply: FastifyReply, listing: Listing, values: ListingValues, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'provider-listing-edit.njk', { title: 'Change the listing', back: href(listing), listing, values, ...errorContext(errors) }, status);

  const checkPage = async (request: FastifyRequest, reply: FastifyReply, listing: Listing, reason: string, errors: FieldError[], status = 200) => {
    const preview = await previewListingWithdrawal(db, staffOf(request), listing.id);
    return sendPage(request, reply, 'provider-listing-withdraw-check.njk', {
      title: 'Withdraw this listing from the directory?', back: `${href(listing)}/withdraw`, listing, preview, reason, ...errorContext(errors),
    }, status);
  };

  const withdrawPage = (request: FastifyRequest, reply: FastifyReply, listing: Listing, reason: string, errors: FieldError[], status = 200) =>
    sendPage(request, reply, 'provider-listing-withdraw.njk', {
      title: 'Why are you withdrawing this listing?', back: href(listing), listing, reason, ...errorContext(errors),
    }, status);

  const newPage = async (request: FastifyRequest, reply: FastifyReply, values: NewListingValues, errors: FieldError[], status = 200) => {
    const [specialties, sites] = await Promise.all([listableSpecialties(db), sitesOf(db, staffOf(request))]);
    return sendPage(request, reply, 'provider-listing-new.njk', {
      title: 'List a specialty at one of your sites',
      back: '/provider/services',
      specialties: [{ value: '', text: 'Choose a specialty' }, ...specialties.map((s) => ({ value: s.code, text: s.name, selected: s.code === values.specialtyCode }))],
      sites: sites.map((s) => ({ value: s.ods_code, text: s.name, hint: { text: s.postcode ?? s.ods_code }, checked: s.ods_code === values.siteOdsCode })),
      ...errorContext(errors),
    }, status);
  };

  // This instance answers from the changed directory at once; others within DIRECTORY_REFRESH_MS.
  const changed = async () => void (await deps.directory.refresh());

  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    app.get('/provider/services', { config: page }, async (request, reply) => {
      const listings = await listingsOf(db, staffOf(request));
      return sendPage(request, reply, 'provider-listings.njk', {
        title: 'Your services in the directory', back: '/provider', listings, attention: await attention(staffOf(request), listings.length),
      });
    });

    app.get('/provider/services/new', { config: page }, async (request, reply) => newPage(request, reply, { specialtyCode: '', siteOdsCode: '' }, []));

    app.post('/provider/services/new', { config: page }, async (request, reply) => {
      const form = readNewListing(request.body);
      if (!form.ok) return newPage(request, reply, form.values, form.errors, 400);
      const created = await attempt(() => createListing(db, staffOf(request), form.answer), {
        field: 'siteOdsCode', fields: { siteOdsCode: {}, specialtyCode: {} },
      });
      if (!created.ok) return newPage(request, reply, form.values, created.errors, created.status);
      await changed();
      return seeOther(reply, `${href(created.value)}?done=listed`);
    });

    app.get<{ Params: { id: string }; Querystring: Done }>('/provider/services/:id', { config: page }, async (request, reply) => {
      const listing = await own(request, request.params.id);
      if (!listing) return notFoundPage(request, reply);
      return listingPage(request, reply, listing, request.query.done);
    });

    app.get<{ Params: { id: string } }>('/provider/services/:id/edit', { config: page }, async (request, reply) => {
      const listing = await own(request, request.params.id);
      if (!listing) return notFoundPage(request, reply);
      return editPage(request, reply, listing, listingValues(listing), []);
    });

    app.post<{ Params: { id: string } }>('/provider/services/:id/edit', { config: page }, async (request, reply) => {
      const listing = await own(request, request.params.id);
      if (!listing) return notFoundPage(request, reply);
      const form = readListing(request.body);
      if (!form.ok) return editPage(request, reply, listing, form.values, form.errors, 400);
      const edited = await attempt(() => editListing(db, staffOf(request), listing.id, form.answer), LISTING_PROBLEMS);
      if (!edited.ok) return editPage(request, reply, listing, form.values, edited.errors, edited.status);
      await changed();
      return seeOther(reply, `${href(listing)}?done=edited`);
    });

    app.get<{ Params: { id: string } }>('/provider/services/:id/withdraw', { config: page }, async (request, reply) => {
      const listing = await own(request, request.params.id);
      if (!listing) return notFoundPage(request, reply);
      if (!listing.active) return seeOther(reply, href(listing));
      return withdrawPage(request, reply, listing, '', []);
    });

    app.post<{ Params: { id: string } }>('/provider/services/:id/withdraw', { config: page }, async (request, reply) => {
      const listing = await own(request, request.params.id);
      if (!listing) return notFoundPage(request, reply);
      const form = readWithdrawal(request.body);
      if (!form.ok) return withdrawPage(request, reply, listing, form.values.reason, form.errors, 400);
      // Not yet: the check page says how many patients rely on the listing, and confirming withdraws it.
      return checkPage(request, reply, listing, form.answer.reason, []);
    });

    app.post<{ Params: { id: string } }>('/provider/services/:id/withdraw/confirm', { config: page }, async (request, reply) => {
      const listing = await own(request, request.params.id);
      if (!listing) return notFoundPage(request, reply);
      const form = readWithdrawalConfirmation(request.body);
      // Hidden answers edited by hand, or no version of what was shown: start again.
      if (!form.ok) return seeOther(reply, `${href(listing)}/withdraw`);
      const { reason, previewVersion } = form.answer;
      const withdrawn = await attempt(() => withdrawListing(db, staffOf(request), listing.id, reason, previewVersion), { field: 'reason' });
      if (!withdrawn.ok && isStalePreview(withdrawn.problem)) {
        return checkPage(request, reply, listing, reason, [{ field: 'preview', href: '#preview-summary', message: STALE }], 409);
      }
      if (!withdrawn.ok) return withdrawPage(request, reply, listing, reason, withdrawn.errors, withdrawn.status);
      await changed();
      return seeOther(reply, `${href(listing)}?done=withdrawn`);
    });

    app.post<{ Params: { id: string } }>('/provider/services/:id/relist', { config: page }, async (request, reply) => {
      const listing = await own(request, request.params.id);
      if (!listing) return notFoundPage(request, reply);
      // Listed already (a second click): the listing page says so; nothing to report.
      if (listing.active) return seeOther(reply, href(listing));
      await relistListing(db, staffOf(request), listing.id);
      await changed();
      return seeOther(reply, `${href(listing)}?done=relisted`);
    });
  };
}
