-- Messages to patients and providers. A change to a referral writes its messages to the outbox in the same
-- transaction, so a message goes out if and only if the change committed; a job sends them later (see
-- src/messages/send-pending.ts). What was sent through the local channel (no GOV.UK Notify configured) is kept in
-- message_log, which the demo shows; with Notify, Notify keeps the sent copy and message_log stays empty.

create table outbox (
  id bigint generated always as identity primary key,
  created_at timestamptz not null default now(),
  ubrn text not null references referral (ubrn),
  kind text not null check (kind in ('REFERRAL_LETTER', 'BOOKING_CONFIRMATION', 'APPOINTMENT_CANCELLED',
    'DEFERRED_TO_PROVIDER', 'CONTACT_BY_REMINDER', 'DEFERRAL_OVERDUE')),
  audience text not null check (audience in ('patient', 'provider')),
  channel text not null check (channel in ('letter', 'email', 'sms')),
  recipient text not null,                     -- email address, mobile number, or postal lines (name, postcode) one per line
  -- The template's fields. The referral letter's carry the access code in clear (it has to be printed or sent);
  -- once a row is sent or has failed for good, this is replaced by a copy with the secrets redacted.
  personalisation jsonb not null,
  -- pending: waiting (again, after a failure, from next_attempt_at); sending: claimed by a sender until
  -- claimed_until (a sender that died leaves it to be claimed again after that); sent; failed: given up.
  status text not null default 'pending' check (status in ('pending', 'sending', 'sent', 'failed')),
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  claimed_until timestamptz,
  last_error text,                             -- never holds personalisation: the sender's error text only
  sent_at timestamptz,
  delivered_via text check (delivered_via in ('notify', 'local')),
  provider_reference text                      -- Notify's notification id, or the message_log id
);
create index outbox_due_idx on outbox (next_attempt_at, id) where status in ('pending', 'sending');
create index outbox_ubrn_idx on outbox (ubrn);

-- The local "sent" copy: what a patient or provider would have received. The text never holds an access code.
create table message_log (
  id bigint generated always as identity primary key,
  outbox_id bigint not null references outbox (id),
  created_at timestamptz not null default now(),
  ubrn text not null references referral (ubrn),
  kind text not null,
  audience text not null,
  channel text not null,
  recipient text not null,
  subject text,
  body text not null
);
create index message_log_newest_idx on message_log (id desc);

-- Where a provider wants its appointment slot issue (ASI) reminders and escalations; without a row they go to
-- the deployment's ASI_ESCALATION_EMAIL.
create table provider_contact (
  ods_code text primary key references organisation (ods_code),
  asi_email text not null
);

-- Reminders and escalations the deferral job has raised, one per referral per kind per day, so that running the
-- job twice, or on several instances, raises nothing twice.
create table deferral_alert (
  ubrn text not null references referral (ubrn),
  kind text not null check (kind in ('REMINDER', 'ESCALATION')),
  contact_by date not null,                    -- the deferral it was about: a new deferral starts afresh
  on_date date not null,
  created_at timestamptz not null default now(),
  primary key (ubrn, kind, on_date)
);
create index deferral_alert_deferral_idx on deferral_alert (ubrn, contact_by, kind);
