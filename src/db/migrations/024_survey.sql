-- The patient survey of meaningful choice (2016 guide, action 6.4 and its five statements; the 2023 letter's
-- 6-monthly baseline). Two tables, kept apart on purpose:
--
-- survey_invitation knows the referral: whom to send the link to, and that each referral is invited once and
-- answers once. Only the SHA-256 of the link's random 32-byte token is kept; the token itself travels in the
-- outbox row until it is sent (then it is redacted, as access codes are).
--
-- survey_response holds the answers with NO link back: no UBRN, no invitation id, no exact time (answered_on is a
-- date), and a random uuid id rather than a sequence, so neither the key nor its order says which invitation it
-- answered. It takes only what the results need: the ICB, the half-year the invitation was sent in, the practice.
-- The response is written and the invitation marked answered in one transaction (once only).
--
-- What a database administrator with both tables could still infer, stated honestly:
--  * a practice with one answered invitation in a half-year (or on a day) identifies that patient's response by
--    practice and date; the results page therefore withholds any group of fewer than 10 responses, but the rows
--    themselves are there to be read;
--  * until the nightly survey job runs, the invitation's answered_at (exact) and both rows' transaction id (xmin,
--    the same for rows written in one transaction) and physical position (insertion order) can be matched; the
--    job then cuts answered_at to the day and rewrites those invitation rows, so the shared transaction id and
--    the order of answering are no longer in the live rows (old row versions linger until vacuumed, and the
--    write-ahead log and any statement log keep what they kept);
--  * the comment is free text: a patient may name themselves in it. It is shown to the ICB's own staff and kept
--    out of any publication.

create table survey_invitation (
  id bigint generated always as identity primary key,
  -- Not a foreign key: the demo's year of invitations (src/survey/demo-survey.ts) is history whose referrals the
  -- demo does not hold, under UBRNs no referral can have ("DEMO-…"). The run invites only referrals that exist.
  ubrn text not null unique,
  token_hash text not null unique check (token_hash ~ '^[0-9a-f]{64}$'),
  -- A snapshot at invitation, so response rates do not move when a practice changes ICB.
  icb_code text not null,
  practice_ods_code text,
  half_year text not null check (half_year ~ '^[0-9]{4}-H[12]$'),
  invited_at timestamptz not null default now(),
  expires_at timestamptz not null,
  answered_at timestamptz,
  check (expires_at > invited_at)
);
create index survey_invitation_icb_idx on survey_invitation (icb_code, half_year);

-- The answers. Statements: STRONGLY_AGREE, AGREE, NEITHER, DISAGREE, STRONGLY_DISAGREE, or NOT_APPLICABLE.
-- The awareness and recall questions: YES, NO or NOT_SURE.
create table survey_response (
  id uuid primary key default gen_random_uuid(),
  icb_code text not null,
  half_year text not null check (half_year ~ '^[0-9]{4}-H[12]$'),
  practice_ods_code text,
  answered_on date not null,
  discussed_options text not null check (discussed_options in ('STRONGLY_AGREE', 'AGREE', 'NEITHER', 'DISAGREE', 'STRONGLY_DISAGREE', 'NOT_APPLICABLE')),
  offered_choice_of_where text not null check (offered_choice_of_where in ('STRONGLY_AGREE', 'AGREE', 'NEITHER', 'DISAGREE', 'STRONGLY_DISAGREE', 'NOT_APPLICABLE')),
  offered_alternative text not null check (offered_alternative in ('STRONGLY_AGREE', 'AGREE', 'NEITHER', 'DISAGREE', 'STRONGLY_DISAGREE', 'NOT_APPLICABLE')),
  information_accessible text not null check (information_accessible in ('STRONGLY_AGREE', 'AGREE', 'NEITHER', 'DISAGREE', 'STRONGLY_DISAGREE', 'NOT_APPLICABLE')),
  time_to_consider text not null check (time_to_consider in ('STRONGLY_AGREE', 'AGREE', 'NEITHER', 'DISAGREE', 'STRONGLY_DISAGREE', 'NOT_APPLICABLE')),
  aware_of_right text not null check (aware_of_right in ('YES', 'NO', 'NOT_SURE')),
  recalls_offer text not null check (recalls_offer in ('YES', 'NO', 'NOT_SURE')),
  comment text check (char_length(comment) between 1 and 1000)
);
create index survey_response_icb_idx on survey_response (icb_code, half_year);

-- The invitation message (its templates are in src/messages/).
alter table outbox drop constraint outbox_kind_check;
alter table outbox add constraint outbox_kind_check check (kind in ('REFERRAL_LETTER', 'BOOKING_CONFIRMATION',
  'APPOINTMENT_CANCELLED', 'DEFERRED_TO_PROVIDER', 'CONTACT_BY_REMINDER', 'DEFERRAL_OVERDUE', 'PIDMAS_INVITATION',
  'PIDMAS_OFFER', 'PIDMAS_NO_MATCH', 'PIDMAS_NOT_SUITABLE', 'TRANSFERRED', 'SURVEY_INVITATION'));
