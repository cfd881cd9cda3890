-- Referral patterns that moved (the 2016 guide's minimum standard 3, actions 4.2 and 4.3): what an ICB found when it
-- looked into a pattern the detector flagged. A pattern is identified by (icb, practice, specialty, provider), so a
-- finding stays attached when the detector runs again over another period. The finding holds where it stands now;
-- every note recorded against it is kept, append-only, in pattern_finding_note.
create table pattern_finding (
  id bigint generated always as identity primary key,
  icb_code text not null,
  practice_ods_code text not null,
  specialty_code text not null,
  provider_ods_code text not null,
  -- the week (its Monday) the detector first said the shift started, as it stood when the ICB first recorded a finding
  first_flagged_week date not null check (extract(isodow from first_flagged_week) = 1),
  status text not null default 'NEW' check (status in ('NEW', 'REVIEWING', 'EXPLAINED', 'ACTION_TAKEN', 'NOT_A_CONCERN')),
  note text check (note is null or length(note) <= 2000),
  updated_by_account_id bigint not null references account (id),
  updated_by text not null,
  updated_at timestamptz not null default now(),
  unique (icb_code, practice_ods_code, specialty_code, provider_ods_code),
  -- Closing a finding says what was found.
  check (status not in ('EXPLAINED', 'ACTION_TAKEN', 'NOT_A_CONCERN') or length(btrim(coalesce(note, ''))) > 0)
);

create table pattern_finding_note (
  id bigint generated always as identity primary key,
  finding_id bigint not null references pattern_finding (id),
  status text not null check (status in ('NEW', 'REVIEWING', 'EXPLAINED', 'ACTION_TAKEN', 'NOT_A_CONCERN')),
  note text check (note is null or length(note) <= 2000),
  recorded_by_account_id bigint not null references account (id),
  recorded_by text not null,
  recorded_at timestamptz not null default now()
);
create index pattern_finding_note_finding on pattern_finding_note (finding_id, recorded_at);

-- The history is append-only: a note once recorded is never changed or removed.
create function pattern_finding_note_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'pattern_finding_note is append-only';
end $$;
create trigger pattern_finding_note_append_only before update or delete on pattern_finding_note
  for each row execute function pattern_finding_note_append_only();
