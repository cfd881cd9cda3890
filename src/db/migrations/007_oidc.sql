-- Signing in through OpenID Connect (NHS CIS2 for staff, NHS login for patients).

-- The identity provider's subject an account is linked to: '<issuer>|<sub>'. Set by an administrator.
alter table account add column oidc_subject text unique;

-- A sign-in on its way through the identity provider: what the callback must match.
create table oidc_pending (
  state text primary key,
  purpose text not null check (purpose in ('staff', 'patient')),
  nonce text not null,
  code_verifier text not null,
  browser_hash text not null,                  -- SHA-256 of a random value kept in the browser's cookie
  created_at timestamptz not null default now()
);
