-- The provider's attempts to reach a patient whose referral was deferred to it (an appointment slot issue): when,
-- how and with what outcome, kept one row each so the worklist can count them and the ASI item list them.
create table contact_attempt (
  id bigint generated always as identity primary key,
  ubrn text not null references referral (ubrn) on delete cascade,
  -- The service the referral was deferred to at the time: after booking the deferral is cleared, and its provider
  -- still sees the attempts it made.
  service_id text not null references service (id),
  attempted_at timestamptz not null,
  method text not null check (method in ('PHONE', 'EMAIL', 'TEXT', 'LETTER')),
  outcome text not null check (outcome in ('REACHED_BOOKED', 'REACHED_CALL_BACK', 'REACHED_DECLINED', 'NO_ANSWER',
    'VOICEMAIL', 'WRONG_NUMBER', 'MESSAGE_SENT', 'UNDELIVERED')),
  note text check (char_length(note) <= 1000),
  recorded_by_account_id bigint not null references account (id),
  recorded_by_label text not null,
  recorded_at timestamptz not null default now()
);
create index contact_attempt_ubrn_idx on contact_attempt (ubrn, attempted_at);
