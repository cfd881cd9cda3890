// The waiting-too-long pages for providers, commissioners and administrators: PIDMAS invitations (with a printable
// letter) and clinical validation; DMAS requests for and offers of mutual aid, the proposed transfers into and out
// of a provider with why each was proposed; and the national board with the matching run.
import type { Deps } from '../deps.ts';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { StaffPrincipal } from '../http/principal.ts';
import { isCalendarDate, londonDate } from '../domain/dates.ts';
import { ROLES, staffOf } from '../http/access.ts';
import { Problem } from '../http/problem.ts';
import { runMatching } from '../mutual-aid/matching-run.ts';
import { closeRequest, createOffer, createRequest, nationalBoard, type NewOffer, type NewRequest, ownMutualAid, withdrawOffer } from '../mutual-aid/service.ts';
import { DECLINE_REASONS, type DeclineReason, decideTransfer, type TransferItem, transfersFor } from '../mutual-aid/transfers.ts';
import { invitationCandidates, invitePatient, NOT_SUITABLE_REASONS, type NotSuitableReason, validateRequest, validationWorklist } from '../pidmas/service.ts';
import { listSpecialties } from '../reference/queries.ts';
import { formatDate, formatDateTime, formatKm, formatMiles, plural } from './filters.ts';
import { seeOther, sendPage } from './page.ts';
import { errorFor, errorList, type FieldError } from './form-fields.ts';
import { formatUbrn } from './filters.ts';
import { field, sentence, type Body } from './form-fields.ts';
import { kmToMiles } from '../domain/distance.ts';

const provider = { access: ROLES('provider'), page: true } as const;
const oversight = { access: ROLES('commissioner', 'admin'), page: true } as const;

const distanceText = (km: number) => `${formatMiles(kmToMiles(km))} (${formatKm(km)})`;
const statusText = (s: string) => {
  const t = s.replaceAll('_', ' ').toLowerCase();
  return t.charAt(0).toUpperCase() + t.slice(1);
};
const isNotSuitableReason = (v: string): v is NotSuitableReason => Object.hasOwn(NOT_SUITABLE_REASONS, v);
const isDeclineReason = (v: string): v is DeclineReason => Object.hasOwn(DECLINE_REASONS, v);
const TRAVEL_TEXT: Record<string, string> = { '50_MILES': 'Up to 50 miles', '100_MILES': 'Up to 100 miles', ANYWHERE: 'Anywhere in England' };
const SUPPORT_TEXT: Record<string, string> = { TRANSPORT: 'Transport', INTERPRETER: 'An interpreter', ADVOCACY: 'An advocate' };
const COMPLEXITY_TEXT: Record<string, string> = { ROUTINE: 'Routine cases only', ROUTINE_AND_COMPLEX: 'Routine and complex cases' };
const SCOPE_TEXT: Record<string, string> = { ICB: 'Within the integrated care board', NATIONAL: 'Nationally' };

/** The NHS date input's three fields: the values to show again, and the ISO date or the problem with it. */
function readDate(body: Body, name: string, label: string): { values: { day: string; month: string; year: string }; date: string | null; error: FieldError | null } {
  const values = { day: field(body, `${name}[day]`, 4), month: field(body, `${name}[month]`, 4), year: field(body, `${name}[year]`, 6) };
  const href = `#${name}-day`;
  const iso = `${values.year.padStart(4, '0')}-${values.month.padStart(2, '0')}-${values.day.padStart(2, '0')}`;
  if (!values.day && !values.month && !values.year) return { values, date: null, error: { field: name, href, message: `Enter the ${label}` } };
  if (!/^\d{1,2}$/.test(values.day) || !/^\d{1,2}$/.test(values.month) || !/^\d{4}$/.test(values.year) || !isCalendarDate(iso)) {
    return { values, date: null, error: { field: name, href, message: `${sentence(label)} must be a real date` } };
  }
  return { values, date: iso, error: null };
}

/** A whole number within bounds; '' when optional and empty. */
function readWhole(raw: string, name: string, label: string, min: number, max: number, optional = false): { value: number | null; error: FieldError | null } {
  if (!raw) return optional ? { value: null, error: null } : { value: null, error: { field: name, href: `#${name}`, message: `Enter the ${label}` } };
  const n = Number(raw);
  if (!/^\d{1,6}$/.test(raw) || n < min || n > max) return { value: null, error: { field: name, href: `#${name}`, message: `${sentence(label)} must be a whole number from ${min} to ${max.toLocaleString('en-GB')}` } };
  return { value: n, error: null };
}

/** The service's problems (422 with field errors) as errors against the form's fields. */
function problemErrors(err: Problem, hrefs: Record<string, string>, labels: Record<string, string>, fallback: string): FieldError[] {
  if (!err.errors?.length) return [{ field: fallback, href: hrefs[fallback] ?? `#${fallback}`, message: sentence(err.detail) }];
  return err.errors.map((e) => {
    const f = Object.hasOwn(hrefs, e.field) ? e.field : fallback;
    return { field: f, href: hrefs[f] ?? `#${f}`, message: `${labels[f] ?? 'This'} ${e.message}` };
  });
}

type DateValues = { day: string; month: string; year: string };
const emptyDate = (): DateValues => ({ day: '', month: '', year: '' });

interface RequestValues { specialty: string; patients: string; neededBy: DateValues; constraints: string }
interface OfferValues { serviceId: string; capacityPerWeek: string; startsOn: DateValues; endsOn: DateValues; minAge: string; maxAge: string; complexity: string; notes: string }

export function mutualAidPages(deps: Deps) {
  const { database } = deps;
  const { db } = database;
  const notFoundHere = (request: FastifyRequest, reply: FastifyReply) => sendPage(request, reply, 'not-found.njk', { title: 'Page not found' }, 404);
  const idOf = (raw: string) => (/^\d{1,9}$/.test(raw) ? Number(raw) : null);

  const ownServices = (staff: StaffPrincipal) =>
    db
      .selectFrom('service as s')
      .innerJoin('specialty as sp', 'sp.code', 's.specialty_code')
      .select(['s.id', 's.name', 'sp.name as specialty'])
      .where('s.provider_ods_code', '=', staff.organisation.odsCode)
      .where('s.active', '=', true)
      .orderBy('sp.name')
      .orderBy('s.name')
      .limit(1000)
      .execute();

  return async function (app: FastifyInstance) {
    // ------------------------------------------------------------ PIDMAS: invitations
    const candidatesPage = async (request: FastifyRequest, reply: FastifyReply, errors: FieldError[], status = 200) => {
      const staff = staffOf(request);
      const candidates = await invitationCandidates(deps, staff);
      return sendPage(request, reply, 'provider-pidmas.njk', {
        title: 'Patients who may ask to move provider',
        back: '/provider',
        thresholdWeeks: deps.config.pidmas.thresholdWeeks,
        errors,
        errorList: errorList(errors),
        rows: candidates.map((c) => ({
          ubrn: c.ubrn,
          formattedUbrn: formatUbrn(c.ubrn),
          patient: c.patientName,
          specialty: c.specialty,
          weeks: plural(c.weeksWaited, 'week'),
          eligible: c.eligibility.eligible,
          failed: c.eligibility.rules.filter((r) => !r.passed).map((r) => r.explanation),
          status: c.requestStatus ? statusText(c.requestStatus) : 'Not asked yet',
          canInvite: c.eligibility.eligible && (c.requestStatus === null || c.requestStatus === 'INVITED'),
          invited: c.requestStatus === 'INVITED',
          error: errors.find((e) => e.field === `invite-${c.ubrn}`)?.message ?? null,
        })),
      }, status);
    };
    app.get('/provider/pidmas', { config: provider }, async (request, reply) => candidatesPage(request, reply, []));
    app.post('/provider/pidmas/invitations', { config: provider }, async (request, reply) => {
      const staff = staffOf(request);
      const ubrn = field((request.body ?? {}) as Body, 'ubrn', 20).replace(/\s/g, '');
      if (!/^\d{12}$/.test(ubrn)) return notFoundHere(request, reply);
      let invited;
      try {
        invited = await invitePatient(deps, staff, ubrn);
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        if (err.status === 404) return notFoundHere(request, reply);
        return candidatesPage(request, reply, [{ field: `invite-${ubrn}`, href: `#invite-${ubrn}`, message: sentence(err.detail) }], err.status);
      }
      const r = await db
        .selectFrom('referral as r')
        .innerJoin('specialty as sp', 'sp.code', 'r.specialty_code')
        .select(['r.patient_given_name', 'r.patient_family_name', 'sp.name as specialty'])
        .where('r.ubrn', '=', ubrn)
        .executeTakeFirstOrThrow();
      // The access code is shown on this page only: answered to the POST, never stored for a later GET.
      return sendPage(request, reply, 'provider-pidmas-invited.njk', {
        title: 'Invitation sent',
        patientName: `${r.patient_given_name} ${r.patient_family_name}`,
        specialty: r.specialty,
        provider: staff.organisation.name,
        thresholdWeeks: deps.config.pidmas.thresholdWeeks,
        ubrn: formatUbrn(invited.ubrn),
        rawUbrn: invited.ubrn,
        accessCode: invited.accessCode,
        date: formatDate(londonDate()),
        manageUrl: `${deps.config.publicUrl}/manage`,
      });
    });

    // ------------------------------------------------------------ PIDMAS: clinical validation
    type Decision = { suitable: string; reason: string };
    const validationPage = async (request: FastifyRequest, reply: FastifyReply, failed: { id: number; values: Decision; errors: FieldError[] } | null, status = 200) => {
      const query = request.query as { validated?: string; outcome?: string };
      const items = await validationWorklist(deps, staffOf(request));
      const errors = failed?.errors ?? [];
      return sendPage(request, reply, 'provider-pidmas-validation.njk', {
        title: 'Requests to move: clinical validation',
        back: '/provider',
        done: idOf(String(query.validated ?? '')) !== null ? { suitable: query.outcome === 'suitable' } : null,
        errors,
        errorList: errorList(errors),
        items: items.map((q) => {
          const mine = failed?.id === q.id ? failed : null;
          return {
            id: q.id,
            ubrn: formatUbrn(q.ubrn),
            patient: q.patientName,
            specialty: q.specialty,
            weeks: plural(q.weeksWaited, 'week'),
            travel: q.travel ? TRAVEL_TEXT[q.travel] ?? q.travel : 'Not given',
            support: q.supportNeeded.length ? q.supportNeeded.map((s) => SUPPORT_TEXT[s] ?? s).join(', ') : 'None',
            unavailable: q.unavailableDates || 'None given',
            optedIn: formatDateTime(q.optedInAt),
            err: { suitable: mine ? errorFor(mine.errors, 'suitable') : undefined, reason: mine ? errorFor(mine.errors, 'reason') : undefined },
            suitableItems: [
              { value: 'yes', text: 'Yes, suitable to move', checked: mine?.values.suitable === 'yes' },
              { value: 'no', text: 'No, not suitable', checked: mine?.values.suitable === 'no' },
            ],
            reasonItems: Object.entries(NOT_SUITABLE_REASONS).map(([value, text]) => ({ value, text, checked: mine?.values.reason === value })),
          };
        }),
      }, status);
    };
    app.get('/provider/pidmas/validation', { config: provider }, async (request, reply) => validationPage(request, reply, null));
    app.post<{ Params: { id: string } }>('/provider/pidmas/validation/:id', { config: provider }, async (request, reply) => {
      const id = idOf(request.params.id);
      if (id === null) return notFoundHere(request, reply);
      const body = (request.body ?? {}) as Body;
      const values = { suitable: field(body, 'suitable', 4), reason: field(body, 'reason', 40) };
      const errors: FieldError[] = [];
      if (values.suitable !== 'yes' && values.suitable !== 'no') errors.push({ field: 'suitable', href: `#suitable-${id}`, message: 'Select whether the patient is suitable to move' });
      else if (values.suitable === 'no' && !isNotSuitableReason(values.reason)) errors.push({ field: 'reason', href: `#reason-${id}`, message: 'Select why the patient is not suitable to move' });
      if (errors.length > 0) return validationPage(request, reply, { id, values, errors }, 400);
      const suitable = values.suitable === 'yes';
      try {
        await validateRequest(deps, staffOf(request), id, { suitable, reason: !suitable && isNotSuitableReason(values.reason) ? values.reason : null });
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        if (err.status === 404) return notFoundHere(request, reply);
        return validationPage(request, reply, { id, values, errors: [{ field: 'suitable', href: `#suitable-${id}`, message: sentence(err.detail) }] }, err.status);
      }
      return seeOther(reply, `/provider/pidmas/validation?validated=${id}&outcome=${suitable ? 'suitable' : 'not-suitable'}`);
    });

    // ------------------------------------------------------------ DMAS: the provider's requests and offers
    app.get('/provider/mutual-aid', { config: provider }, async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const own = await ownMutualAid(database, staffOf(request));
      const outcome = query.requested ? 'Your request for mutual aid was posted.'
        : query.offered ? 'Your offer of capacity was posted.'
        : query.closed ? 'The request was closed.'
        : query.withdrawn ? 'The offer was withdrawn.' : null;
      return sendPage(request, reply, 'mutual-aid-own.njk', {
        title: 'Mutual aid',
        back: '/provider',
        outcome,
        problem: query.problem === 'offered' ? 'A patient has been offered a place from this capacity: wait for their answer before withdrawing it.' : null,
        requests: own.requests.map((q) => ({ id: q.id, specialty: q.specialty.name, patients: q.patients, neededBy: formatDate(q.neededBy), constraints: q.constraints, status: statusText(q.status), open: q.status === 'OPEN' })),
        offers: own.offers.map((o) => ({
          id: o.id,
          service: o.service,
          specialty: o.specialty.name,
          perWeek: o.capacityPerWeek,
          period: `${formatDate(o.startsOn)} to ${formatDate(o.endsOn)}`,
          ages: o.minAge === null && o.maxAge === null ? 'Any age' : o.maxAge === null ? `${o.minAge} and over` : o.minAge === null ? `Up to ${o.maxAge}` : `${o.minAge} to ${o.maxAge}`,
          complexity: COMPLEXITY_TEXT[o.complexity] ?? o.complexity,
          left: o.capacityLeft,
          used: o.placesUsed,
          status: statusText(o.status),
          open: o.status === 'OPEN',
        })),
      });
    });

    // Ask for mutual aid.
    const requestPage = async (request: FastifyRequest, reply: FastifyReply, values: RequestValues, errors: FieldError[], status = 200) => {
      const specialties = await listSpecialties(db, { listedOnly: true });
      return sendPage(request, reply, 'mutual-aid-request.njk', {
        title: 'Ask for mutual aid',
        back: '/provider/mutual-aid',
        values,
        errors,
        errorList: errorList(errors),
        err: Object.fromEntries(['specialty', 'patients', 'neededBy', 'constraints'].map((f) => [f, errorFor(errors, f)])),
        specialtyItems: [{ value: '', text: 'Choose a specialty', selected: !values.specialty }, ...specialties.map((s) => ({ value: s.code, text: s.name, selected: s.code === values.specialty }))],
      }, status);
    };
    app.get('/provider/mutual-aid/requests/new', { config: provider }, async (request, reply) =>
      requestPage(request, reply, { specialty: '', patients: '', neededBy: emptyDate(), constraints: '' }, []),
    );
    app.post('/provider/mutual-aid/requests/new', { config: provider }, async (request, reply) => {
      const body = (request.body ?? {}) as Body;
      const neededBy = readDate(body, 'neededBy', 'date you need help by');
      const values: RequestValues = { specialty: field(body, 'specialty', 10), patients: field(body, 'patients', 8), neededBy: neededBy.values, constraints: field(body, 'constraints', 1001) };
      const errors: FieldError[] = [];
      const specialties = new Set((await listSpecialties(db, { listedOnly: true })).map((s) => s.code));
      if (!specialties.has(values.specialty)) errors.push({ field: 'specialty', href: '#specialty', message: 'Select the specialty you need help with' });
      const patients = readWhole(values.patients, 'patients', 'number of patients', 1, 100000);
      if (patients.error) errors.push(patients.error);
      if (neededBy.error) errors.push(neededBy.error);
      else if (neededBy.date! < londonDate()) errors.push({ field: 'neededBy', href: '#neededBy-day', message: 'The date you need help by must be today or in the future' });
      if (values.constraints.length > 1000) errors.push({ field: 'constraints', href: '#constraints', message: 'Constraints must be 1,000 characters or fewer' });
      if (errors.length > 0) return requestPage(request, reply, values, errors, 400);
      const answer: NewRequest = { specialty: values.specialty, patients: patients.value!, neededBy: neededBy.date!, constraints: values.constraints };
      try {
        await createRequest(database, staffOf(request), answer);
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        const found = problemErrors(err, { specialty: '#specialty', neededBy: '#neededBy-day' }, { specialty: 'Specialty', neededBy: 'The date you need help by' }, 'specialty');
        return requestPage(request, reply, values, found, err.status);
      }
      return seeOther(reply, '/provider/mutual-aid?requested=1');
    });

    // Offer capacity.
    const offerPage = async (request: FastifyRequest, reply: FastifyReply, values: OfferValues, errors: FieldError[], status = 200) => {
      const services = await ownServices(staffOf(request));
      return sendPage(request, reply, 'mutual-aid-offer.njk', {
        title: 'Offer capacity',
        back: '/provider/mutual-aid',
        values,
        errors,
        errorList: errorList(errors),
        err: Object.fromEntries(['serviceId', 'capacityPerWeek', 'startsOn', 'endsOn', 'minAge', 'maxAge', 'complexity', 'notes'].map((f) => [f, errorFor(errors, f)])),
        serviceItems: [{ value: '', text: 'Choose a service', selected: !values.serviceId }, ...services.map((s) => ({ value: s.id, text: `${s.specialty}: ${s.name}`, selected: s.id === values.serviceId }))],
        complexityItems: Object.entries(COMPLEXITY_TEXT).map(([value, text]) => ({ value, text, checked: value === values.complexity })),
      }, status);
    };
    app.get('/provider/mutual-aid/offers/new', { config: provider }, async (request, reply) =>
      offerPage(request, reply, { serviceId: '', capacityPerWeek: '', startsOn: emptyDate(), endsOn: emptyDate(), minAge: '', maxAge: '', complexity: '', notes: '' }, []),
    );
    app.post('/provider/mutual-aid/offers/new', { config: provider }, async (request, reply) => {
      const staff = staffOf(request);
      const body = (request.body ?? {}) as Body;
      const startsOn = readDate(body, 'startsOn', 'start date');
      const endsOn = readDate(body, 'endsOn', 'end date');
      const values: OfferValues = {
        serviceId: field(body, 'serviceId', 200), capacityPerWeek: field(body, 'capacityPerWeek', 8), startsOn: startsOn.values, endsOn: endsOn.values,
        minAge: field(body, 'minAge', 4), maxAge: field(body, 'maxAge', 4), complexity: field(body, 'complexity', 30), notes: field(body, 'notes', 1001),
      };
      const errors: FieldError[] = [];
      const services = await ownServices(staff);
      if (!services.some((s) => s.id === values.serviceId)) errors.push({ field: 'serviceId', href: '#serviceId', message: 'Select the service that has capacity' });
      const perWeek = readWhole(values.capacityPerWeek, 'capacityPerWeek', 'number of places each week', 1, 10000);
      if (perWeek.error) errors.push(perWeek.error);
      if (startsOn.error) errors.push(startsOn.error);
      if (endsOn.error) errors.push(endsOn.error);
      else if (startsOn.date && endsOn.date! < startsOn.date) errors.push({ field: 'endsOn', href: '#endsOn-day', message: 'End date must be the same as or after the start date' });
      else if (endsOn.date! < londonDate()) errors.push({ field: 'endsOn', href: '#endsOn-day', message: 'End date must be today or in the future' });
      const minAge = readWhole(values.minAge, 'minAge', 'minimum age', 0, 130, true);
      const maxAge = readWhole(values.maxAge, 'maxAge', 'maximum age', 0, 130, true);
      if (minAge.error) errors.push(minAge.error);
      if (maxAge.error) errors.push(maxAge.error);
      else if (minAge.value !== null && maxAge.value !== null && maxAge.value < minAge.value) errors.push({ field: 'maxAge', href: '#maxAge', message: 'Maximum age must be the same as or more than the minimum age' });
      if (values.complexity !== 'ROUTINE' && values.complexity !== 'ROUTINE_AND_COMPLEX') errors.push({ field: 'complexity', href: '#complexity', message: 'Select which patients you can take' });
      if (values.notes.length > 1000) errors.push({ field: 'notes', href: '#notes', message: 'Notes must be 1,000 characters or fewer' });
      if (errors.length > 0) return offerPage(request, reply, values, errors, 400);
      const answer: NewOffer = {
        serviceId: values.serviceId, capacityPerWeek: perWeek.value!, startsOn: startsOn.date!, endsOn: endsOn.date!, minAge: minAge.value, maxAge: maxAge.value,
        complexity: values.complexity as NewOffer['complexity'], notes: values.notes,
      };
      try {
        await createOffer(database, staff, answer);
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        const found = problemErrors(err, { serviceId: '#serviceId', endsOn: '#endsOn-day', maxAge: '#maxAge' }, { serviceId: 'The service', endsOn: 'End date', maxAge: 'Maximum age' }, 'serviceId');
        return offerPage(request, reply, values, found, err.status);
      }
      return seeOther(reply, '/provider/mutual-aid?offered=1');
    });

    app.post<{ Params: { id: string } }>('/provider/mutual-aid/requests/:id/close', { config: provider }, async (request, reply) => {
      const id = idOf(request.params.id);
      if (id === null) return notFoundHere(request, reply);
      try {
        await closeRequest(database, staffOf(request), id);
      } catch (err) {
        if (err instanceof Problem && err.status === 404) return notFoundHere(request, reply);
        throw err;
      }
      return seeOther(reply, '/provider/mutual-aid?closed=1');
    });
    app.post<{ Params: { id: string } }>('/provider/mutual-aid/offers/:id/withdraw', { config: provider }, async (request, reply) => {
      const id = idOf(request.params.id);
      if (id === null) return notFoundHere(request, reply);
      try {
        await withdrawOffer(database, staffOf(request), id);
      } catch (err) {
        if (err instanceof Problem && err.status === 404) return notFoundHere(request, reply);
        if (err instanceof Problem && err.status === 409) return seeOther(reply, '/provider/mutual-aid?problem=offered');
        throw err;
      }
      return seeOther(reply, '/provider/mutual-aid?withdrawn=1');
    });

    // ------------------------------------------------------------ DMAS: proposed transfers
    const transferView = (t: TransferItem) => ({
      id: t.id,
      ubrn: formatUbrn(t.ubrn),
      rawUbrn: t.ubrn,
      specialty: t.specialty,
      from: t.fromProvider,
      to: t.toProvider,
      service: t.toService,
      site: t.site,
      distance: distanceText(t.distanceKm),
      wait: plural(t.waitWeeks, 'week'),
      scope: SCOPE_TEXT[t.scope] ?? t.scope,
      why: t.explanation.why,
      alternatives: t.explanation.alternatives.map((a) => `${a.provider}, ${distanceText(a.distanceKm)}`),
      status: statusText(t.status),
      proposed: t.status === 'PROPOSED',
      created: formatDateTime(t.createdAt),
    });
    app.get('/provider/mutual-aid/transfers', { config: provider }, async (request, reply) => {
      const query = request.query as Record<string, string | undefined>;
      const { incoming, outgoing } = await transfersFor(deps, staffOf(request));
      return sendPage(request, reply, 'mutual-aid-transfers.njk', {
        title: 'Proposed transfers',
        back: '/provider/mutual-aid',
        outcome: query.accepted ? 'You accepted the transfer. The patient has been offered the move and will say whether they accept.' : query.declined ? 'You declined the transfer. The patient goes back into the pool for the next matching run.' : null,
        problem: query.problem === 'decided' ? 'That transfer is no longer waiting for your decision.' : null,
        incoming: incoming.map(transferView),
        outgoing: outgoing.map(transferView),
      });
    });
    app.post<{ Params: { id: string } }>('/provider/mutual-aid/transfers/:id/accept', { config: provider }, async (request, reply) => {
      const id = idOf(request.params.id);
      if (id === null) return notFoundHere(request, reply);
      try {
        await decideTransfer(deps, staffOf(request), id, 'ACCEPT', null);
      } catch (err) {
        if (err instanceof Problem && err.status === 404) return notFoundHere(request, reply);
        if (err instanceof Problem && err.status === 409) return seeOther(reply, '/provider/mutual-aid/transfers?problem=decided');
        throw err;
      }
      return seeOther(reply, `/provider/mutual-aid/transfers?accepted=${id}`);
    });
    const incomingProposed = async (staff: StaffPrincipal, id: number) => (await transfersFor(deps, staff)).incoming.find((t) => t.id === id && t.status === 'PROPOSED') ?? null;
    const declinePage = async (request: FastifyRequest, reply: FastifyReply, t: TransferItem, reason: string, errors: FieldError[], status = 200) =>
      sendPage(request, reply, 'mutual-aid-decline.njk', {
        title: 'Why are you declining this transfer?',
        back: '/provider/mutual-aid/transfers',
        id: t.id,
        ubrn: formatUbrn(t.ubrn),
        from: t.fromProvider,
        errors,
        errorList: errorList(errors),
        err: { reason: errorFor(errors, 'reason') },
        items: Object.entries(DECLINE_REASONS).map(([value, text]) => ({ value, text, checked: value === reason })),
      }, status);
    app.get<{ Params: { id: string } }>('/provider/mutual-aid/transfers/:id/decline', { config: provider }, async (request, reply) => {
      const id = idOf(request.params.id);
      const t = id === null ? null : await incomingProposed(staffOf(request), id);
      if (!t) return notFoundHere(request, reply);
      return declinePage(request, reply, t, '', []);
    });
    app.post<{ Params: { id: string } }>('/provider/mutual-aid/transfers/:id/decline', { config: provider }, async (request, reply) => {
      const staff = staffOf(request);
      const id = idOf(request.params.id);
      const t = id === null ? null : await incomingProposed(staff, id);
      if (!t) return notFoundHere(request, reply);
      const reason = field((request.body ?? {}) as Body, 'reason', 40);
      if (!isDeclineReason(reason)) return declinePage(request, reply, t, reason, [{ field: 'reason', href: '#reason', message: 'Select why you are declining the transfer' }], 400);
      try {
        await decideTransfer(deps, staff, t.id, 'DECLINE', reason);
      } catch (err) {
        if (!(err instanceof Problem) || err.status >= 500) throw err;
        return declinePage(request, reply, t, reason, [{ field: 'reason', href: '#reason', message: sentence(err.detail) }], err.status);
      }
      return seeOther(reply, `/provider/mutual-aid/transfers?declined=${t.id}`);
    });

    // ------------------------------------------------------------ the national board and the matching run
    app.get('/mutual-aid/board', { config: oversight }, async (request, reply) => {
      const q = request.query as Record<string, string | undefined>;
      const num = (v: string | undefined) => (/^\d{1,7}$/.test(String(v ?? '')) ? Number(v) : 0);
      const ran = q.ran === '1' ? { patients: num(q.patients), offers: num(q.offers), proposed: num(q.proposed), withinIcb: num(q.withinIcb), noMatch: num(q.noMatch), unchanged: q.unchanged === '1' } : null;
      const rows = await nationalBoard(database);
      const runs = await db.selectFrom('match_run').select(['id', 'trigger', 'started_at', 'summary']).orderBy('id', 'desc').limit(20).execute();
      return sendPage(request, reply, 'mutual-aid-board.njk', {
        title: 'Mutual aid: the national board',
        ran,
        rows: rows.map((r) => ({ ...r, specialty: r.specialty.name })),
        runs: runs.map((r) => {
          const s = (r.summary ?? {}) as Partial<Record<'patients' | 'offers' | 'proposed' | 'proposedWithinIcb' | 'noMatch', number>>;
          return { id: r.id, when: formatDateTime(new Date(r.started_at).toISOString()), trigger: r.trigger, patients: s.patients ?? 0, offers: s.offers ?? 0, proposed: s.proposed ?? 0, withinIcb: s.proposedWithinIcb ?? 0, noMatch: s.noMatch ?? 0 };
        }),
      });
    });
    app.post('/mutual-aid/board/matching-runs', { config: oversight }, async (request, reply) => {
      const s = await runMatching(deps, staffOf(request).username);
      const params = new URLSearchParams({ ran: '1', patients: String(s.patients), offers: String(s.offers), proposed: String(s.proposed), withinIcb: String(s.proposedWithinIcb), noMatch: String(s.noMatch), unchanged: s.unchanged ? '1' : '0' });
      return seeOther(reply, `/mutual-aid/board?${params}#run-summary`);
    });
  };
}
