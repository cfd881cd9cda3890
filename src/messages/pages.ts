// Administrators' pages: the local message log, which is where the demo's messages to patients go instead of
// GOV.UK Notify.
import type { FastifyInstance } from 'fastify';
import type { Database } from '../db/database.ts';
import type { MessageChannel, MessageKind } from '../db/schema.ts';
import { ROLES } from '../http/access.ts';
import { READS, auditReads } from '../http/read-audit.ts';
import { sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';
import { maskedMessageLog } from './message-log.ts';

// Words for every kind of message: the compiler refuses a new kind without them, so no heading shows a raw code.
export const KIND_TEXT: Readonly<Record<MessageKind, string>> = {
  REFERRAL_LETTER: 'Referral letter',
  BOOKING_CONFIRMATION: 'Booking confirmation',
  APPOINTMENT_CANCELLED: 'Appointment cancelled',
  DEFERRED_TO_PROVIDER: 'Provider will contact the patient',
  CONTACT_BY_REMINDER: 'Contact-by reminder',
  DEFERRAL_OVERDUE: 'Deferral overdue',
  PIDMAS_INVITATION: 'Invitation to ask to move provider',
  PIDMAS_OFFER: 'Offer to move provider',
  PIDMAS_NO_MATCH: 'No provider found to move to yet',
  PIDMAS_NOT_SUITABLE: 'Request to move provider not suitable',
  TRANSFERRED: 'Referral moved to another provider',
  SURVEY_INVITATION: 'Invitation to the survey of meaningful choice',
};

const CHANNEL_TEXT: Readonly<Record<MessageChannel, string>> = { letter: 'letter', email: 'email', sms: 'text message' };

export function messagePages({ database }: { database: Database }) {
  return async function (app: FastifyInstance) {
    addViews(new URL('./views', import.meta.url));
    app.get('/admin/messages', { config: { access: ROLES('admin'), page: true, audit: READS('messages') } }, async (request, reply) => {
      const log = await maskedMessageLog(database.db, 100);
      auditReads(request, log);
      const messages = log.map((m) => ({ ...m, kindText: KIND_TEXT[m.kind], channelText: CHANNEL_TEXT[m.channel] }));
      return sendPage(request, reply, 'admin-messages.njk', { title: 'Messages sent', messages });
    });
  };
}
