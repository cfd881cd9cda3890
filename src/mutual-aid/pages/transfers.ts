// The transfers a match run proposed into and out of a provider, with why; the receiving provider accepts one, or
// declines it with a reason.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../../deps.ts';
import { recordId } from '../../domain/codes.ts';
import { kmToMiles } from '../../domain/distance.ts';
import { ROLES, staffOf } from '../../http/access.ts';
import type { StaffPrincipal } from '../../http/principal.ts';
import { attempt, errorContext, type FieldError, oneOfKeys, readForm, text } from '../../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../../web/page.ts';
import { READS, auditReads } from '../../http/read-audit.ts';
import { DECLINE_REASONS, decideTransfer, type TransferItem, transfersFor } from '../transfers.ts';

const provider = { access: ROLES('provider'), page: true } as const;
const TRANSFERS = '/provider/mutual-aid/transfers';

const SCOPE_TEXT = { ICB: 'Within the integrated care board', NATIONAL: 'Nationally' } as const;

const DECLINE_FIELDS = { reason: text(40) };
const declineSchema = z.object({ reason: oneOfKeys(DECLINE_REASONS, 'Select why you are declining the transfer') });

/** A transfer as the page shows it: distances in miles too, for the miles filter. */
const withMiles = (t: TransferItem) => ({
  ...t,
  distanceMiles: kmToMiles(t.distanceKm),
  alternatives: t.explanation.alternatives.map((a) => ({ ...a, distanceMiles: kmToMiles(a.distanceKm) })),
});

export function transferPages(deps: Deps) {
  const incomingProposed = async (staff: StaffPrincipal, raw: string) => {
    const id = recordId(raw);
    if (id === null) return null;
    return (await transfersFor(deps, staff)).incoming.find((t) => t.id === id && t.status === 'PROPOSED') ?? null;
  };

  const declinePage = (request: FastifyRequest, reply: FastifyReply, t: TransferItem, reason: string, errors: readonly FieldError[] = [], status = 200) =>
    sendPage(request, reply, 'mutual-aid-decline.njk', {
      title: 'Why are you declining this transfer?',
      back: TRANSFERS,
      transfer: t,
      ...errorContext(errors),
      items: Object.entries(DECLINE_REASONS).map(([value, text]) => ({ value, text, checked: value === reason })),
    }, status);

  return async function (app: FastifyInstance) {
    app.get(TRANSFERS, { config: { ...provider, audit: READS('transfers') } }, async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const { incoming, outgoing } = await transfersFor(deps, staffOf(request));
      auditReads(request, [...incoming, ...outgoing]);
      return sendPage(request, reply, 'mutual-aid-transfers.njk', {
        title: 'Proposed transfers',
        back: '/provider/mutual-aid',
        outcome: query.accepted ? 'You accepted the transfer. The patient has been offered the move and will say whether they accept.'
          : query.declined ? 'You declined the transfer. The patient goes back into the pool for the next matching run.' : null,
        problem: query.problem === 'decided' ? 'That transfer is no longer waiting for your decision.' : null,
        incoming: incoming.map(withMiles),
        outgoing: outgoing.map(withMiles),
        scopeText: SCOPE_TEXT,
      });
    });

    app.post<{ Params: { id: string } }>(`${TRANSFERS}/:id/accept`, { config: provider }, async (request, reply) => {
      const id = recordId(request.params.id);
      if (id === null) return notFoundPage(request, reply);
      const accepted = await attempt(() => decideTransfer(deps, staffOf(request), id, 'ACCEPT', null), { field: 'transfer' });
      if (!accepted.ok && accepted.status === 404) return notFoundPage(request, reply);
      if (!accepted.ok && accepted.status === 409) return seeOther(reply, `${TRANSFERS}?problem=decided`);
      if (!accepted.ok) throw accepted.problem;
      return seeOther(reply, `${TRANSFERS}?accepted=${id}`);
    });

    app.get<{ Params: { id: string } }>(`${TRANSFERS}/:id/decline`, { config: { ...provider, audit: READS('transfers') } }, async (request, reply) => {
      const t = await incomingProposed(staffOf(request), request.params.id);
      if (!t) return notFoundPage(request, reply);
      auditReads(request, [t]);
      return declinePage(request, reply, t, '');
    });
    app.post<{ Params: { id: string } }>(`${TRANSFERS}/:id/decline`, { config: provider }, async (request, reply) => {
      const staff = staffOf(request);
      const t = await incomingProposed(staff, request.params.id);
      if (!t) return notFoundPage(request, reply);
      const form = readForm(DECLINE_FIELDS, declineSchema, request.body);
      if (!form.ok) return declinePage(request, reply, t, form.values.reason, form.errors, 400);
      const declined = await attempt(() => decideTransfer(deps, staff, t.id, 'DECLINE', form.answer.reason), { field: 'reason' });
      if (!declined.ok) return declinePage(request, reply, t, form.values.reason, declined.errors, declined.status);
      return seeOther(reply, `${TRANSFERS}?declined=${t.id}`);
    });
  };
}
