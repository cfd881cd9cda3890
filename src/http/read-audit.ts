// Who saw what (issue 12): every answer that shows a patient's record records, for each patient or referral shown,
// who saw it (account, role, organisation), whose it was (UBRN, NHS number), when and why (the route template and
// a purpose). A route says so in its config (`audit: READS('referral')`); its handler names what it showed with
// auditReads(request, …), or, for a JSON answer, the hook finds the UBRNs and NHS numbers in what it sends.
//
// The rows are written after the answer has gone, in one INSERT of their own (never in the read's transaction):
// a read never fails or waits for want of an audit row. A failed write is logged as a security event (no patient
// identifiers in it) and counted, so an operator is alerted; the answer is not withdrawn. See README, "Who saw what".
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { DB } from '../db/schema.ts';
import { readAuditWriteFailures } from './metrics.ts';

/** What a route shows of patients, declared in `config.audit`; the walk in src/read-audit/walk.test.ts checks it. */
export interface ReadAuditDeclaration {
  /** the kind of record shown: one referral, a list of them (a worklist, an export), or the patient's own */
  reads: 'referral' | 'referrals' | 'pathways' | 'messages' | 'transfers' | 'requests' | 'cases';
  /** why such a read happens, when the route knows (e.g. 'triage', 'booking on the patient's behalf') */
  purpose?: string;
}

export const READS = (reads: ReadAuditDeclaration['reads'], purpose?: string): ReadAuditDeclaration => (purpose ? { reads, purpose } : { reads });

/** One patient or referral shown: its UBRN, the patient's NHS number, or both. */
export interface ReadSubject {
  ubrn?: string | null;
  nhsNumber?: string | null;
  /** the name worklist rows give the NHS number */
  patientNhsNumber?: string | null;
}

declare module 'fastify' {
  interface FastifyContextConfig {
    audit?: ReadAuditDeclaration;
  }
}

const subjectsOf = new WeakMap<FastifyRequest, ReadSubject[]>();

/**
 * Records that this answer shows these patients or referrals (call it with what the handler returns). Written
 * once the answer has been sent, and only if it succeeded. Any route may call it, declared or not.
 */
export function auditReads(request: FastifyRequest, subjects: Iterable<ReadSubject>): void {
  let list = subjectsOf.get(request);
  if (!list) subjectsOf.set(request, (list = []));
  for (const s of subjects) {
    const nhsNumber = s.nhsNumber ?? s.patientNhsNumber ?? null;
    if (s.ubrn || nhsNumber) list.push({ ubrn: s.ubrn ?? null, nhsNumber });
  }
}

const UBRN = /^\d{12}$/;
const NHS_NUMBER = /^\d{10}$/;

/** The UBRNs and NHS numbers in a JSON answer: `ubrn` keys with their nearest `nhsNumber`/`patientNhsNumber`. */
export function subjectsInJson(value: unknown, found: ReadSubject[] = []): ReadSubject[] {
  if (Array.isArray(value)) {
    for (const item of value) subjectsInJson(item, found);
  } else if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const ubrn = typeof record.ubrn === 'string' && UBRN.test(record.ubrn) ? record.ubrn : null;
    const nhs = [record.nhsNumber, record.patientNhsNumber, (record.patient as Record<string, unknown> | undefined)?.nhsNumber].find(
      (n): n is string => typeof n === 'string' && NHS_NUMBER.test(n),
    );
    if (ubrn || nhs) found.push({ ubrn, nhsNumber: nhs ?? null });
    for (const [key, inner] of Object.entries(record)) if (key !== 'patient' && inner !== null && typeof inner === 'object') subjectsInJson(inner, found);
  }
  return found;
}

/** Failed audit writes since start, for operators (metrics and the health detail read it). */
export const readAuditFailures = { count: 0 };

export interface ReadAuditOptions {
  /** Where rows go; tests hand in one that fails to prove a read survives. */
  insert?: (db: Kysely<DB>, rows: ReadonlyArray<Record<string, unknown>>) => Promise<unknown>;
}

const pendingWrites = new WeakMap<FastifyInstance, Set<Promise<void>>>();

/** Resolves when every audit write already started has finished (tests read the table after it). */
export async function readAuditSettled(app: FastifyInstance): Promise<void> {
  const pending = pendingWrites.get(app);
  while (pending && pending.size > 0) await Promise.all([...pending]);
}

/**
 * What a declared route that named nothing showed: the referral in its path (`:ubrn`, answered 2xx only when the
 * caller may see it), or the signed-in patient's own referral (the /manage pages).
 */
function implicitSubjects(request: FastifyRequest): ReadSubject[] {
  if (!request.routeOptions.config?.audit) return [];
  const ubrn = (request.params as { ubrn?: unknown } | undefined)?.ubrn;
  if (typeof ubrn === 'string' && UBRN.test(ubrn)) return [{ ubrn }];
  if (request.principal?.kind === 'patient') return [{ ubrn: request.principal.ubrn }];
  return [];
}

export function registerReadAudit(app: FastifyInstance, db: Kysely<DB>, options: ReadAuditOptions = {}): void {
  const insert = options.insert ?? ((d, rows) => d.insertInto('patient_read_audit').values(rows as never).execute());
  const pending = new Set<Promise<void>>();
  pendingWrites.set(app, pending);
  // Stopping waits for the last reads' rows: the database closes after.
  app.addHook('onClose', async () => readAuditSettled(app));

  // A JSON answer of a declared route whose handler named nothing: what leaves is what was read.
  app.addHook('preSerialization', async (request, reply, payload) => {
    if (request.routeOptions.config?.audit && reply.statusCode < 300 && !subjectsOf.has(request)) {
      const found = subjectsInJson(payload);
      if (found.length > 0) auditReads(request, found);
    }
    return payload;
  });

  app.addHook('onResponse', async (request, reply) => {
    const principal = request.principal;
    if (!principal || reply.statusCode >= 300) return;
    const subjects = subjectsOf.get(request) ?? implicitSubjects(request);
    if (subjects.length === 0) return;
    const route = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
    const purpose = request.routeOptions.config?.audit?.purpose ?? null;
    const who =
      principal.kind === 'staff'
        ? { account_id: principal.accountId, username: principal.username, role: principal.role, organisation_ods_code: principal.organisation.odsCode, organisation_name: principal.organisation.name }
        : { account_id: null, username: null, role: 'patient', organisation_ods_code: null, organisation_name: null };
    // One row per patient or referral, however many times the answer shows it.
    const seen = new Set<string>();
    const rows = [];
    for (const s of subjects) {
      const key = `${s.ubrn ?? ''}|${s.nhsNumber ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      rows.push({ ...who, ubrn: s.ubrn ?? null, nhs_number: s.nhsNumber ?? null, route, purpose, request_id: request.id });
    }
    const write = (async () => {
      try {
        await insert(db, rows);
      } catch (err) {
        readAuditFailures.count += 1;
        readAuditWriteFailures.inc();
        // A security event: the route, how many rows and the error's code (a message can quote a value), never whose record.
        request.log.error(
          { event: 'security', kind: 'read-audit-not-written', route, rows: rows.length, code: (err as { code?: string }).code ?? (err as Error).name },
          'security event: a read of patient data could not be audited',
        );
      }
    })();
    pending.add(write);
    void write.finally(() => pending.delete(write));
  });
}
