-- Maintenance mode (issue 12): while a period is open (ended_at is null), every instance refuses writes and keeps
-- reads working. Kept in the database so that one admin's switch reaches every instance behind the load balancer;
-- the periods are kept after they end, as the record of who stopped writes, when, and for how long.
create table maintenance_period (
  id serial primary key,
  started_at timestamptz not null default now(),
  started_by text not null,
  -- When the admin expects to be done: what users are told. Writes stay refused after it until someone turns the
  -- mode off, because work that overruns must not be met by writes it was meant to keep out.
  expected_until timestamptz not null,
  ended_at timestamptz,
  ended_by text,
  constraint maintenance_period_ends_after_start check (ended_at is null or ended_at >= started_at),
  constraint maintenance_period_expected_after_start check (expected_until > started_at),
  constraint maintenance_period_ended_by_with_end check ((ended_at is null) = (ended_by is null))
);

-- At most one period open at a time: two admins turning it on together get one period, not two.
create unique index maintenance_period_one_open on maintenance_period ((true)) where ended_at is null;
