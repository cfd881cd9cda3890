-- A directory that is kept up to date (2016 guide, minimum standard 2 and action 3.4): a listing whose indicative
-- wait is older than its source's latest publication, a directly bookable service that publishes no slots, or one
-- whose patients are deferred for want of a slot too often, is flagged to its provider and to the ICBs whose patients
-- are offered it. The daily listing-upkeep job (src/listing-upkeep/evaluate.ts) opens a flag the first day a rule
-- holds, keeps it (last_seen_at, evidence) while it holds and clears it the first day it no longer does, so "since
-- when" is known. A cleared flag is kept as history; a rule holding again later opens a new row.
create table listing_flag (
  id bigint generated always as identity primary key,
  service_id text not null references service (id),
  flag text not null check (flag in ('STALE_WAIT', 'NO_SLOTS', 'HIGH_ASI')),
  first_flagged_at timestamptz not null default now(),
  last_seen_at timestamptz not null default now(),
  cleared_at timestamptz,
  -- What the rule saw the last time it held: dates, counts and rates only, never anything of a patient.
  evidence jsonb not null default '{}'
);
-- At most one open flag of each kind per listing, whatever runs at once.
create unique index listing_flag_open_idx on listing_flag (service_id, flag) where cleared_at is null;
create index listing_flag_service_idx on listing_flag (service_id, first_flagged_at desc);
