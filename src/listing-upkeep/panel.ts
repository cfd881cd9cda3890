// What the provider's listings page (/provider/services, src/directory/pages.ts) shows of its listings that need
// attention: a warning callout at the top ("2 of your listings need attention") and, beside each flagged listing, a
// tag per flag with a sentence of its evidence. buildApp hands this to the directory's page.
import type { Deps } from '../deps.ts';
import type { ListingsAttention } from '../directory/pages.ts';
import { addViews, renderFragment } from '../web/render.ts';
import { providerFlags } from './flags.ts';

export function listingAttention(deps: Pick<Deps, 'database'>): ListingsAttention {
  addViews(new URL('./views', import.meta.url));
  return async (staff, listings) => {
    const flagged = await providerFlags(deps.database.db, staff);
    if (flagged.length === 0) return { notice: null, byListing: {} };
    const byListing: Record<string, string> = {};
    for (const l of flagged) byListing[l.id] = renderFragment('listing-flag-tags.njk', { listing: l });
    return { notice: renderFragment('listing-attention-notice.njk', { flagged, listings }), byListing };
  };
}
