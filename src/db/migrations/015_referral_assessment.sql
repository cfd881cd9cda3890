-- The referral centre (CAS/RMC): referral assessment services that GP practices refer to, and the triage of each
-- referral sent to one. A service is run by one referral centre for one ICB's practices and assesses some
-- specialties, each referral within a target number of days set by its priority.
create table referral_assessment_service (
  id text primary key,
  name text not null,
  organisation_ods_code text not null references organisation (ods_code),  -- the referral centre that runs it
  icb_code text not null,                                                 -- whose practices refer to it
  specialty_codes text[] not null check (cardinality(specialty_codes) > 0),
  target_days_routine integer not null check (target_days_routine between 0 and 365),
  target_days_urgent integer not null check (target_days_urgent between 0 and 365),
  target_days_two_week_wait integer not null check (target_days_two_week_wait between 0 and 365),
  demo boolean not null default false,                                    -- only the demo data set makes these
  active boolean not null default true
);
create index referral_assessment_service_icb_idx on referral_assessment_service (icb_code) where active;

-- One triage per referral sent to a service: due by a date when sent, its outcome once triaged. Who triaged and why
-- is also in the referral's history; this row is what the worklists and the referrer's page read.
create table referral_triage (
  ubrn text primary key references referral (ubrn) on delete cascade,
  assessment_service_id text not null references referral_assessment_service (id),
  sent_on date not null,
  due_on date not null check (due_on >= sent_on),
  outcome text check (outcome in ('NEEDS_CONSULTANT', 'ADVICE', 'REDIRECT', 'REJECT')),
  reason_code text,          -- REJECT: the rejection reason; NEEDS_CONSULTANT: why fewer than 5 providers, if so
  detail text,               -- ADVICE: the advice; REDIRECT: the community service; otherwise a note
  triaged_at timestamptz,
  triaged_by_account_id bigint references account (id),
  triaged_by text,
  check ((outcome is null) = (triaged_at is null))
);
create index referral_triage_awaiting_idx on referral_triage (assessment_service_id, due_on) where outcome is null;

-- A referral sent for triage has no options until the centre offers them (and none if it is returned).
alter table referral drop constraint referral_options_offered_check;
alter table referral add constraint referral_options_offered_check check (options_offered between 0 and 20);
