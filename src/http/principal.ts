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

/** Who did something, for history and audit: a signed-in principal, or the service itself (a job, an import). */
export type Actor = Principal | SystemActor;
export interface SystemActor {
  kind: 'system';
  label: string;
  /** the member of staff on whose behalf it ran, if any (an import they sent) */
  accountId?: number;
}

/** The one label for history and audit: names no patient, and says which organisation a member of staff acts for. */
export function actorLabel(actor: Actor): string {
  if (actor.kind === 'system') return actor.label;
  return actor.kind === 'patient' ? 'the patient' : `${actor.displayName} (${actor.organisation.name})`;
}
