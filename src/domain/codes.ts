// Codes as a sentence can say them.

/** 'APPT_CANCELLED_BY_PATIENT' → 'appt cancelled by patient': for messages that quote a state. */
export function spokenCode(code: string): string {
  return code.replaceAll('_', ' ').toLowerCase();
}

/** A record's id as it arrives in a URL, or null when it cannot be one (ids are positive 32-bit integers). */
export function recordId(raw: string): number | null {
  return /^[1-9]\d{0,8}$/.test(raw) ? Number(raw) : null;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A slot, appointment or other id made by the database's gen_random_uuid(). */
export function isUuid(raw: string): boolean {
  return UUID.test(raw);
}
