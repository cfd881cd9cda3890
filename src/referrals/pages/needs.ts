// Communication needs, asked where each person is: the referrer, as an optional question of the new-referral
// journey (reached from check your answers, kept in the same draft); the patient, in Manage Your Referral, who can
// also print their booking confirmation in large print, in each version.
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Deps } from '../../deps.ts';
import type { Audience } from '../../domain/wording.ts';
import { patientOf, ROLES } from '../../http/access.ts';
import { draftPart } from '../../web/drafts.ts';
import { attempt, errorContext, type FieldError } from '../../web/forms.ts';
import { seeOther, sendPage } from '../../web/page.ts';
import { recordCommunicationNeeds } from '../communication-needs.ts';
import { sendConfirmationPdf } from '../letter.ts';
import { getReferral } from '../queries.ts';
import { needsChoices, needsValues, type NeedsValues, readNeeds } from './needs-form.ts';
import type { ReferralDraft } from './refer-forms.ts';
import { READS } from '../../http/read-audit.ts';

const staffPage = { access: ROLES('referrer', 'referral-centre'), page: true } as const;
const patientPage = { access: ROLES('patient'), page: true, audit: READS('referral') } as const;
const NEW_NEEDS = '/referrals/new/needs';
const CHECK = '/referrals/new/check';

export function needsPages(deps: Deps) {
  const { db } = deps.database;
  const draftOf = (request: FastifyRequest) => draftPart<ReferralDraft>(db, request, 'referral');

  const form = (request: FastifyRequest, reply: FastifyReply, audience: Audience, values: Partial<NeedsValues>, errors: FieldError[], status = 200) => {
    const you = audience === 'patient';
    return sendPage(request, reply, 'needs.njk', {
      title: you ? 'How we contact you' : 'Does the patient need information in another format?',
      caption: you ? null : 'Make a referral',
      back: you ? '/manage' : CHECK,
      action: you ? '/manage/needs' : NEW_NEEDS,
      you,
      values,
      ...errorContext(errors),
      ...needsChoices(values, audience),
    }, status);
  };

  return async function (app: FastifyInstance) {
    // The referrer: kept in the journey's draft, sent with the referral.
    app.get(NEW_NEEDS, { config: staffPage }, async (request, reply) => {
      const draft = (await draftOf(request).read()) ?? {};
      if (draft.created) return seeOther(reply, '/referrals/new/confirmation');
      if (!draft.patient) return seeOther(reply, '/referrals/new/patient');
      return form(request, reply, 'staff', draft.needs?.values ?? needsValues(null), []);
    });
    app.post(NEW_NEEDS, { config: staffPage }, async (request, reply) => {
      const part = draftOf(request);
      const draft = (await part.read()) ?? {};
      if (draft.created) return seeOther(reply, '/referrals/new/confirmation');
      if (!draft.patient) return seeOther(reply, '/referrals/new/patient');
      const read = readNeeds(request.body, 'staff');
      if (!read.ok) return form(request, reply, 'staff', read.values, read.errors, 400);
      await part.write({ ...draft, needs: { values: read.values, answer: read.answer } });
      return seeOther(reply, CHECK);
    });

    // The patient: recorded on the referral at once, as every later letter needs it.
    app.get('/manage/needs', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      const referral = await getReferral(deps, patient, patient.ubrn);
      return form(request, reply, 'patient', needsValues(referral.communicationNeeds), []);
    });
    app.post('/manage/needs', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      const read = readNeeds(request.body, 'patient');
      if (!read.ok) return form(request, reply, 'patient', read.values, read.errors, 400);
      const saved = await attempt(() => recordCommunicationNeeds(deps, patient, patient.ubrn, read.answer), { field: 'formats', href: '#formats' });
      if (!saved.ok) return form(request, reply, 'patient', read.values, saved.errors, 409);
      return seeOther(reply, '/manage?needs=saved');
    });

    app.get('/manage/booked/confirmation.pdf', { config: patientPage }, async (request, reply) => {
      const patient = patientOf(request);
      const referral = await getReferral(deps, patient, patient.ubrn);
      if (!referral.appointment) return seeOther(reply, '/manage');
      return sendConfirmationPdf(deps, request, reply, { ...referral, appointment: referral.appointment });
    });
  };
}
