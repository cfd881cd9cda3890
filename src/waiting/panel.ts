// The waiting-time panel on a referral's page (the patient's and the referrer's): weeks waited, the 18-week date,
// when the patient is likely to be seen, and the way to a faster alternative once they may ask for one.
import type { Deps } from '../deps.ts';
import { isClosed } from '../domain/referral-status.ts';
import { visibleReferrals } from '../referrals/queries.ts';
import { formatDate } from '../web/filters.ts';
import type { ReferralPanel } from '../web/panels.ts';
import { addViews, renderFragment } from '../web/render.ts';
import { pathwaySummary } from './alternatives.ts';
import { PATHWAY_COLUMNS, pathwayOf } from './pathway.ts';

const BASIS_TEXT: Record<string, string> = {
  BOOKED_SLOT: 'This is the date of your booked appointment.',
  NEXT_APPOINTMENT: 'This is the date your hospital has set.',
  INDICATIVE_WAIT: 'This is based on the typical wait for a first appointment where you are waiting.',
  PAST_INDICATIVE_WAIT: 'We cannot tell: you have already waited longer than most patients wait there.',
  UNKNOWN: 'We cannot tell yet: the service has not published its waiting time.',
};

/** The services write dates as 2026-04-30; the pages say 30 April 2026. */
const plainDates = (text: string) => text.replace(/\b\d{4}-\d{2}-\d{2}\b/g, (d) => formatDate(d));

export function waitingPanel(deps: Deps): ReferralPanel {
  addViews(new URL('./views', import.meta.url));
  return async (principal, ubrn) => {
    const { db } = deps.database;
    const r = await visibleReferrals(db, principal).select([...PATHWAY_COLUMNS]).where('r.ubrn', '=', ubrn).executeTakeFirst();
    // Closed (moved or cancelled): the wait goes on, if at all, on the referral it moved to.
    if (!r || isClosed(r.status)) return null;
    const p = pathwaySummary(await pathwayOf(db, await deps.directory.current(), r));
    const patient = principal.kind === 'patient';
    const waiting = {
      weeksWaited: p.weeksWaited,
      breachDate: p.breachDate,
      forecast: p.forecastFirstAppointment,
      basis: BASIS_TEXT[p.forecastBasis] ?? '',
      explanation: patient ? plainDates(p.explanation) : plainDates(p.explanation).replace(/\bYou have\b/g, 'The patient has').replace(/\byour\b/g, 'the').replace(/\bYou are\b/g, 'The patient is').replace(/\byou\b/g, 'the patient'),
      mayAskForAlternative: p.mayAskForAlternative,
      fasterHref: patient ? '/manage/faster' : `/referrals/${ubrn}/faster`,
      fasterText: patient ? 'Ask for a faster alternative' : 'Find a faster alternative',
    };
    return renderFragment('waiting-summary.njk', { waiting, waitingForPatient: patient });
  };
}
