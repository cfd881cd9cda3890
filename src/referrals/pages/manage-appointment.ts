// The booked appointment to take away: a calendar entry (.ics) and a confirmation to print, with directions. Only
// the signed-in patient's own appointment: the UBRN comes from the session, never from the request.
import type { FastifyInstance } from 'fastify';
import type { Deps } from '../../deps.ts';
import { patientOf, ROLES } from '../../http/access.ts';
import { seeOther, sendPage } from '../../web/page.ts';
import { appointmentCalendarFile, appointmentDetails } from '../appointment-details.ts';
import { getReferral } from '../queries.ts';
import { READS, auditReads } from '../../http/read-audit.ts';

const page = { access: ROLES('patient'), page: true, audit: READS('referral') } as const;

export function manageAppointmentPages(deps: Deps) {
  const own = async (request: Parameters<typeof patientOf>[0]) => {
    const patient = patientOf(request);
    const referral = await getReferral(deps, patient, patient.ubrn);
    return { referral, details: await appointmentDetails(deps, referral) };
  };

  return async function (app: FastifyInstance) {
    app.get('/manage/appointment.ics', { config: page }, async (request, reply) => {
      const { referral, details } = await own(request);
      if (!details) return seeOther(reply, '/manage');
      return reply
        .type('text/calendar; charset=utf-8')
        .header('content-disposition', 'attachment; filename="appointment.ics"')
        .header('cache-control', 'no-store')
        .send(appointmentCalendarFile(deps, referral, details));
    });

    app.get('/manage/confirmation', { config: page }, async (request, reply) => {
      const { referral, details } = await own(request);
      if (!details) return seeOther(reply, '/manage');
      return sendPage(request, reply, 'manage-confirmation.njk', {
        title: 'Your appointment confirmation',
        back: '/manage',
        appointment: details,
        ubrn: referral.ubrn,
        manageUrl: `${deps.config.publicUrl}/manage`,
        patientName: `${referral.patient.givenName} ${referral.patient.familyName}`,
      });
    });
  };
}
