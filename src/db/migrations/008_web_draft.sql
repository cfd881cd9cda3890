-- A referral being made in the web pages, kept on the server between its pages (never in URLs or cookies):
-- one draft per page session, keyed by the session's token hash, and gone when the session row goes.
create table web_draft (
  session_hash text primary key references auth_session (token_hash) on delete cascade,
  data jsonb not null,
  updated_at timestamptz not null default now()
);
