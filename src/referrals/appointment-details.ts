// The booked appointment as the patient takes it away: when, what, and how to get there (the site's name, address,
// postcode and a map search), and the same as a calendar entry. One place, so the pages and the .ics agree.
import type { Deps } from '../deps.ts';
import { mapSearchUrl, siteAddressOf } from '../directory/site-address.ts';
import { formatUbrn } from '../web/filters.ts';
import { calendarFile } from './calendar-entry.ts';
import { appointmentView } from './pages/referral-view.ts';
import type { Referral } from './schemas.ts';

export interface Directions {
  site: string;
  /** The address lines without the postcode, as the directory lists them; empty when it lists none. */
  addressLines: string[];
  postcode: string | null;
  mapUrl: string | null;
}

/** The appointment with its directions, or null when the referral has none booked. */
export async function appointmentDetails(deps: Deps, referral: Referral) {
  const appointment = appointmentView(referral);
  if (!appointment || !referral.appointment) return null;
  const site = await siteAddressOf(deps.database.db, referral.appointment.serviceId);
  const directions: Directions = {
    site: site?.name ?? appointment.site,
    addressLines: (site?.address ?? '').split(',').map((l) => l.trim()).filter(Boolean),
    postcode: site?.postcode ?? null,
    mapUrl: site?.postcode ? mapSearchUrl(site.postcode) : null,
  };
  return { ...appointment, id: referral.appointment.id, specialty: referral.specialty.name, directions };
}

export type AppointmentDetails = NonNullable<Awaited<ReturnType<typeof appointmentDetails>>>;

/** The appointment as an iCalendar file (RFC 5545), stamped `now`. */
export function appointmentCalendarFile(deps: Deps, referral: Referral, details: AppointmentDetails, now = new Date()): string {
  const { directions } = details;
  const manageUrl = `${deps.config.publicUrl}/manage`;
  return calendarFile({
    // Stable for this appointment: downloading it again updates the entry rather than adding another.
    uid: `appointment-${details.id}@${new URL(deps.config.publicUrl).hostname}`,
    stamp: now,
    start: new Date(details.start),
    end: new Date(details.end),
    summary: `${details.specialty} appointment at ${directions.site}`,
    location: [directions.site, ...directions.addressLines, directions.postcode].filter(Boolean).join(', '),
    description: [
      `${details.service}, ${details.provider}.`,
      `Reference number ${formatUbrn(referral.ubrn)}.`,
      `To change or cancel this appointment, go to ${manageUrl} and sign in with your reference number, access code and date of birth.`,
    ].join('\n'),
    url: manageUrl,
  });
}
