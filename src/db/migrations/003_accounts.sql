-- Staff accounts, sign-in sessions and failed sign-in attempts.

create table account (
  id bigint generated always as identity primary key,
  username text not null unique,
  password_hash text,                          -- argon2id; null for an account that signs in only through OpenID Connect
  role text not null check (role in ('referrer', 'referral-centre', 'provider', 'commissioner', 'admin')),
  organisation_ods_code text not null references organisation (ods_code),
  display_name text not null,
  demo boolean not null default false,         -- created by the demo data set; production refuses to start with one
  active boolean not null default true,
  created_at timestamptz not null default now()
);

-- A bearer token or a page session. Only the token's SHA-256 is kept, so a copy of the table signs nobody in.
create table auth_session (
  token_hash text primary key,
  account_id bigint not null references account (id) on delete cascade,
  kind text not null check (kind in ('api', 'page')),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz
);
create index auth_session_account_idx on auth_session (account_id);

-- Failed sign-ins by key ('user:<name>', 'address:<ip>'), counted over a sliding window. Kept in the database
-- so that every app instance counts the same attempts.
create table sign_in_failure (
  key text not null,
  failed_at timestamptz not null default now()
);
create index sign_in_failure_key_idx on sign_in_failure (key, failed_at);

-- A clinical assessment service or referral management centre is an organisation of its own.
alter table organisation drop constraint organisation_kind_check;
alter table organisation add constraint organisation_kind_check
  check (kind in ('NHS_TRUST', 'INDEPENDENT_PROVIDER', 'GP_PRACTICE', 'ICB', 'REFERRAL_CENTRE'));
