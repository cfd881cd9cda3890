// Slot and Schedule: a directory service's published slots as FHIR shows them. One Schedule per service (its id is
// the service's id, actor HealthcareService/{id}); each Slot's id is the slot's own database id. Only what the JSON
// API shows the public is shown: free slots in searches; a slot read says free or busy, never who holds it.
import type { CodeableConcept, Schedule, Slot } from '@medplum/fhirtypes';
import { isoInstant } from '../slots/instants.ts';
import { TREATMENT_FUNCTION_SYSTEM } from './extensions.ts';

/** What a Slot or Schedule says of its service. */
export interface ServiceFacts {
  id: string;
  name: string;
  specialty_code: string;
  specialty_name: string;
}

export const specialtyOf = (s: ServiceFacts): CodeableConcept[] => [
  { coding: [{ system: TREATMENT_FUNCTION_SYSTEM, code: s.specialty_code, display: s.specialty_name }], text: s.specialty_name },
];
export const serviceTypeOf = (s: ServiceFacts): CodeableConcept[] => [{ text: s.name }];

export function slotResource(slot: { id: string; starts_at: Date; ends_at: Date }, status: 'free' | 'busy', service: ServiceFacts): Slot {
  return {
    resourceType: 'Slot',
    id: slot.id,
    schedule: { reference: `Schedule/${service.id}` },
    status,
    start: isoInstant(new Date(slot.starts_at)),
    end: isoInstant(new Date(slot.ends_at)),
    serviceType: serviceTypeOf(service),
    specialty: specialtyOf(service),
  };
}

export function scheduleResource(service: ServiceFacts, span: { start: Date; end: Date } | null): Schedule {
  return {
    resourceType: 'Schedule',
    id: service.id,
    active: true,
    actor: [{ reference: `HealthcareService/${service.id}`, display: service.name }],
    serviceType: serviceTypeOf(service),
    specialty: specialtyOf(service),
    ...(span ? { planningHorizon: { start: isoInstant(span.start), end: isoInstant(span.end) } } : {}),
    comment: `Its free slots: GET Slot?schedule=Schedule/${service.id}&status=free`,
  };
}
