// The forms that book an appointment from a page: the referrer's choice of slot, and the patient's "book it" on the
// check page. Each form shown carries a new key, so sending it twice books once, as the API's Idempotency-Key does.
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { isUuid } from '../../domain/codes.ts';
import type { IdempotencyContext } from '../../http/idempotency.ts';
import type { Principal } from '../../http/principal.ts';
import { readForm, text } from '../../web/forms.ts';

const FORM_KEY = /^[\w-]{8,64}$/;
const isFormKey = (key: string) => FORM_KEY.test(key);

const SLOT_CHOICE_FIELDS = { slotId: text(40), idempotencyKey: text(64) };

/** The referrer's choice among the free slots; every problem is shown against the choice. */
export function readSlotChoice(body: unknown) {
  const schema = z.object({ slotId: z.string(), idempotencyKey: z.string() }).superRefine(({ slotId, idempotencyKey }, ctx) => {
    const message = !isUuid(slotId) ? 'Select an appointment' : !isFormKey(idempotencyKey) ? 'The form was out of date. Select an appointment again' : null;
    if (message) ctx.addIssue({ code: 'custom', path: ['slotId'], message });
  });
  return readForm(SLOT_CHOICE_FIELDS, schema, body, { slotId: '#slot-choice' });
}

/** The key of the patient's check page, whose problems are shown against the appointment's time. */
export function readBookingKey(body: unknown) {
  const schema = z.object({ idempotencyKey: z.string().refine(isFormKey, 'The form was out of date. Check the appointment and book it again') });
  return readForm({ idempotencyKey: text(64) }, schema, body, { idempotencyKey: '#change-time' });
}

/** The idempotency of a booking made from a page: its own key space, and the slot as the request. */
export function pageBooking(principal: Principal, key: string, ubrn: string, slotId: string): IdempotencyContext {
  return {
    scope: principal.kind === 'patient' ? `patient:${principal.ubrn}` : `staff:${principal.accountId}`,
    key: `web:${key}`,
    requestHash: createHash('sha256').update(`POST /referrals/${ubrn}/appointment\n${slotId}`).digest('hex'),
  };
}
