// The waiting-time panel on a referral's page (the patient's and the referrer's): weeks waited, the 18-week date,
// when the patient is likely to be seen, and the way to a faster alternative once they may ask for one.
import type { Deps } from '../deps.ts';
import { isClosed } from '../domain/referral-status.ts';
import { explainEighteenWeeks } from '../domain/rtt-clock.ts';
import type { ReferralPanel } from '../web/panels.ts';
import { addViews, renderFragment } from '../web/render.ts';
import { PAGE_WORDING } from '../web/wording.ts';
import { visiblePathway } from './pathway.ts';

export function waitingPanel(deps: Deps): ReferralPanel {
  addViews(new URL('./views', import.meta.url));
  return async (principal, ubrn) => {
    const found = await visiblePathway(deps, principal, ubrn);
    // Closed (moved or cancelled): the wait goes on, if at all, on the referral it moved to.
    if (!found || isClosed(found.status)) return null;
    const { eighteenWeeks, forecast } = found.pathway;
    const patient = principal.kind === 'patient';
    return renderFragment('waiting-summary.njk', {
      waiting: {
        weeksWaited: eighteenWeeks.weeksWaited,
        breachDate: eighteenWeeks.breachDate,
        forecast,
        explanation: explainEighteenWeeks(eighteenWeeks, PAGE_WORDING[patient ? 'patient' : 'staff']),
        mayAskForAlternative: eighteenWeeks.mayAskForAlternative,
        fasterHref: patient ? '/manage/faster' : `/referrals/${ubrn}/faster`,
      },
      waitingForPatient: patient,
    });
  };
}
