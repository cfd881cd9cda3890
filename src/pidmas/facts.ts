// What PIDMAS decides on, for one referral or many at once: the pathway, each eligibility rule, the provider the
// patient waits at, and whether the referral is still on a waiting list. Many referrals cost the same few queries
// as one (the provider's list of candidates holds up to 500).
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import type { DirectorySnapshot } from '../directory/snapshot.ts';
import { type Eligibility, gpInEngland, pidmasEligibility } from '../domain/pidmas-eligibility.ts';
import { ON_A_WAITING_LIST, type ReferralStatus } from '../domain/referral-status.ts';
import { clockOf, PATHWAY_COLUMNS, type PathwayRow, pathwaysOf, type PathwayView } from '../waiting/pathway.ts';

/** The referral columns the facts are read from, for selects. */
export const FACT_COLUMNS = [...PATHWAY_COLUMNS, 'r.priority', 'r.consultant_led', 'r.tertiary', 'r.patient_date_of_birth', 'r.registered_gp_ods_code', 'r.referring_organisation_ods_code'] as const;

export interface FactsRow extends PathwayRow {
  status: ReferralStatus;
  priority: 'ROUTINE' | 'URGENT' | 'TWO_WEEK_WAIT';
  consultant_led: boolean;
  tertiary: boolean;
  patient_date_of_birth: string;
  registered_gp_ods_code: string | null;
  referring_organisation_ods_code: string;
}

export interface Provider {
  odsCode: string;
  name: string;
}

export interface ReferralFacts {
  pathway: PathwayView;
  eligibility: Eligibility;
  /** still on a provider's waiting list (not closed, not rejected) */
  open: boolean;
  /** the provider the patient waits at; null until a service is chosen */
  provider: Provider | null;
}

/** The facts of each referral, by UBRN. */
export async function factsOf(db: Kysely<DB>, directory: DirectorySnapshot, rows: readonly FactsRow[], today: string, thresholdWeeks: number): Promise<Map<string, ReferralFacts>> {
  const gpOf = (r: FactsRow) => r.registered_gp_ods_code ?? r.referring_organisation_ods_code;
  const [pathways, gps] = await Promise.all([pathwaysOf(db, directory, rows, today), gpsInEngland(db, rows.map(gpOf))]);
  const providers = await providersOf(db, directory, [...pathways.values()].map((p) => p.currentServiceId));
  const out = new Map<string, ReferralFacts>();
  for (const r of rows) {
    const pathway = pathways.get(r.ubrn)!;
    const eligibility = pidmasEligibility(
      {
        clock: clockOf(r),
        priority: r.priority,
        consultantLed: r.consultant_led,
        tertiary: r.tertiary,
        dateOfBirth: r.patient_date_of_birth,
        nextDate: pathway.forecast.basis === 'BOOKED_SLOT' || pathway.forecast.basis === 'NEXT_APPOINTMENT' ? pathway.forecast.date : null,
        gpInEngland: gps.get(gpOf(r)) ?? null,
        settlingUntil: pathway.eighteenWeeks.settlingUntil,
      },
      today,
      thresholdWeeks,
    );
    const provider = pathway.currentServiceId ? providers.get(pathway.currentServiceId) ?? null : null;
    out.set(r.ubrn, { pathway, eligibility, open: ON_A_WAITING_LIST.includes(r.status), provider });
  }
  return out;
}

/** Whether each GP practice is in England, as ODS codes tell it; null when that cannot be told. */
async function gpsInEngland(db: Kysely<DB>, odsCodes: readonly string[]): Promise<Map<string, boolean | null>> {
  const codes = [...new Set(odsCodes)];
  if (codes.length === 0) return new Map();
  const found = await db.selectFrom('organisation').select(['ods_code', 'kind', 'region_code']).where('ods_code', 'in', codes).execute();
  return new Map(found.map((gp) => [gp.ods_code, gpInEngland({ kind: gp.kind, regionCode: gp.region_code })]));
}

/** The provider of each service: from the directory in memory, and from the database for services no longer listed. */
async function providersOf(db: Kysely<DB>, directory: DirectorySnapshot, serviceIds: readonly (string | null)[]): Promise<Map<string, Provider>> {
  const out = new Map<string, Provider>();
  const unlisted: string[] = [];
  for (const id of new Set(serviceIds)) {
    if (id === null) continue;
    const listed = directory.byId.get(id)?.row;
    if (listed) out.set(id, { odsCode: listed.provider_ods_code, name: listed.provider_name });
    else unlisted.push(id);
  }
  if (unlisted.length > 0) {
    const rows = await db
      .selectFrom('service as s')
      .innerJoin('organisation as o', 'o.ods_code', 's.provider_ods_code')
      .select(['s.id', 's.provider_ods_code', 'o.name'])
      .where('s.id', 'in', unlisted)
      .execute();
    for (const s of rows) out.set(s.id, { odsCode: s.provider_ods_code, name: s.name });
  }
  return out;
}
