// Appointment: a referral's booking as FHIR shows it. id = the appointment row's id; basedOn the referral's
// ServiceRequest (id and identifier the UBRN); slot the Slot booked; participants the HealthcareService and the
// patient by NHS number (left out for a provider that may not yet see the patient: least data before choice).
// meta.versionId is 1 as booked and 2 once cancelled, the only change an appointment undergoes.
import type { Appointment } from '@medplum/fhirtypes';
import { isoInstant } from '../slots/instants.ts';
import { NHS_NUMBER_SYSTEM, UBRN_SYSTEM } from './extensions.ts';
import type { AppointmentRow } from './appointment-queries.ts';
import { serviceTypeOf, specialtyOf } from './slot.ts';

export const versionOf = (row: { cancelled_at: Date | null }) => (row.cancelled_at === null ? '1' : '2');

export function appointmentResource(row: AppointmentRow, nhsNumber: string | null): Appointment {
  const service = { id: row.service_id, name: row.service_name, specialty_code: row.specialty_code, specialty_name: row.specialty_name };
  const cancelled = row.cancelled_at !== null;
  return {
    resourceType: 'Appointment',
    id: row.id,
    meta: { versionId: versionOf(row), lastUpdated: new Date(row.cancelled_at ?? row.booked_at).toISOString() },
    status: cancelled ? 'cancelled' : 'booked',
    ...(cancelled && row.cancel_reason ? { cancelationReason: { text: row.cancel_reason } } : {}),
    serviceType: serviceTypeOf(service),
    specialty: specialtyOf(service),
    start: isoInstant(new Date(row.starts_at)),
    end: isoInstant(new Date(row.ends_at)),
    created: new Date(row.booked_at).toISOString(),
    slot: [{ reference: `Slot/${row.slot_id}` }],
    basedOn: [{ reference: `ServiceRequest/${row.ubrn}`, identifier: { system: UBRN_SYSTEM, value: row.ubrn } }],
    participant: [
      { actor: { reference: `HealthcareService/${row.service_id}`, display: row.service_name }, required: 'required', status: 'accepted' },
      ...(nhsNumber ? [{ actor: { type: 'Patient' as const, identifier: { system: NHS_NUMBER_SYSTEM, value: nhsNumber } }, required: 'required' as const, status: 'accepted' as const }] : []),
    ],
  };
}
