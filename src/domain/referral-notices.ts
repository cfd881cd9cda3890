// What the referrer sees of the ICB's assurance: when a prior-approval rule or a capacity notice holds, and which
// shortlist option a capacity notice concerns. Dates are calendar dates 'YYYY-MM-DD' (London), both ends inclusive.

/** A span of days: from `startsOn` to `endsOn` inclusive; no end: open-ended (a rule in force until ended). */
export interface DaySpan {
  startsOn: string;
  endsOn: string | null;
}

export type SpanState = 'FUTURE' | 'CURRENT' | 'ENDED';

/** Where `on` falls against the span: before it starts, within it, or after its last day. */
export function spanState(span: DaySpan, on: string): SpanState {
  if (on < span.startsOn) return 'FUTURE';
  if (span.endsOn !== null && on > span.endsOn) return 'ENDED';
  return 'CURRENT';
}

/** Whether the span holds on `on`. */
export const inForce = (span: DaySpan, on: string): boolean => spanState(span, on) === 'CURRENT';

/** Whether two spans share at least one day (a notice posted for part of a period counts for it). */
export function overlaps(a: DaySpan, b: DaySpan): boolean {
  return (a.endsOn === null || a.endsOn >= b.startsOn) && (b.endsOn === null || b.endsOn >= a.startsOn);
}

/** The problem with a span's end, or null: an end before the start is refused. */
export function spanProblem(span: DaySpan): string | null {
  return span.endsOn !== null && span.endsOn < span.startsOn ? 'must be the same as or after the start date' : null;
}

/** What a capacity notice is about: a specialty, and optionally one provider or one of its services. */
export interface NoticeScope {
  specialtyCode: string;
  providerOdsCode: string | null;
  serviceId: string | null;
}

/** An option on a shortlist: a service of a provider in a specialty. */
export interface OptionScope {
  specialtyCode: string;
  providerOdsCode: string;
  serviceId: string;
}

/**
 * Whether a notice is shown beside an option: the same specialty and the option's provider, and (when the notice
 * names one service) that service. A notice naming no provider concerns the specialty as a whole, not an option.
 */
export function concernsOption(notice: NoticeScope, option: OptionScope): boolean {
  if (notice.specialtyCode !== option.specialtyCode || notice.providerOdsCode === null) return false;
  if (notice.providerOdsCode !== option.providerOdsCode) return false;
  return notice.serviceId === null || notice.serviceId === option.serviceId;
}
