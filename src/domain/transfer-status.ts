// The life of a proposed transfer (a move a match run proposed), and which of its states hold a place of the offer.

export const TRANSFER_STATUSES = ['PROPOSED', 'PROVIDER_DECLINED', 'OFFERED', 'ACCEPTED', 'DECLINED', 'WITHDRAWN'] as const;
export type ProposedTransferStatus = (typeof TRANSFER_STATUSES)[number];

/** Proposed, offered to the patient or accepted: the proposal holds one of its offer's places; the rest gave it back. */
export const HOLDS_A_PLACE: readonly ProposedTransferStatus[] = ['PROPOSED', 'OFFERED', 'ACCEPTED'];

/** Not yet answered, by the receiving provider or then the patient: withdrawing the request withdraws it. */
export const AWAITING_AN_ANSWER: readonly ProposedTransferStatus[] = ['PROPOSED', 'OFFERED'];

/** Offered to the patient, and what they answered: the patient sees the last of these. */
export const PUT_TO_THE_PATIENT: readonly ProposedTransferStatus[] = ['OFFERED', 'ACCEPTED', 'DECLINED'];
