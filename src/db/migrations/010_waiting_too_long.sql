-- Waiting too long: RTT clocks on every pathway, the 18-week alternative, PIDMAS requests, DMAS requests and
-- offers, and the matching runs that propose transfers.

-- Every referral is an RTT pathway. A pathway can also come from a provider's existing waiting list (imported), or
-- be the continuation of another after a transfer: the clock keeps its start.
alter table referral add column rtt_clock_state text not null default 'RUNNING' check (rtt_clock_state in ('RUNNING', 'PAUSED', 'STOPPED'));
alter table referral add column rtt_paused_days integer not null default 0 check (rtt_paused_days >= 0);
alter table referral add column rtt_clock_stopped_on date;
alter table referral add column next_appointment_date date;       -- from a waiting list: a date already set outside OpenChoice
alter table referral add column current_service_id text references service (id); -- where the patient waits, when no slot says so
alter table referral add column transferred_from_ubrn text references referral (ubrn);
alter table referral add column source text not null default 'REFERRAL' check (source in ('REFERRAL', 'WAITING_LIST', 'TRANSFER'));
alter table referral add column consultant_led boolean not null default true;
alter table referral add column tertiary boolean not null default false;
alter table referral add column registered_gp_ods_code text;      -- null: the referring organisation is the practice
create index referral_transferred_from_idx on referral (transferred_from_ubrn) where transferred_from_ubrn is not null;
create index referral_current_service_idx on referral (current_service_id) where current_service_id is not null;

-- Providers share capacity (DMAS): requests for help and offers of capacity.
create table mutual_aid_request (
  id bigint generated always as identity primary key,
  provider_ods_code text not null references organisation (ods_code),
  specialty_code text not null references specialty (code),
  patients integer not null check (patients between 1 and 100000),
  needed_by date not null,
  constraints text not null default '',
  status text not null default 'OPEN' check (status in ('OPEN', 'CLOSED')),
  created_by_account_id bigint not null references account (id),
  created_at timestamptz not null default now()
);
create index mutual_aid_request_open_idx on mutual_aid_request (specialty_code) where status = 'OPEN';

create table mutual_aid_offer (
  id bigint generated always as identity primary key,
  provider_ods_code text not null references organisation (ods_code),
  service_id text not null references service (id),  -- the site and specialty the capacity is at
  specialty_code text not null references specialty (code),
  capacity_per_week integer not null check (capacity_per_week between 1 and 10000),
  starts_on date not null,
  ends_on date not null check (ends_on >= starts_on),
  min_age integer check (min_age between 0 and 130),
  max_age integer check (max_age between 0 and 130),
  complexity text not null default 'ROUTINE' check (complexity in ('ROUTINE', 'ROUTINE_AND_COMPLEX')),
  notes text not null default '',
  status text not null default 'OPEN' check (status in ('OPEN', 'WITHDRAWN')),
  created_by_account_id bigint not null references account (id),
  created_at timestamptz not null default now(),
  check (min_age is null or max_age is null or min_age <= max_age)
);
create index mutual_aid_offer_open_idx on mutual_aid_offer (specialty_code) where status = 'OPEN';

-- A patient asks to move (PIDMAS), from the provider's invitation to the move or to staying put.
create table pidmas_request (
  id bigint generated always as identity primary key,
  ubrn text not null unique references referral (ubrn),
  status text not null check (status in ('INVITED', 'OPTED_IN', 'VALIDATED', 'NOT_SUITABLE', 'PROPOSED', 'OFFERED',
    'ACCEPTED', 'DECLINED', 'NO_MATCH', 'WITHDRAWN')),
  invited_at timestamptz,
  invited_by_account_id bigint references account (id),
  opted_in_at timestamptz,
  travel text check (travel in ('50_MILES', '100_MILES', 'ANYWHERE')),
  unavailable_dates text not null default '',
  support_needed text[] not null default '{}',
  interpreter_language text,
  contact_preference text check (contact_preference in ('EMAIL', 'TEXT', 'PHONE', 'LETTER')),
  validated_at timestamptz,
  validated_by_account_id bigint references account (id),
  not_suitable_reason text,
  outcome_note text,                            -- what the patient was told last, in their words
  updated_at timestamptz not null default now()
);
create index pidmas_request_status_idx on pidmas_request (status);

-- One run of the matching engine: what it was given and what it answered, kept for audit.
create table match_run (
  id bigint generated always as identity primary key,
  input_hash text not null,
  trigger text not null,                        -- 'job', or the account that asked
  started_at timestamptz not null default now(),
  finished_at timestamptz,
  input jsonb not null,
  result jsonb,
  summary jsonb
);
create index match_run_hash_idx on match_run (input_hash);

-- A move the engine proposed: the receiving provider accepts or declines it, then the patient does.
create table proposed_transfer (
  id bigint generated always as identity primary key,
  match_run_id bigint not null references match_run (id),
  pidmas_request_id bigint not null references pidmas_request (id),
  ubrn text not null references referral (ubrn),
  offer_id bigint not null references mutual_aid_offer (id),
  scope text not null check (scope in ('ICB', 'NATIONAL')),
  distance_km double precision not null,
  wait_weeks double precision not null,
  explanation jsonb not null,                   -- why: the wait, the distance, the alternatives
  status text not null default 'PROPOSED' check (status in ('PROPOSED', 'PROVIDER_DECLINED', 'OFFERED', 'ACCEPTED',
    'DECLINED', 'WITHDRAWN')),
  decided_at timestamptz,
  decided_by text,
  decline_reason text,
  new_ubrn text references referral (ubrn),
  created_at timestamptz not null default now()
);
-- At most one live proposal per request, so a second run cannot propose the same patient twice.
create unique index proposed_transfer_live_idx on proposed_transfer (pidmas_request_id) where status in ('PROPOSED', 'OFFERED');
create index proposed_transfer_offer_idx on proposed_transfer (offer_id, status);

-- The messages this adds: a PIDMAS invitation, an offer to move, no match found, and the new reference after a move.
alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check check (kind in ('REFERRAL_LETTER', 'BOOKING_CONFIRMATION',
  'APPOINTMENT_CANCELLED', 'DEFERRED_TO_PROVIDER', 'CONTACT_BY_REMINDER', 'DEFERRAL_OVERDUE', 'PIDMAS_INVITATION',
  'PIDMAS_OFFER', 'PIDMAS_NO_MATCH', 'PIDMAS_NOT_SUITABLE', 'TRANSFERRED'));
