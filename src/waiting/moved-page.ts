// "Your referral has moved": the page after a pathway moved to another provider, with the new reference number
// and (once only) the new access code. The faster alternative shows it, and so do the PIDMAS pages when the patient
// accepts an offer to move: they send it through here rather than naming this feature's view.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendPage } from '../web/page.ts';
import { addViews } from '../web/render.ts';

/** What a move made, as its confirmation shows it; the access code is null once it has been shown. */
export interface Moved {
  previousUbrn: string;
  ubrn: string;
  accessCode: string | null;
  service: string;
  provider: string;
}

/** Who the page is for: the patient (after a faster alternative, or an accepted PIDMAS offer), or their referrer. */
export type MovedReader =
  | { patient: true; pidmas: boolean }
  | { patient: false; patientName: string; letterHref: string };

export function sendMovedPage(request: FastifyRequest, reply: FastifyReply, moved: Moved, reader: MovedReader): FastifyReply {
  addViews(new URL('./views', import.meta.url));
  return sendPage(request, reply, 'waiting-moved.njk', { title: reader.patient ? 'Your referral has moved' : 'The referral has moved', moved, ...reader });
}
