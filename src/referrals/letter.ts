// The patient's letter, to print: their reference number and access code (which exist in clear only when the
// referral is made or moved, so this page is shown then and only then) and the services they can choose from.
import type { FastifyReply, FastifyRequest } from 'fastify';
import { sendPage } from '../web/page.ts';
import type { Referral } from './schemas.ts';

export function sendLetter(request: FastifyRequest, reply: FastifyReply, referral: Referral, accessCode: string, back: string): FastifyReply {
  return sendPage(request, reply, 'letter.njk', { title: 'Your NHS referral', referral, accessCode, back });
}
