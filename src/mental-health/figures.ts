// The figures for a commissioner (their ICB's patients, at every provider) and for a provider (its own pathways,
// whatever the patient's ICB): the pathways that can count in the period read from the database, then measured by
// the pure standards (standards.ts), so every page shows the one measure.
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { byProvider, bySlice, type Interval, measureAll, type PathwayDates, type Period, type ProviderFigures, type SliceFigures, type StandardFigure } from './standards.ts';

export interface StandardsReport {
  period: Period;
  interval: Interval;
  overall: StandardFigure[];
  slices: SliceFigures[];
  providers: (ProviderFigures & { name: string })[];
  /** pathways read: treated in the period, or open at its end */
  pathways: number;
}

/**
 * The pathways that can count in `period`: treated in it, or open on its last day (referred by then, neither treated
 * nor ended by then). Only dates, the kind and the provider are read.
 */
export async function pathwaysFor(db: Kysely<DB>, scope: { icb: string } | { provider: string }, period: Period): Promise<PathwayDates[]> {
  const rows = await db
    .selectFrom('mental_health_pathway')
    .select(['service_kind', 'provider_ods_code', 'referred_on', 'first_treatment_on', 'ended_on'])
    .$call((q) => ('icb' in scope ? q.where('icb_code', '=', scope.icb) : q.where('provider_ods_code', '=', scope.provider)))
    .where((eb) =>
      eb.or([
        eb.between('first_treatment_on', period.from, period.to),
        eb.and([
          eb('referred_on', '<=', period.to),
          eb.or([eb('first_treatment_on', 'is', null), eb('first_treatment_on', '>', period.to)]),
          eb.or([eb('ended_on', 'is', null), eb('ended_on', '>', period.to)]),
        ]),
      ]),
    )
    .execute();
  return rows.map((r) => ({ kind: r.service_kind, providerOdsCode: r.provider_ods_code, referredOn: r.referred_on, firstTreatmentOn: r.first_treatment_on, endedOn: r.ended_on }));
}

/** Measures the pathways of `scope` in `period`: overall, by month or quarter, and by provider with its name. */
export async function standardsReport(db: Kysely<DB>, scope: { icb: string } | { provider: string }, period: Period, interval: Interval): Promise<StandardsReport> {
  const pathways = await pathwaysFor(db, scope, period);
  const providers = byProvider(pathways, period);
  const names = providers.length === 0 ? new Map<string, string>() : new Map(
    (await db.selectFrom('organisation').select(['ods_code', 'name']).where('ods_code', 'in', providers.map((p) => p.providerOdsCode)).execute()).map((o) => [o.ods_code, o.name]),
  );
  return {
    period,
    interval,
    overall: measureAll(pathways, period),
    slices: bySlice(pathways, period, interval),
    providers: providers.map((p) => ({ ...p, name: names.get(p.providerOdsCode) ?? p.providerOdsCode })),
    pathways: pathways.length,
  };
}
