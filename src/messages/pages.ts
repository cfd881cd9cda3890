// Administrators' pages: the local message log, which is where the demo's messages to patients go instead of
// GOV.UK Notify.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import { ROLES } from '../http/access.ts';
import { sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { maskedMessageLog } from './message-log.ts';

const KIND_TEXT: Record<string, string> = {
  REFERRAL_LETTER: 'Referral letter',
  BOOKING_CONFIRMATION: 'Booking confirmation',
  APPOINTMENT_CANCELLED: 'Appointment cancelled',
  DEFERRED_TO_PROVIDER: 'Provider will contact the patient',
  CONTACT_BY_REMINDER: 'Contact-by reminder',
  DEFERRAL_OVERDUE: 'Deferral overdue',
};

export function messagePages({ database }: { database: Database }) {
  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));
    app.get('/admin/messages', { config: { access: ROLES('admin'), page: true } }, async (request, reply) => {
      const messages = (await maskedMessageLog(database.db, 100)).map((m) => ({ ...m, kindText: KIND_TEXT[m.kind] ?? m.kind }));
      return sendPage(request, reply, 'admin-messages.njk', { title: 'Messages sent', messages });
    });
  };
}
