// The domain explains itself in sentences (the 18-week standard, PIDMAS eligibility, why an alternative is faster).
// Each sentence is written once, told who reads it: the patient ("you") or staff ("the patient"), and how a date
// is written for them. The API answers the patient's wording with dates as the data holds them; pages ask for
// dates as people read them.

export type Audience = 'patient' | 'staff';

export interface Wording {
  audience: Audience;
  /** how a date 'YYYY-MM-DD' is written */
  date: (iso: string) => string;
}

/** What the API answers, as it always has: to the patient, dates as 'YYYY-MM-DD'. */
export const API_WORDING: Wording = { audience: 'patient', date: (iso) => iso };

/** The sentence for whoever reads it. */
export const say = (wording: Wording, toPatient: string, toStaff: string): string => (wording.audience === 'patient' ? toPatient : toStaff);
