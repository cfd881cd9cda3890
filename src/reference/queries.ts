import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';

export interface Specialty {
  code: string;
  name: string;
  /** Active, accredited services in the directory. */
  serviceCount: number;
}

/** Every specialty (treatment function), with how many listed services it has; `listedOnly` drops those with none. */
export async function listSpecialties(db: Kysely<DB>, options: { listedOnly?: boolean } = {}): Promise<Specialty[]> {
  const rows = await db
    .selectFrom('specialty as sp')
    .leftJoin('service as s', (j) =>
      j.onRef('s.specialty_code', '=', 'sp.code').on('s.active', '=', true).on('s.accreditation_status', '=', 'ACCREDITED'),
    )
    .select(['sp.code', 'sp.name', (eb) => eb.fn.count<number>('s.id').as('serviceCount')])
    .groupBy(['sp.code', 'sp.name'])
    .orderBy('sp.name')
    .execute();
  const all = rows.map((r) => ({ code: r.code, name: r.name, serviceCount: Number(r.serviceCount) }));
  return options.listedOnly ? all.filter((s) => s.serviceCount > 0) : all;
}
