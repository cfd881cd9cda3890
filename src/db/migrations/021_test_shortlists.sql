-- Testing whether local referral systems actually offer choices (2016 guide, action 6.2): each month, and whenever a
-- commissioner asks, the real shortlist engine is run from every GP practice of an ICB for every specialty with
-- listed services, and the shortlists that offer fewer than 5 options or fewer than 5 providers are kept.
--
-- A run is queued by inserting its row (started_at null); the background job claims it (sets started_at), runs the
-- shortlists in batches without holding a transaction open, and sets finished_at with the totals. At most one run
-- of an ICB is unfinished at a time, so asking twice queues one run.
create table test_shortlist_run (
  id serial primary key,
  icb_code text not null,
  trigger text not null check (trigger in ('SCHEDULED', 'REQUESTED')),
  -- The member of staff who asked (display name), for a requested run.
  requested_by text,
  requested_at timestamptz not null default now(),
  started_at timestamptz,
  finished_at timestamptz,
  practices integer not null default 0,
  specialties integer not null default 0,
  shortlists_run integer not null default 0,
  short_count integer not null default 0,
  -- Why the run stopped without finishing its work (an error's message, never patient data).
  error text
);
create unique index test_shortlist_run_one_open on test_shortlist_run (icb_code) where finished_at is null;
create index test_shortlist_run_icb on test_shortlist_run (icb_code, id desc);

-- One row per shortlist that fell short: fewer than 5 options, or fewer than 5 distinct providers among them.
create table test_shortlist_result (
  run_id integer not null references test_shortlist_run (id) on delete cascade,
  practice_ods_code text not null,
  specialty_code text not null,
  options_offered integer not null,
  providers_offered integer not null,
  -- How many services matched at all (the engine's eligible count).
  eligible_count integer not null,
  -- The engine's own words for the shortfall (null when it offered 5 options from fewer than 5 providers).
  shortfall_reason text,
  primary key (run_id, practice_ods_code, specialty_code)
);
