-- Provider accreditation (2016 guide, minimum standard 5; the 2023 letter's "robust accreditation process"): each
-- ICB publishes its qualifying criteria; a provider applies to list a service (a specialty at one of its sites) with
-- evidence per criterion; the ICB works a due-diligence checklist (met / not met, with a note) and decides. The
-- service's accreditation_status (migration 001, which the directory filters on) is the outcome of this workflow:
-- PENDING while an application is open, ACCREDITED, REJECTED after a refusal, SUSPENDED, or WITHDRAWN.
--
-- The kind of service a criterion applies to is the treatment function: a criterion with no specialty applies to
-- every first outpatient service the ICB accredits, one with a specialty code only to that specialty.
alter table service drop constraint service_accreditation_status_check;
alter table service add constraint service_accreditation_status_check
  check (accreditation_status in ('PENDING', 'ACCREDITED', 'REJECTED', 'SUSPENDED', 'WITHDRAWN'));

create table accreditation_criterion (
  id bigint generated always as identity primary key,
  icb_code text not null,
  specialty_code text references specialty (code),
  title text not null check (char_length(title) between 1 and 200),
  description text not null check (char_length(description) between 1 and 2000),
  position integer not null default 0,
  created_by_account_id bigint references account (id),
  created_at timestamptz not null default now(),
  -- A retired criterion is no longer asked of new applications; those already made keep their snapshot of it.
  retired_at timestamptz
);
create index accreditation_criterion_icb_idx on accreditation_criterion (icb_code, position) where retired_at is null;

create table accreditation_application (
  id bigint generated always as identity primary key,
  service_id text not null references service (id),
  provider_ods_code text not null,
  site_ods_code text not null references site (ods_code),
  specialty_code text not null references specialty (code),
  icb_code text not null,
  clinic_type text check (clinic_type is null or char_length(clinic_type) <= 100),
  min_age integer check (min_age is null or min_age between 0 and 130),
  max_age integer check (max_age is null or max_age between 0 and 130),
  consultant_team text check (consultant_team is null or char_length(consultant_team) <= 200),
  status text not null check (status in ('SUBMITTED', 'REFUSED', 'ACCREDITED')),
  -- The decision clock runs from the latest submission (a resubmission restarts it).
  submitted_at timestamptz not null default now(),
  first_submitted_at timestamptz not null default now(),
  decided_at timestamptz,
  created_by_account_id bigint not null references account (id),
  check (min_age is null or max_age is null or min_age <= max_age)
);
-- One open application per service, whatever runs at once.
create unique index accreditation_application_open_idx on accreditation_application (service_id) where status in ('SUBMITTED', 'REFUSED');
create index accreditation_application_service_idx on accreditation_application (service_id, id);
create index accreditation_application_icb_idx on accreditation_application (icb_code, status, submitted_at);
create index accreditation_application_provider_idx on accreditation_application (provider_ods_code, submitted_at desc);

-- One line of the due-diligence checklist per criterion that applied when the application was made (a snapshot of
-- its wording), the provider's evidence for it, and the ICB's finding.
create table accreditation_item (
  application_id bigint not null references accreditation_application (id),
  criterion_id bigint not null references accreditation_criterion (id),
  title text not null,
  description text not null,
  position integer not null,
  evidence text not null check (char_length(evidence) between 1 and 2000),
  outcome text check (outcome in ('MET', 'NOT_MET')),
  note text check (note is null or char_length(note) <= 2000),
  checked_by_account_id bigint references account (id),
  checked_at timestamptz,
  primary key (application_id, criterion_id)
);

-- Every step, append-only, shown to both sides.
create table accreditation_event (
  id bigint generated always as identity primary key,
  service_id text not null references service (id),
  application_id bigint references accreditation_application (id),
  action text not null check (action in ('SUBMITTED', 'CHECKED', 'RESUBMITTED', 'ACCREDITED', 'REFUSED', 'SUSPENDED', 'REINSTATED', 'WITHDRAWN')),
  reason text check (reason is null or char_length(reason) <= 2000),
  -- For REFUSED, the criteria not met ([{ id, title }]); for CHECKED, the line and its finding.
  detail jsonb not null default '{}',
  by_account_id bigint not null references account (id),
  at timestamptz not null default now()
);
create index accreditation_event_service_idx on accreditation_event (service_id, at);
create index accreditation_event_application_idx on accreditation_event (application_id, at);

create function accreditation_event_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'accreditation_event is append-only';
end $$;
create trigger accreditation_event_append_only before update or delete on accreditation_event
  for each row execute function accreditation_event_append_only();
