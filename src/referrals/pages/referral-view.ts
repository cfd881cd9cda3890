// What the referral pages show of a referral and its options: values as they are (instants, weeks, miles, pounds),
// which the views format with the page filters.
import type { ShortlistOption } from '../../shortlist/types.ts';
import type { Referral } from '../schemas.ts';

export type Option = Referral['shortlist'][number];

/** The option for a service on the referral's shortlist, if it is there. */
export const optionFor = (referral: Referral, serviceId: string | null | undefined): Option | undefined =>
  referral.shortlist.find((o) => o.service.id === serviceId);

/** Where a service is seen: its site, and the site's postcode when it has one. */
export const placeOf = (o: Pick<ShortlistOption, 'service'>): string => `${o.service.site.name}${o.service.site.postcode ? `, ${o.service.site.postcode}` : ''}`;

/** Words for a provider the patient has not chosen, where the patient's name and details would be. */
export const WITHHELD = 'Patient details are shown once the patient chooses your service';

export const patientName = (referral: Referral): string =>
  referral.patientDetails === 'SHOWN' ? `${referral.patient.givenName} ${referral.patient.familyName}` : WITHHELD;

/** One option offered: the service, its wait (null: not published), distance, travel cost and earliest free slot. */
export function optionView(o: ShortlistOption) {
  return {
    serviceId: o.service.id,
    name: o.service.name,
    providerName: o.service.provider.name,
    site: placeOf(o),
    waitWeeks: o.indicativeWaitWeeks,
    distanceMiles: o.distanceMiles,
    distanceKm: o.distanceKm,
    travelCostGbp: o.travel.estimatedCostGbp,
    earliestSlot: o.earliestSlot,
  };
}

/** The booked appointment and where it is, or null. */
export function appointmentView(referral: Referral) {
  const a = referral.appointment;
  if (!a) return null;
  const option = optionFor(referral, a.serviceId);
  return {
    start: a.start,
    end: a.end,
    service: option?.service.name ?? '',
    provider: option?.service.provider.name ?? '',
    site: option ? placeOf(option) : '',
  };
}

/** The referral's history, newest first, as staff read it. */
export function historyView(referral: Referral) {
  return [...referral.history].reverse().map((h) => ({ at: h.at, by: h.by, what: h.reason }));
}
