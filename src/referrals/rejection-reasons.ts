// Why a referral is rejected: one fixed list, for a provider's review (./review.ts) and a referral centre's triage,
// so that the reason recorded reads the same to the referrer whoever rejected it.
export const REJECTION_REASONS = {
  CLINICALLY_INAPPROPRIATE: 'The referral is not clinically appropriate for this service',
  SERVICE_CANNOT_MEET_NEEDS: 'The service cannot meet the patient\'s needs',
  INSUFFICIENT_INFORMATION: 'The referral does not have enough clinical information',
  WRONG_SPECIALTY: 'The patient needs another specialty',
  DUPLICATE_REFERRAL: 'The patient has already been referred for this',
} as const;
export type RejectionReason = keyof typeof REJECTION_REASONS;
