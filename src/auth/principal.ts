import type { StaffRole } from '../db/schema.ts';

export type Role = StaffRole | 'patient';

/** Who is calling, once signed in. */
export interface StaffPrincipal {
  kind: 'staff';
  accountId: number;
  username: string;
  displayName: string;
  role: StaffRole;
  organisation: { odsCode: string; name: string };
}

export type Principal = StaffPrincipal;

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | null;
  }
}
