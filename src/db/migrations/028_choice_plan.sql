-- The ICB's choice plan (the 2023 letter's system-level choice plan; the 2016 guide's improvement plan and its
-- action 4.1, the three-year ambition), what it publishes, and what the public say about it.
--
-- choice_plan holds the draft as the ICB edits it: the ambition and the plain-English summary. Its improvement
-- actions (choice_plan_action) each name the self-assessment items they improve (ids of
-- src/domain/self-assessment-items.ts, checked there: the database only checks their shape). Progress notes are
-- append-only (choice_plan_action_note), as pattern findings' notes are.
--
-- Publishing copies the draft into choice_plan_publication as one JSON snapshot: the public page reads only the
-- newest snapshot, so edits to the draft are not seen until the ICB publishes again; every version is kept.
--
-- Public comments (choice_plan_comment) are kept with only what the person chose to give: the comment, a name if
-- they gave one (shown with it), an email address only if they asked for an answer by email (never shown). No
-- address, no browser details. A comment is hidden until a commissioner approves it; a rejection keeps its reason.
--
-- Flood control (choice_plan_comment_attempt) counts attempts by a keyed hash of the caller's address: HMAC-SHA256
-- under the service's secret with the day in the key, so the same address gives another key the next day and a
-- copy of the table cannot be matched with addresses from another day or another system. Rows older than two days
-- are deleted as new ones are written.
create table choice_plan (
  icb_code text primary key,
  ambition text check (ambition is null or char_length(ambition) <= 4000),
  summary text check (summary is null or char_length(summary) <= 4000),
  updated_by_account_id bigint not null references account (id),
  updated_by text not null,
  updated_at timestamptz not null default now()
);

create table choice_plan_action (
  id bigint generated always as identity primary key,
  icb_code text not null,
  item_ids text[] not null check (cardinality(item_ids) between 1 and 33),
  title text not null check (char_length(btrim(title)) between 1 and 200),
  description text not null default '' check (char_length(description) <= 4000),
  owner text not null check (char_length(btrim(owner)) between 1 and 200),
  due_on date not null,
  status text not null default 'NOT_STARTED' check (status in ('NOT_STARTED', 'IN_PROGRESS', 'DONE', 'DROPPED')),
  created_by_account_id bigint not null references account (id),
  created_at timestamptz not null default now(),
  updated_by_account_id bigint not null references account (id),
  updated_by text not null,
  updated_at timestamptz not null default now()
);
create index choice_plan_action_icb on choice_plan_action (icb_code, due_on);

create table choice_plan_action_note (
  id bigint generated always as identity primary key,
  action_id bigint not null references choice_plan_action (id),
  note text not null check (char_length(btrim(note)) between 1 and 2000),
  recorded_by_account_id bigint not null references account (id),
  recorded_by text not null,
  recorded_at timestamptz not null default now()
);
create index choice_plan_action_note_action on choice_plan_action_note (action_id, recorded_at);

create function choice_plan_action_note_append_only() returns trigger language plpgsql as $$
begin
  raise exception 'choice_plan_action_note is append-only';
end $$;
create trigger choice_plan_action_note_append_only before update or delete on choice_plan_action_note
  for each row execute function choice_plan_action_note_append_only();

create table choice_plan_publication (
  id bigint generated always as identity primary key,
  icb_code text not null,
  version integer not null check (version >= 1),
  snapshot jsonb not null,
  published_by_account_id bigint not null references account (id),
  published_by text not null,
  published_at timestamptz not null default now(),
  unique (icb_code, version)
);

create table choice_plan_comment (
  id bigint generated always as identity primary key,
  icb_code text not null,
  -- the version the person was reading when they commented
  publication_id bigint not null references choice_plan_publication (id),
  body text not null check (char_length(btrim(body)) between 1 and 2000),
  name text check (name is null or char_length(name) between 1 and 100),
  email text check (email is null or char_length(email) between 3 and 254),
  status text not null default 'PENDING' check (status in ('PENDING', 'APPROVED', 'REJECTED')),
  rejection_reason text check (rejection_reason is null or char_length(rejection_reason) between 1 and 500),
  moderated_by_account_id bigint references account (id),
  moderated_at timestamptz,
  answer text check (answer is null or char_length(answer) between 1 and 2000),
  answered_by_account_id bigint references account (id),
  answered_at timestamptz,
  received_at timestamptz not null default now(),
  check (status <> 'REJECTED' or rejection_reason is not null),
  check (status = 'PENDING' or moderated_at is not null)
);
create index choice_plan_comment_icb on choice_plan_comment (icb_code, status, received_at);

create table choice_plan_comment_attempt (
  address_key text not null check (address_key ~ '^[0-9a-f]{64}$'),
  attempted_at timestamptz not null default now()
);
create index choice_plan_comment_attempt_key on choice_plan_comment_attempt (address_key, attempted_at);

-- "You said, we did": what the ICB changed because of the comments, shown on its public page.
create table choice_plan_change (
  id bigint generated always as identity primary key,
  icb_code text not null,
  you_said text not null check (char_length(btrim(you_said)) between 1 and 1000),
  we_did text not null check (char_length(btrim(we_did)) between 1 and 1000),
  recorded_by_account_id bigint not null references account (id),
  recorded_by text not null,
  recorded_at timestamptz not null default now()
);
create index choice_plan_change_icb on choice_plan_change (icb_code, recorded_at);
