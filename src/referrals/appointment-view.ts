export interface AppointmentView {
  id: string;
  serviceId: string;
  slotId: string;
  start: string;
  end: string;
}

export function toAppointmentView(a: { id: string; service_id: string; slot_id: string; starts_at: Date; ends_at: Date }): AppointmentView {
  return { id: a.id, serviceId: a.service_id, slotId: a.slot_id, start: new Date(a.starts_at).toISOString(), end: new Date(a.ends_at).toISOString() };
}
