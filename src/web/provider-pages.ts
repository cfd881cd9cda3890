// The provider's pages: referrals booked or deferred at its services to accept or reject, the appointment slot
// issue (ASI) worklist, and the slots of each of its services (publish a weekly pattern, withdraw a free slot).
import type { Deps } from '../deps.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sql } from 'kysely';
import type { StaffPrincipal } from '../http/principal.ts';
import { isCalendarDate, londonDate } from '../domain/dates.ts';
import { deferralsForProvider } from '../referrals/deferrals.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { REJECTION_REASONS, type RejectionReason, reviewReferral } from '../referrals/review.ts';
import type { Referral } from '../referrals/schemas.ts';
import { getReferral } from '../referrals/queries.ts';
import { expandPattern, WEEKDAYS, type Weekday } from '../slots/pattern.ts';
import { slotsWithStatus } from '../slots/queries.ts';
import { MAX_SLOT_MINUTES, MAX_SLOTS_PER_PUBLICATION, MIN_SLOT_MINUTES, ownService, publish, slotProblems, withdraw } from '../slots/service.ts';
import { formatDate, formatDateTime, plural } from './filters.ts';
import { formatDay, formatTime } from './manage-pages.ts';
import { seeOther, sendPage } from './page.ts';
import { errorFor, errorList, type FieldError } from './referral-form.ts';
import { formatUbrn } from './referral-pages.ts';
import { field, sentence, type Body } from './form-fields.ts';

const page = { access: ROLES('provider'), page: true } as const;
const PRIORITY_TEXT: Record<string, string> = { ROUTINE: 'Routine', URGENT: 'Urgent', TWO_WEEK_WAIT: 'Two week wait' };
const SLOT_WEEKS = 12;
const MAX_SLOTS_SHOWN = 500;
const DAY_NAMES: Record<Weekday, string> = { MON: 'Monday', TUE: 'Tuesday', WED: 'Wednesday', THU: 'Thursday', FRI: 'Friday', SAT: 'Saturday', SUN: 'Sunday' };

function list(body: Body, name: string): string[] {
  const v = body[name];
  return (Array.isArray(v) ? v : v === undefined ? [] : [v]).filter((x): x is string => typeof x === 'string').slice(0, 10);
}
const nhsNumber = (n: string) => `${n.slice(0, 3)} ${n.slice(3, 6)} ${n.slice(6)}`;
const isRejectionReason = (v: string): v is RejectionReason => Object.hasOwn(REJECTION_REASONS, v);

export interface PatternValues { fromDay: string; fromMonth: string; fromYear: string; weeks: string; days: string[]; times: string; minutes: string }

/** Reads the weekly pattern form; the slots it stands for, or the problems to show against its fields. */
export function readPattern(body: Body, now = new Date()): { ok: true; values: PatternValues; slots: { start: Date; end: Date }[] } | { ok: false; values: PatternValues; errors: FieldError[] } {
  const values: PatternValues = {
    fromDay: field(body, 'from[day]', 4), fromMonth: field(body, 'from[month]', 4), fromYear: field(body, 'from[year]', 6),
    weeks: field(body, 'weeks', 4), days: list(body, 'days'), times: field(body, 'times', 400), minutes: field(body, 'minutes', 4),
  };
  const errors: FieldError[] = [];
  const { fromDay: d, fromMonth: m, fromYear: y } = values;
  const from = `${y.padStart(4, '0')}-${m.padStart(2, '0')}-${d.padStart(2, '0')}`;
  if (!d && !m && !y) errors.push({ field: 'from', href: '#from-day', message: 'Enter the first date' });
  else if (!/^\d{1,2}$/.test(d) || !/^\d{1,2}$/.test(m) || !/^\d{4}$/.test(y) || !isCalendarDate(from)) errors.push({ field: 'from', href: '#from-day', message: 'First date must be a real date' });
  else if (from < londonDate(now)) errors.push({ field: 'from', href: '#from-day', message: 'First date must be today or in the future' });
  const weeks = Number(values.weeks);
  if (!values.weeks) errors.push({ field: 'weeks', href: '#weeks', message: 'Enter how many weeks' });
  else if (!/^\d{1,2}$/.test(values.weeks) || weeks < 1 || weeks > 26) errors.push({ field: 'weeks', href: '#weeks', message: 'Weeks must be a whole number from 1 to 26' });
  const days = values.days.filter((x): x is Weekday => (WEEKDAYS as readonly string[]).includes(x));
  if (days.length === 0) errors.push({ field: 'days', href: '#days', message: 'Select at least one day' });
  const times = values.times.split(/[\s,]+/).filter(Boolean);
  if (times.length === 0) errors.push({ field: 'times', href: '#times', message: 'Enter at least one start time' });
  else if (times.length > 48 || times.some((t) => !/^([01]\d|2[0-3]):[0-5]\d$/.test(t))) errors.push({ field: 'times', href: '#times', message: 'Enter start times in 24-hour time, like 09:00, 09:30' });
  const minutes = Number(values.minutes);
  if (!values.minutes) errors.push({ field: 'minutes', href: '#minutes', message: 'Enter how long each appointment is' });
  else if (!/^\d{1,3}$/.test(values.minutes) || minutes < MIN_SLOT_MINUTES || minutes > MAX_SLOT_MINUTES) errors.push({ field: 'minutes', href: '#minutes', message: `Length must be from ${MIN_SLOT_MINUTES} to ${MAX_SLOT_MINUTES} minutes` });
  if (errors.length > 0) return { ok: false, values, errors };
  const slots = expandPattern({ from, weeks, days, times, minutes });
  if (slots.length === 0) return { ok: false, values, errors: [{ field: 'days', href: '#days', message: 'None of these days fall within the weeks given' }] };
  if (slots.length > MAX_SLOTS_PER_PUBLICATION) return { ok: false, values, errors: [{ field: 'weeks', href: '#weeks', message: `This makes ${slots.length} slots: publish at most ${MAX_SLOTS_PER_PUBLICATION} at a time` }] };
  const problems = slotProblems(slots, now, (i, part) => (part === 'end' ? 'minutes' : slots[i]!.start <= now ? 'from' : 'times'));
  if (problems.length > 0) {
    const first = problems[0]!;
    const href = first.field === 'from' ? '#from-day' : `#${first.field}`;
    return { ok: false, values, errors: [{ field: first.field, href, message: first.field === 'times' ? 'Start times must not overlap: make them at least the length apart' : first.field === 'from' ? 'Every appointment must be in the future: start the pattern later' : `Length ${first.message}` }] };
  }
  return { ok: true, values, slots };
}

export function providerPages(deps: Deps) {
  const { db } = deps.database;
  const notFoundHere = (request: FastifyRequest, reply: FastifyReply) => sendPage(request, reply, 'not-found.njk', { title: 'Page not found' }, 404);

  /** Referrals booked or deferred at one of the provider's services: what it reviews. */
  function reviewable(staff: StaffPrincipal) {
    return db
      .selectFrom('referral as r')
      .leftJoin('appointment as a', (j) => j.onRef('a.ubrn', '=', 'r.ubrn').on('a.cancelled_at', 'is', null))
      .innerJoin('service as s', (j) => j.on(sql<boolean>`s.id = coalesce(a.service_id, r.deferred_service_id)`))
      .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
      .where('r.status', 'in', ['BOOKED', 'DEFERRED_TO_PROVIDER'])
      .where('s.provider_ods_code', '=', staff.organisation.odsCode);
  }

  async function findReviewable(staff: StaffPrincipal, ubrn: string): Promise<Referral | null> {
    if (!/^\d{12}$/.test(ubrn)) return null;
    const row = await reviewable(staff).select('r.ubrn').where('r.ubrn', '=', ubrn).executeTakeFirst();
    if (!row) return null;
    return getReferral(deps, staff, ubrn);
  }

  return async function (app: FastifyInstance) {
    app.get('/provider', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const services = await db
        .selectFrom('service as s')
        .innerJoin('specialty as sp', 'sp.code', 's.specialty_code')
        .select(['s.id', 's.name', 'sp.name as specialty', 's.directly_bookable'])
        .where('s.provider_ods_code', '=', staff.organisation.odsCode)
        .where('s.active', '=', true)
        .orderBy('sp.name')
        .orderBy('s.name')
        .limit(500)
        .execute();
      const [toReview] = await Promise.all([reviewable(staff).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()]);
      const asi = await deferralsForProvider(db, staff.organisation.odsCode, londonDate());
      return sendPage(request, reply, 'provider-home.njk', {
        title: staff.organisation.name,
        toReview: plural(Number(toReview.n), 'referral'),
        asi: plural(asi.length, 'referral'),
        overdue: asi.filter((d) => d.overdue).length,
        services: services.map((s) => ({ id: s.id, name: s.name, specialty: s.specialty, bookable: s.directly_bookable })),
      });
    });

    // Referrals to review.
    app.get<{ Querystring: { accepted?: string; rejected?: string } }>('/provider/referrals', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const rows = await reviewable(staff)
        .select(['r.ubrn', 'r.status', 'r.priority', 'sp.name as specialty', 'r.patient_given_name', 'r.patient_family_name', 'r.patient_nhs_number', 'r.contact_by', 'a.starts_at', 's.name as service'])
        .orderBy('r.updated_at', 'desc')
        .limit(500)
        .execute();
      const done = /^\d{12}$/.test(String(request.query.accepted ?? '')) ? { outcome: 'accepted', ubrn: formatUbrn(String(request.query.accepted)) }
        : /^\d{12}$/.test(String(request.query.rejected ?? '')) ? { outcome: 'rejected', ubrn: formatUbrn(String(request.query.rejected)) } : null;
      return sendPage(request, reply, 'provider-referrals.njk', {
        title: 'Referrals to review',
        done,
        rows: rows.map((r) => ({
          ubrn: r.ubrn,
          patient: `${r.patient_given_name} ${r.patient_family_name}`,
          nhsNumber: nhsNumber(r.patient_nhs_number),
          specialty: r.specialty,
          priority: PRIORITY_TEXT[r.priority],
          service: r.service,
          when: r.status === 'BOOKED' && r.starts_at ? `Booked: ${formatDateTime(new Date(r.starts_at).toISOString())}` : `Deferred: contact by ${r.contact_by ? formatDate(r.contact_by) : ''}`,
        })),
      });
    });

    const referralPage = (request: FastifyRequest, reply: FastifyReply, referral: Referral, errors: FieldError[], status = 200) => {
      const at = referral.shortlist.find((o) => o.service.id === (referral.appointment?.serviceId ?? referral.deferral?.serviceId));
      return sendPage(request, reply, 'provider-referral.njk', {
        title: `Referral ${formatUbrn(referral.ubrn)}`,
        ubrn: referral.ubrn,
        patientName: `${referral.patient.givenName} ${referral.patient.familyName}`,
        nhsNumber: nhsNumber(referral.patient.nhsNumber),
        dateOfBirth: formatDate(referral.patient.dateOfBirth),
        specialty: referral.specialty.name,
        priority: PRIORITY_TEXT[referral.priority],
        referrer: referral.referringOrganisation.name,
        clinicalSummary: referral.clinicalSummary,
        service: at?.service.name ?? '',
        appointment: referral.appointment ? formatDateTime(referral.appointment.start) : null,
        contactBy: referral.deferral ? formatDate(referral.deferral.contactBy) : null,
        errors,
        errorList: errorList(errors),
      }, status);
    };
    app.get<{ Params: { ubrn: string } }>('/provider/referrals/:ubrn', { config: page }, async (request, reply) => {
      const referral = await findReviewable(staffOf(request), request.params.ubrn);
      if (!referral) return notFoundHere(request, reply);
      return referralPage(request, reply, referral, []);
    });
    app.post<{ Params: { ubrn: string } }>('/provider/referrals/:ubrn/accept', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const referral = await findReviewable(staff, request.params.ubrn);
      if (!referral) return notFoundHere(request, reply);
      try {
        await reviewReferral(deps, staff, referral.ubrn, 'ACCEPT', null, null);
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        return referralPage(request, reply, referral, [{ field: 'review', href: '#accept', message: sentence(err.detail) }], err.status);
      }
      return seeOther(reply, `/provider/referrals?accepted=${referral.ubrn}`);
    });

    const rejectPage = (request: FastifyRequest, reply: FastifyReply, referral: Referral, values: { reason: string; note: string }, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'provider-reject.njk', {
        title: 'Why are you rejecting this referral?',
        back: `/provider/referrals/${referral.ubrn}`,
        ubrn: referral.ubrn,
        patientName: `${referral.patient.givenName} ${referral.patient.familyName}`,
        values,
        errors,
        errorList: errorList(errors),
        err: { reason: errorFor(errors, 'reason'), note: errorFor(errors, 'note') },
        items: Object.entries(REJECTION_REASONS).map(([value, text]) => ({ value, text, checked: value === values.reason })),
      }, status);
    app.get<{ Params: { ubrn: string } }>('/provider/referrals/:ubrn/reject', { config: page }, async (request, reply) => {
      const referral = await findReviewable(staffOf(request), request.params.ubrn);
      if (!referral) return notFoundHere(request, reply);
      return rejectPage(request, reply, referral, { reason: '', note: '' }, []);
    });
    app.post<{ Params: { ubrn: string } }>('/provider/referrals/:ubrn/reject', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const referral = await findReviewable(staff, request.params.ubrn);
      if (!referral) return notFoundHere(request, reply);
      const body = (request.body ?? {}) as Body;
      const values = { reason: field(body, 'reason', 40), note: field(body, 'note', 1001) };
      const errors: FieldError[] = [];
      if (!isRejectionReason(values.reason)) errors.push({ field: 'reason', href: '#reason', message: 'Select why you are rejecting the referral' });
      if (values.note.length > 1000) errors.push({ field: 'note', href: '#note', message: 'Note must be 1,000 characters or fewer' });
      if (errors.length > 0 || !isRejectionReason(values.reason)) return rejectPage(request, reply, referral, values, errors, 400);
      try {
        await reviewReferral(deps, staff, referral.ubrn, 'REJECT', values.reason, values.note || null);
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        return rejectPage(request, reply, referral, values, [{ field: 'reason', href: '#reason', message: sentence(err.detail) }], err.status);
      }
      return seeOther(reply, `/provider/referrals?rejected=${referral.ubrn}`);
    });

    // The ASI worklist.
    app.get('/provider/asi', { config: page }, async (request, reply) => {
      const staff = staffOf(request);
      const items = await deferralsForProvider(db, staff.organisation.odsCode, londonDate());
      return sendPage(request, reply, 'provider-asi.njk', {
        title: 'Appointment slot issues',
        rows: items.map((d) => ({
          ubrn: d.ubrn,
          patient: d.patientName,
          specialty: d.specialty,
          service: d.service.name,
          priority: PRIORITY_TEXT[d.priority],
          contactBy: formatDate(d.contactBy),
          daysLeft: d.overdue ? `${plural(-d.daysLeft, 'day')} overdue` : d.daysLeft === 0 ? 'Today' : plural(d.daysLeft, 'day'),
          overdue: d.overdue,
        })),
      });
    });

    // Slots of one service.
    const slotsPage = async (request: FastifyRequest, reply: FastifyReply, service: { id: string; name: string; directly_bookable: boolean }, errors: FieldError[], status = 200) => {
      const query = request.query as { published?: string; existing?: string; withdrawn?: string };
      const from = new Date();
      const rows = await slotsWithStatus(db, service.id, { from, to: new Date(from.getTime() + SLOT_WEEKS * 7 * 86_400_000) }, MAX_SLOTS_SHOWN);
      const days: { day: string; slots: { id: string; time: string; status: string; free: boolean }[] }[] = [];
      for (const r of rows) {
        const day = formatDay(new Date(r.starts_at));
        const slot = { id: r.id, time: `${formatTime(new Date(r.starts_at))} to ${formatTime(new Date(r.ends_at))}`, status: r.status === 'free' ? 'Free' : r.status === 'booked' ? 'Booked' : 'Withdrawn', free: r.status === 'free' };
        const last = days.at(-1);
        if (last?.day === day) last.slots.push(slot);
        else days.push({ day, slots: [slot] });
      }
      return sendPage(request, reply, 'provider-slots.njk', {
        title: service.name,
        back: '/provider',
        serviceId: service.id,
        bookable: service.directly_bookable,
        days,
        count: rows.length,
        published: /^\d+$/.test(String(query.published ?? '')) ? { created: Number(query.published), existing: Number(query.existing ?? 0) } : null,
        withdrawn: query.withdrawn === '1',
        errors,
        errorList: errorList(errors),
      }, status);
    };
    const own = async (request: FastifyRequest, id: string) => {
      try {
        return await ownService(db, staffOf(request), id);
      } catch (err) {
        if (err instanceof Problem && err.status === 404) return null;
        throw err;
      }
    };
    app.get<{ Params: { id: string } }>('/provider/services/:id/slots', { config: page }, async (request, reply) => {
      const service = await own(request, request.params.id);
      if (!service) return notFoundHere(request, reply);
      return slotsPage(request, reply, service, []);
    });
    app.post<{ Params: { id: string; slotId: string } }>('/provider/services/:id/slots/:slotId/withdraw', { config: page }, async (request, reply) => {
      const service = await own(request, request.params.id);
      if (!service || !/^[0-9a-f-]{36}$/i.test(request.params.slotId)) return notFoundHere(request, reply);
      try {
        const { serviceId } = await withdraw(db, staffOf(request), request.params.slotId);
        if (serviceId !== service.id) return notFoundHere(request, reply);
        // Shortlists answered by this instance show the change at once.
        await deps.earliestSlots.refreshService(serviceId);
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        if (err.status === 404) return notFoundHere(request, reply);
        return slotsPage(request, reply, service, [{ field: 'slots', href: '#slots', message: sentence(err.detail) }], err.status);
      }
      return seeOther(reply, `/provider/services/${encodeURIComponent(service.id)}/slots?withdrawn=1`);
    });

    const publishPage = (request: FastifyRequest, reply: FastifyReply, service: { id: string; name: string }, values: PatternValues, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'provider-publish.njk', {
        title: 'Publish appointment slots',
        back: `/provider/services/${encodeURIComponent(service.id)}/slots`,
        serviceId: service.id,
        serviceName: service.name,
        values,
        errors,
        errorList: errorList(errors),
        err: Object.fromEntries(['from', 'weeks', 'days', 'times', 'minutes'].map((f) => [f, errorFor(errors, f)])),
        dayItems: WEEKDAYS.map((d) => ({ value: d, text: DAY_NAMES[d], checked: values.days.includes(d) })),
      }, status);
    app.get<{ Params: { id: string } }>('/provider/services/:id/slots/publish', { config: page }, async (request, reply) => {
      const service = await own(request, request.params.id);
      if (!service) return notFoundHere(request, reply);
      return publishPage(request, reply, service, { fromDay: '', fromMonth: '', fromYear: '', weeks: '', days: [], times: '', minutes: '' }, []);
    });
    app.post<{ Params: { id: string } }>('/provider/services/:id/slots/publish', { config: page }, async (request, reply) => {
      const service = await own(request, request.params.id);
      if (!service) return notFoundHere(request, reply);
      const read = readPattern((request.body ?? {}) as Body);
      if (!read.ok) return publishPage(request, reply, service, read.values, read.errors, 400);
      let published;
      try {
        published = await publish(db, service, read.slots, 'pattern');
        await deps.earliestSlots.refreshService(service.id);
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        return publishPage(request, reply, service, read.values, [{ field: 'times', href: '#times', message: sentence(err.detail) }], 422);
      }
      return seeOther(reply, `/provider/services/${encodeURIComponent(service.id)}/slots?published=${published.created}&existing=${published.existing}`);
    });
  };
}
