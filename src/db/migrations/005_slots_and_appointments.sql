-- Slots that providers publish, appointments booked into them, deferrals to providers, and the answers to
-- requests sent with an Idempotency-Key.

create table slot (
  id uuid primary key default gen_random_uuid(),
  service_id text not null references service (id),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  withdrawn_at timestamptz,                    -- taken off by the provider; never deleted once published
  created_at timestamptz not null default now(),
  unique (service_id, starts_at),
  check (ends_at > starts_at)
);

create table appointment (
  id uuid primary key default gen_random_uuid(),
  ubrn text not null references referral (ubrn),
  slot_id uuid not null references slot (id),
  service_id text not null references service (id),
  starts_at timestamptz not null,
  ends_at timestamptz not null,
  booked_at timestamptz not null default now(),
  booked_by text not null,                     -- actor label, as in referral_event
  cancelled_at timestamptz,
  cancelled_by text,
  cancel_reason text
);
-- The rules that matter, kept by the database whatever the concurrency or number of app instances:
-- a slot holds at most one live appointment, and a referral has at most one.
create unique index appointment_one_per_slot on appointment (slot_id) where cancelled_at is null;
create unique index appointment_one_per_referral on appointment (ubrn) where cancelled_at is null;
create index appointment_service_idx on appointment (service_id, starts_at);

-- A referral deferred to a provider because no slot could be booked: the provider must contact the patient by a date.
alter table referral add column deferred_service_id text references service (id);
alter table referral add column contact_by date;
create index referral_deferred_idx on referral (deferred_service_id, contact_by) where status = 'DEFERRED_TO_PROVIDER';

create table idempotent_request (
  scope text not null,                         -- who sent it: 'staff:<account id>' or 'patient:<ubrn>'
  key text not null,
  request_hash text not null,                  -- the same key with a different request is refused
  status integer not null,
  body jsonb not null,
  created_at timestamptz not null default now(),
  primary key (scope, key)
);
