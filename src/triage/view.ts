// What the triage pages show of a referral, its patient's preferences and the options offered: values as they are
// (dates, weeks, miles), which the views format with the page filters.
import { kmToMiles } from '../domain/distance.ts';
import { isTriageOverdue } from '../domain/triage.ts';
import { daysLeft } from '../domain/contact-by.ts';
import { staffNeedsRows } from '../referrals/communication-needs.ts';
import { TRIAGE_OUTCOME_FOR_STAFF } from '../referrals/wording.ts';
import { SORT_CHOICES } from '../shortlist/choices.ts';
import type { ShortlistOption } from '../shortlist/types.ts';
import type { TriageCase } from './case.ts';

/** One option the centre may offer, or offered. */
export function optionView(o: ShortlistOption) {
  return {
    serviceId: o.service.id,
    name: o.service.name,
    providerName: o.service.provider.name,
    providerOds: o.service.provider.odsCode,
    site: `${o.service.site.name}${o.service.site.postcode ? `, ${o.service.site.postcode}` : ''}`,
    waitWeeks: o.indicativeWaitWeeks,
    distanceMiles: o.distanceMiles,
    distanceKm: o.distanceKm,
    earliestSlot: o.earliestSlot,
  };
}

/** The referral's facts, the patient's preferences and where its triage stands, for the centre's pages. */
export function caseView(c: TriageCase, today: string, defaultMaxDistanceKm: number) {
  const { referral, preferences } = c;
  const { triage, patient } = referral;
  const km = preferences.maxDistanceKm === undefined ? defaultMaxDistanceKm : preferences.maxDistanceKm;
  return {
    ubrn: referral.ubrn,
    patientName: `${patient.givenName} ${patient.familyName}`,
    patient,
    needs: staffNeedsRows(referral.communicationNeeds),
    specialty: referral.specialty.name,
    priority: referral.priority,
    clinicalSummary: referral.clinicalSummary,
    referrer: referral.referringOrganisation.name,
    rttClockStart: referral.rttClockStart,
    preferences: {
      sortBy: SORT_CHOICES.find((s) => s.value === preferences.sortBy)?.text ?? preferences.sortBy,
      origin: preferences.originPostcode ?? patient.postcode,
      fromHome: preferences.originPostcode === null,
      maxDistanceMiles: km === null ? null : kmToMiles(km),
    },
    triage: {
      ...triage,
      outcomeText: triage.outcome ? TRIAGE_OUTCOME_FOR_STAFF[triage.outcome] : null,
      daysLeft: daysLeft(triage.dueOn, today),
      overdue: triage.outcome === null && isTriageOverdue(triage.dueOn, today),
    },
    awaiting: triage.outcome === null && referral.status === 'AWAITING_TRIAGE',
    offered: triage.outcome === 'NEEDS_CONSULTANT' ? referral.shortlist.map(optionView) : [],
  };
}
