// How the choice measures' codes read on the commissioner's pages.
import type { FewerOptionsCode } from '../db/schema.ts';

/** Why a referral was offered 1 to 4 options, in words ('NOT_RECORDED' where no reason was coded). */
export const FEWER_OPTIONS_WORDS: Record<FewerOptionsCode | 'NOT_RECORDED', string> = {
  FEWER_WITHIN_REACH: 'Fewer than 5 services within reach',
  PATIENT_ASKED: 'The patient asked for fewer',
  CLINICALLY_SPECIALIST: 'Only specialist services were clinically suitable',
  URGENT_CAPACITY: 'Only these services could see the patient in time',
  REFERRER_CHOSE: 'The referrer chose the services',
  OTHER: 'Another reason',
  NOT_RECORDED: 'No reason recorded',
};

/** The referrals behind each figure of the dashboard, as the drill-down's heading names them. */
export const MEASURE_WORDS = {
  referrals: 'All referrals made',
  offeredAtLeast5: 'Offered 5 or more options',
  fewerThan5: 'Offered 1 to 4 options',
  noOptions: 'Offered no options',
  awaitingOptions: 'Sent for triage, options not offered yet',
  patientChose: 'The patient chose the service',
  bookedByPatient: 'Booked online by the patient',
  asi: 'Appointment slot issues (deferred to the provider for want of a slot)',
  rejected: 'Rejected by the provider',
  paper: 'Recorded from a paper referral',
} as const;
export type Measure = keyof typeof MEASURE_WORDS;
export const isMeasure = (s: string): s is Measure => Object.hasOwn(MEASURE_WORDS, s);
