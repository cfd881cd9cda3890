// How the domain's explanations read on the pages: dates as people read them ("30 April 2026"), spoken to "you" on
// the patient's pages and of "the patient" on staff pages.
import type { Audience, Wording } from '../domain/wording.ts';
import { formatDate } from './filters.ts';

export const PAGE_WORDING: Readonly<Record<Audience, Wording>> = {
  patient: { audience: 'patient', date: formatDate },
  staff: { audience: 'staff', date: formatDate },
};
