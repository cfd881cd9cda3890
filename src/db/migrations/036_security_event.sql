-- Security events for operators and administrators (issue 12, operations): lockouts, repeated lockouts, unlocks
-- and addresses over their sign-in limit. The source address is personal data (UK GDPR): it is kept only as a keyed
-- hash (src/auth/security-events.ts), enough to see that events come from one place and to find the events of an
-- address an investigator already has, but not to recover an address from the table.
create table security_event (
  id bigserial primary key,
  kind text not null check (kind in ('ACCOUNT_LOCKED', 'ACCOUNT_LOCKED_REPEATEDLY', 'ACCOUNT_UNLOCKED', 'ADDRESS_LIMITED')),
  -- the staff username, or 'ubrn:' and the referral a patient signs in with; null for an address alone
  account text,
  source_address_hash text,
  -- the administrator who unlocked (ACCOUNT_UNLOCKED)
  actor_account_id integer references account (id) on delete set null,
  occurred_at timestamptz not null default now(),
  detail text not null default ''
);
create index security_event_occurred_at on security_event (occurred_at desc);
create index security_event_account on security_event (account, kind, occurred_at desc);
