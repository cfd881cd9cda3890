-- Reference data and the directory of services.
-- Runs unchanged on PostgreSQL 15+ and PGlite.

create table specialty (
  code text primary key,                       -- treatment function code, e.g. '110'
  name text not null,
  rtt_reported boolean not null default false  -- NHS England RTT statistics report it as its own code
);

create table postcode (
  postcode text primary key,                   -- normal form: outward, one space, inward ('LS1 4AP')
  latitude double precision not null,
  longitude double precision not null
);

-- Centroids of postcode sectors ('LS1 4') and districts/outcodes ('LS1'), for partial postcodes.
create table postcode_area (
  code text primary key,
  kind text not null check (kind in ('sector', 'outcode')),
  latitude double precision not null,
  longitude double precision not null,
  postcode_count integer not null default 0
);

-- NHS trusts, independent-sector providers, GP practices and ICBs.
create table organisation (
  ods_code text primary key,
  name text not null,
  kind text not null check (kind in ('NHS_TRUST', 'INDEPENDENT_PROVIDER', 'GP_PRACTICE', 'ICB')),
  region_code text,                            -- NHS England region (ODS national grouping)
  icb_code text,                               -- ODS high-level health geography
  postcode text,
  open_date date,
  close_date date,
  active boolean not null default true
);
create index organisation_kind_idx on organisation (kind);

create table site (
  ods_code text primary key,
  name text not null,
  provider_ods_code text not null references organisation (ods_code),
  sector text not null check (sector in ('NHS', 'INDEPENDENT')),
  address text,
  postcode text,
  latitude double precision not null,
  longitude double precision not null
);
create index site_provider_idx on site (provider_ods_code);

-- RTT incomplete-pathway statistics per provider and treatment function for one month.
create table rtt_wait (
  period date not null,                        -- last day of the month the figures describe
  provider_ods_code text not null,
  provider_name text not null,
  specialty_code text not null,                -- RTT reporting code without 'C_' ('110'), or 'X02'..'X06', '999'
  incomplete_pathways integer not null,
  unknown_clock_start integer not null default 0,
  within_18_weeks integer not null,
  median_wait_weeks double precision,          -- null where nobody waits
  p92_wait_weeks double precision,             -- null where it falls in the open '>104 weeks' band
  over_52_weeks integer not null default 0,
  primary key (period, provider_ods_code, specialty_code)
);

create table service (
  id text primary key,
  name text not null,
  specialty_code text not null references specialty (code),
  provider_ods_code text not null references organisation (ods_code),
  site_ods_code text not null references site (ods_code),
  service_type text not null default 'FIRST_OUTPATIENT'
    check (service_type in ('FIRST_OUTPATIENT', 'ASSESSMENT', 'DIAGNOSTIC', 'ADVICE_AND_GUIDANCE')),
  clinic_type text,
  directly_bookable boolean not null default true,
  consultant_led boolean not null default true,
  consultant_team text,
  min_age integer,
  max_age integer,
  sex text not null default 'any' check (sex in ('any', 'female', 'male')),
  indicative_wait_weeks double precision,
  indicative_wait_as_of date,
  indicative_wait_basis text,
  accessibility text,
  prior_approval_required boolean not null default false,
  accreditation_status text not null default 'PENDING'
    check (accreditation_status in ('PENDING', 'ACCREDITED', 'REJECTED', 'SUSPENDED')),
  active boolean not null default true,
  -- Copied from the site so the shortlist can filter by a bounding box without a join.
  latitude double precision not null,
  longitude double precision not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index service_search_idx on service (specialty_code, latitude, longitude)
  where active and accreditation_status = 'ACCREDITED';
create index service_site_idx on service (site_ods_code);
create index service_provider_idx on service (provider_ods_code);

-- What each import loaded, for the operator and for audit.
create table import_run (
  id bigint generated always as identity primary key,
  kind text not null,
  source text not null,
  source_sha256 text not null,
  started_at timestamptz not null,
  finished_at timestamptz not null default now(),
  report jsonb not null
);
