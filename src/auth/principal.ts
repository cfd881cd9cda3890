import type { StaffRole } from '../db/schema.ts';

export type Role = StaffRole | 'patient';

/** A member of staff, acting for one organisation. */
export interface StaffPrincipal {
  kind: 'staff';
  accountId: number;
  username: string;
  displayName: string;
  role: StaffRole;
  organisation: { odsCode: string; name: string };
}

/** A patient, signed in with one referral's UBRN and access code: they see that referral and no other. */
export interface PatientPrincipal {
  kind: 'patient';
  role: 'patient';
  ubrn: string;
}

export type Principal = StaffPrincipal | PatientPrincipal;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}

/** A label for history and audit that names no patient. */
export function actorLabel(p: Principal): string {
  return p.kind === 'patient' ? 'the patient' : `${p.displayName} (${p.organisation.name})`;
}
