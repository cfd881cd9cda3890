// What withdrawing an offer of capacity or closing a request for mutual aid would do, before it is done: the
// patients proposed into the offer who go back to the pool, and those already offered a place (who stop it).
// Each preview carries a version (src/http/preview.ts) that the confirming call hands back.
import type { Kysely, Transaction } from 'kysely';
import type { DB } from '../db/schema.ts';
import { previewVersion } from '../http/preview.ts';
import type { StaffPrincipal } from '../http/principal.ts';
import { notFound } from '../http/problem.ts';

type Db = Kysely<DB> | Transaction<DB>;

export interface OfferWithdrawalPreview {
  id: number;
  service: string;
  status: 'OPEN' | 'WITHDRAWN';
  /** Patients proposed into the offer, not yet put to them: they go back to the pool for the next matching run. */
  proposalsReturned: number;
  /** Patients who have been offered a place from it: while any are, it cannot be withdrawn. */
  patientsOffered: number;
  version: string;
}

export async function previewOfferWithdrawal(db: Db, staff: StaffPrincipal, id: number): Promise<OfferWithdrawalPreview> {
  const offer = await db.selectFrom('mutual_aid_offer as o').innerJoin('service as s', 's.id', 'o.service_id')
    .select(['o.id', 'o.status', 's.name as service'])
    .where('o.id', '=', id).where('o.provider_ods_code', '=', staff.organisation.odsCode)
    .executeTakeFirst();
  if (!offer) throw notFound(`There is no offer ${id} of your organisation.`);
  const transfers = await db.selectFrom('proposed_transfer').select(['id', 'status'])
    .where('offer_id', '=', id).where('status', 'in', ['PROPOSED', 'OFFERED']).orderBy('id').execute();
  const proposed = transfers.filter((t) => t.status === 'PROPOSED').map((t) => t.id);
  const offered = transfers.filter((t) => t.status === 'OFFERED').map((t) => t.id);
  return {
    id, service: offer.service, status: offer.status, proposalsReturned: proposed.length, patientsOffered: offered.length,
    version: previewVersion({ offer: id, status: offer.status, proposed, offered }),
  };
}

export interface RequestClosingPreview {
  id: number;
  specialty: string;
  patients: number;
  neededBy: string;
  status: 'OPEN' | 'CLOSED';
  version: string;
}

export async function previewRequestClosing(db: Db, staff: StaffPrincipal, id: number): Promise<RequestClosingPreview> {
  const r = await db.selectFrom('mutual_aid_request as q').innerJoin('specialty as sp', 'sp.code', 'q.specialty_code')
    .select(['q.id', 'q.status', 'q.patients', 'q.needed_by', 'sp.name as specialty'])
    .where('q.id', '=', id).where('q.provider_ods_code', '=', staff.organisation.odsCode)
    .executeTakeFirst();
  if (!r) throw notFound(`There is no request ${id} of your organisation.`);
  return {
    id, specialty: r.specialty, patients: r.patients, neededBy: r.needed_by, status: r.status,
    version: previewVersion({ request: id, status: r.status, patients: r.patients, neededBy: r.needed_by }),
  };
}
