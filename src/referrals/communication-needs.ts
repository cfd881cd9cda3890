// A patient's communication needs on their referral (Accessible Information Standard): the API's shape, and
// recording them, by the referrer when referring or later, by the patient in Manage Your Referral, or by a
// provider. Recorded once, they shape every letter and message from then on (src/messages/patient-messages.ts).
import type { Deps } from '../deps.ts';
import { type CommunicationNeeds, hasNeeds, languageName, needsFrom } from '../domain/communication-needs.ts';
import type { Principal } from '../http/principal.ts';
import { noteInHistory } from './history.ts';
import { lockVisibleReferral } from './queries.ts';

/** As the column keeps it: null when nothing was asked for, so that "none" reads the same everywhere. */
export function storedNeeds(needs: CommunicationNeeds | null): string | null {
  const normal = needsFrom(needs);
  return normal ? JSON.stringify(normal) : null;
}

/** The needs as a history entry says them: what was asked for, never the carer's details. */
export function describeNeeds(needs: CommunicationNeeds | null): string {
  if (!needs || !hasNeeds(needs)) return 'none';
  return [
    needs.largePrint && 'large print',
    needs.easyRead && 'easy read',
    needs.language && languageName(needs.language),
    needs.britishSignLanguage && 'British Sign Language',
    needs.carer && 'a carer to contact',
  ].filter(Boolean).join(', ');
}

/** Records (or clears, with no needs) the patient's communication needs on a referral the principal may see. */
export async function recordCommunicationNeeds(deps: Deps, principal: Principal, ubrn: string, needs: CommunicationNeeds): Promise<CommunicationNeeds | null> {
  return deps.database.db.transaction().execute(async (trx) => {
    await lockVisibleReferral(trx, principal, ubrn);
    const row = await trx.selectFrom('referral').select('communication_needs').where('ubrn', '=', ubrn).executeTakeFirstOrThrow();
    const [before, after] = [storedNeeds(needsFrom(row.communication_needs)), storedNeeds(needs)];
    // The same needs again (a form saved twice) change nothing and add nothing to the history.
    if (before !== after) {
      await trx.updateTable('referral').set({ communication_needs: after, updated_at: new Date() }).where('ubrn', '=', ubrn).execute();
      await noteInHistory(trx, ubrn, principal, `Communication needs recorded: ${describeNeeds(needs)}`);
    }
    return needsFrom(needs);
  });
}
