// A patient's communication needs on their referral (Accessible Information Standard): the API's shape, and
// recording them, by the referrer when referring or later, by the patient in Manage Your Referral, or by a
// provider. Recorded once, they shape every letter and message from then on (src/messages/patient-messages.ts).
import type { Deps } from '../deps.ts';
import { type CommunicationNeeds, hasNeeds, interpreterLanguage, languageName, needsFrom } from '../domain/communication-needs.ts';
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

/** A row of a staff page's summary list (the nhsuk-frontend shape, so a view adds the rows to its own list). */
export interface NeedsRow {
  key: { text: string };
  value: { text: string };
}

const inWords = (items: string[]): string => (items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`);

/**
 * The needs as every staff page that acts for the patient shows them (referrer, provider, appointment slot issue,
 * referral centre): what to do for the patient, and their carer with how to reach them, as the one who calls needs
 * it. No rows when none were recorded, so a page says nothing.
 */
export function staffNeedsRows(needs: CommunicationNeeds | null): NeedsRow[] {
  if (!needs || !hasNeeds(needs)) return [];
  const formats = [needs.largePrint && 'large print', needs.easyRead && 'easy read', needs.language === 'cy' && 'Welsh'].filter((f): f is string => !!f);
  const interpreter = interpreterLanguage(needs);
  const asked = [
    formats.length > 0 && `information in ${inWords(formats)}`,
    interpreter && `an interpreter who speaks ${interpreter}`,
    needs.britishSignLanguage && 'a British Sign Language (BSL) interpreter',
  ].filter((a): a is string => !!a);
  const rows: NeedsRow[] = [];
  if (asked.length > 0) rows.push({ key: { text: 'Communication needs' }, value: { text: `The patient needs ${inWords(asked)}.` } });
  const carer = needs.carer;
  if (carer) {
    const reach = [carer.phone && `phone ${carer.phone}`, carer.email && `email ${carer.email}`].filter((r): r is string => !!r);
    rows.push({
      key: { text: 'Carer to contact' },
      value: { text: `The patient wants their carer, ${carer.name}, contacted too: ${reach.length > 0 ? `${inWords(reach)}.` : 'no phone number or email was given.'}` },
    });
  }
  return rows;
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
