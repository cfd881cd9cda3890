// The waiting-time panel on a referral's page (the patient's and the referrer's): weeks waited, the 18-week date,
// when the patient is likely to be seen, and the way to a faster alternative once they may ask for one.
import type { Deps } from '../deps.ts';
import { isClosed } from '../domain/referral-status.ts';
import { explainRejectionClock } from '../domain/rejection.ts';
import { explainEighteenWeeks } from '../domain/rtt-clock.ts';
import { say } from '../domain/wording.ts';
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
    const wording = PAGE_WORDING[patient ? 'patient' : 'staff'];
    // Rejected: no provider is treating the patient, so nothing is forecast; what is said is the RTT rule the
    // rejection's reason applies (src/domain/rejection.ts).
    if (found.status === 'REJECTED') {
      return renderFragment('waiting-summary.njk', {
        waiting: {
          rejected: true,
          weeksWaited: eighteenWeeks.weeksWaited,
          breachDate: eighteenWeeks.stopped ? null : eighteenWeeks.breachDate,
          explanation: found.rejectionReason
            ? explainRejectionClock(found.rejectionReason, found.pathway.clock, wording)
            : say(wording, 'Your referral was returned to your referrer.', 'The provider rejected the referral.'),
        },
        waitingForPatient: patient,
      });
    }
    return renderFragment('waiting-summary.njk', {
      waiting: {
        weeksWaited: eighteenWeeks.weeksWaited,
        breachDate: eighteenWeeks.breachDate,
        forecast,
        explanation: explainEighteenWeeks(eighteenWeeks, wording),
        mayAskForAlternative: eighteenWeeks.mayAskForAlternative,
        fasterHref: patient ? '/manage/faster' : `/referrals/${ubrn}/faster`,
      },
      waitingForPatient: patient,
    });
  };
}
