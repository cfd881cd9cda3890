// The provider of the booked or deferred service reviews the referral: accepts it, or rejects it with a reason from
// a fixed list (it then goes back to the referrer, and any appointment is released). One transaction that locks the
// referral first, checked against the state machine and kept in history, as every change.
import type { Deps } from '../deps.ts';
import { actorLabel, type Principal } from '../http/principal.ts';
import { forbidden, unprocessable } from '../http/problem.ts';
import { assertProviderOf } from './booking.ts';
import { changeStatus } from './history.ts';
import { liveAppointment, lockVisibleReferral } from './queries.ts';
import { REJECTION_REASONS, type RejectionReason } from './rejection-reasons.ts';

export { REJECTION_REASONS, type RejectionReason };

/** The provider of the booked or deferred service accepts the referral or rejects it with a reason from a fixed list. */
export async function reviewReferral(deps: Deps, principal: Principal, ubrn: string, outcome: 'ACCEPT' | 'REJECT', reason: RejectionReason | null, note: string | null) {
  if (principal.kind !== 'staff') throw forbidden('Only providers review referrals.');
  return deps.database.db.transaction().execute(async (trx) => {
    const referral = await lockVisibleReferral(trx, principal, ubrn);
    const appointment = await liveAppointment(trx, ubrn);
    await assertProviderOf(trx, principal.organisation.odsCode, appointment?.service_id ?? referral.deferred_service_id);
    if (outcome === 'ACCEPT') {
      const status = await changeStatus(trx, referral, 'ACCEPT', principal, note ? `Accepted: ${note}` : 'Accepted');
      return { status };
    }
    if (!reason) throw unprocessable('Say why the referral is rejected.', [{ field: 'reason', message: `Choose one of ${Object.keys(REJECTION_REASONS).join(', ')}` }]);
    const why = `${REJECTION_REASONS[reason]}${note ? `: ${note}` : ''}`;
    // Rejected referrals go back to the referrer's worklist; the appointment, if any, is released.
    const status = await changeStatus(trx, referral, 'REJECT', principal, `Rejected: ${why}`, { deferred_service_id: null, contact_by: null });
    if (appointment) {
      await trx
        .updateTable('appointment')
        .set({ cancelled_at: new Date(), cancelled_by: actorLabel(principal), cancel_reason: `Referral rejected: ${why}` })
        .where('id', '=', appointment.id)
        .execute();
    }
    return { status };
  });
}
