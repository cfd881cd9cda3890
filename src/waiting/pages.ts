// The faster alternative, in the pages: the patient (signed in at /manage) and their referrer (on the referral's
// page) see why the patient may ask, choose one of the services that can see them sooner, check, and the pathway
// moves; the confirmation shows the new reference number, and the referrer can print the patient's new letter.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Deps } from '../deps.ts';
import { isUbrn } from '../domain/ubrn.ts';
import { patientOf, ROLES, staffOf } from '../http/access.ts';
import { sendLetter } from '../referrals/letter.ts';
import { getReferral } from '../referrals/queries.ts';
import { draftPart } from '../web/drafts.ts';
import { attempt, foundOrNull, readForm } from '../web/forms.ts';
import { notFoundPage, seeOther, sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { chooseAlternative, type FoundAlternatives, findAlternatives } from './alternatives.ts';
import { CHOICE_FIELDS, choiceSchema, confirmContext, type FasterJourney, fasterContext } from './faster-view.ts';
import { type Moved, sendMovedPage } from './moved-page.ts';
import { READS } from '../http/read-audit.ts';

const patientPage = { access: ROLES('patient'), page: true, audit: READS('referral') } as const;
const referrerPage = { access: ROLES('referrer', 'referral-centre'), page: true, audit: READS('referral') } as const;

const PATIENT_JOURNEY: FasterJourney = { audience: 'patient', base: '/manage/faster', back: '/manage', moved: '/manage/faster/moved' };
const referrerJourney = (ubrn: string): FasterJourney => ({ audience: 'staff', base: `/referrals/${ubrn}/faster`, back: `/referrals/${ubrn}`, moved: `/referrals/${ubrn}/faster/moved` });

/** The referral's alternatives, and whose pages they are shown on; null when the reader may not see the referral. */
type Opened = { found: FoundAlternatives; journey: FasterJourney } | null;

export function waitingPages(deps: Deps) {
  const { db } = deps.database;
  /** The last move made in this session, kept for its confirmation (and the referrer's letter). */
  const lastMove = (request: FastifyRequest) => draftPart<Moved>(db, request, 'faster');

  /** The choice, its check page, and the move: the same pages for the patient and the referrer. */
  function fasterRoutes(app: FastifyInstance, url: string, config: typeof patientPage | typeof referrerPage, open: (request: FastifyRequest) => Promise<Opened>) {
    const opened = (handle: (request: FastifyRequest, reply: FastifyReply, o: NonNullable<Opened>) => Promise<FastifyReply>) =>
      async (request: FastifyRequest, reply: FastifyReply) => {
        const o = await open(request);
        return o ? handle(request, reply, o) : notFoundPage(request, reply);
      };
    const serviceIdOf = (request: FastifyRequest) => String((request.query as { serviceId?: unknown }).serviceId ?? '');

    app.get(url, { config }, opened(async (request, reply, { found, journey }) => sendPage(request, reply, 'waiting-faster.njk', fasterContext(found, journey, serviceIdOf(request)))));
    app.post(url, { config }, opened(async (request, reply, { found, journey }) => {
      const form = readForm(CHOICE_FIELDS, choiceSchema(found, journey.audience), request.body);
      if (!form.ok) return sendPage(request, reply, 'waiting-faster.njk', fasterContext(found, journey, '', form.errors), 400);
      return seeOther(reply, `${journey.base}/confirm?serviceId=${encodeURIComponent(form.answer.serviceId)}`);
    }));
    app.get(`${url}/confirm`, { config }, opened(async (request, reply, { found, journey }) => {
      const choice = found.alternatives.find((a) => a.service.id === serviceIdOf(request));
      if (!choice) return seeOther(reply, journey.base);
      return sendPage(request, reply, 'waiting-faster-confirm.njk', confirmContext(choice, journey));
    }));
    app.post(`${url}/confirm`, { config }, opened(async (request, reply, { found, journey }) => {
      const { serviceId } = readForm(CHOICE_FIELDS, z.object({ serviceId: z.string() }), request.body).values;
      const last = lastMove(request);
      // Sent twice: the first one moved it.
      if ((await last.read())?.previousUbrn === found.ubrn) return seeOther(reply, journey.moved);
      const choice = found.alternatives.find((a) => a.service.id === serviceId);
      if (!choice) return seeOther(reply, journey.base);
      const moved = await attempt(() => chooseAlternative(deps, request.principal!, found.ubrn, serviceId), { field: 'serviceId', href: '#check-alternative' });
      if (!moved.ok) return sendPage(request, reply, 'waiting-faster-confirm.njk', confirmContext(choice, journey, moved.errors), moved.status === 409 ? 409 : 422);
      const m = moved.value;
      await last.write({ previousUbrn: m.previousUbrn, ubrn: m.ubrn, accessCode: m.accessCode, service: m.service.name, provider: m.service.provider.name });
      return seeOther(reply, journey.moved);
    }));
  }

  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));

    // ------------------------------------------------------------ the patient
    fasterRoutes(app, '/manage/faster', patientPage, async (request) => {
      const patient = patientOf(request);
      return { found: await findAlternatives(deps, patient, patient.ubrn), journey: PATIENT_JOURNEY };
    });
    app.get('/manage/faster/moved', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      const last = lastMove(request);
      const shown = await last.read();
      // The session followed the pathway to the new referral.
      if (!shown || shown.ubrn !== patient.ubrn) return seeOther(reply, '/manage');
      // The access code is shown once; it is also in the letter sent by post.
      if (shown.accessCode) await last.write({ ...shown, accessCode: null });
      return sendMovedPage(request, reply, shown, { patient: true, pidmas: false });
    });

    // ------------------------------------------------------------ the referrer
    fasterRoutes(app, '/referrals/:ubrn/faster', referrerPage, async (request) => {
      const { ubrn } = request.params as { ubrn: string };
      if (!isUbrn(ubrn)) return null;
      const found = await foundOrNull(() => findAlternatives(deps, staffOf(request), ubrn));
      return found && { found, journey: referrerJourney(ubrn) };
    });
    /** The move this session made from the referral in the address, with the new referral (for its letter). */
    const movedFrom = async (request: FastifyRequest<{ Params: { ubrn: string } }>) => {
      const moved = await lastMove(request).read();
      if (!moved || moved.previousUbrn !== request.params.ubrn) return null;
      return { moved, referral: await getReferral(deps, staffOf(request), moved.ubrn) };
    };
    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn/faster/moved', { config: referrerPage }, async (request, reply) => {
      const found = await movedFrom(request);
      if (!found) return seeOther(reply, `/referrals/${encodeURIComponent(request.params.ubrn)}`);
      const { moved, referral } = found;
      return sendMovedPage(request, reply, moved, {
        patient: false,
        patientName: `${referral.patient.givenName} ${referral.patient.familyName}`,
        letterHref: `/referrals/${moved.previousUbrn}/faster/letter`,
      });
    });
    app.get<{ Params: { ubrn: string } }>('/referrals/:ubrn/faster/letter', { config: referrerPage }, async (request, reply) => {
      const found = await movedFrom(request);
      if (!found?.moved.accessCode) return seeOther(reply, `/referrals/${encodeURIComponent(request.params.ubrn)}`);
      return sendLetter(deps, request, reply, found.referral, found.moved.accessCode, { href: `/referrals/${found.moved.previousUbrn}/faster/letter`, pdfHref: null, back: `/referrals/${found.moved.previousUbrn}/faster/moved` });
    });
  };
}
