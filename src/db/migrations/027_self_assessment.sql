-- The ICB's self-assessment against the 2016 guide (its 24 actions and 9 minimum standards, RAG-rated per half-year),
-- the evidence given for each item (text, links, attached documents), the append-only history of every change, the
-- five questions for reflection, the sign-off by the ICB's senior responsible owner (SRO, named per ICB, 2023 letter).
--
-- Item ids and periods are checked by the application against src/domain/self-assessment-items.ts (the catalog);
-- the database checks their shape. An item row exists once it has been saved; an unsaved item reads as unrated.

-- The SRO of an ICB: one per ICB, replaced when renamed (the old name stays in sign-offs, which copy it).
create table icb_sro (
  icb_code text primary key,
  name text not null check (char_length(btrim(name)) between 1 and 200),
  role text not null check (char_length(btrim(role)) between 1 and 200),
  contact text not null check (char_length(btrim(contact)) between 1 and 200),
  updated_by_account_id bigint not null references account (id),
  updated_by text not null,
  updated_at timestamptz not null default now()
);

-- One ICB's assessment of one half-year: the reflections, and a version counted up by every change to it (an item,
-- an attachment, the reflections). It is signed off when its latest sign-off is of its current version: any change
-- after a sign-off reopens it (the sign-off stays in self_assessment_sign_off as history).
create table self_assessment (
  icb_code text not null,
  period text not null check (period ~ '^[0-9]{4}-H[12]$'),
  -- the five questions for reflection, answered in order ('' where not answered)
  reflections jsonb not null default '["", "", "", "", ""]' check (jsonb_typeof(reflections) = 'array' and jsonb_array_length(reflections) = 5),
  version integer not null default 0 check (version >= 0),
  last_changed_at timestamptz not null default now(),
  primary key (icb_code, period)
);

create table self_assessment_item (
  icb_code text not null,
  period text not null,
  item_id text not null check (item_id ~ '^([1-6]\.[1-9]|MS[1-9])$'),
  rating text check (rating in ('RED', 'AMBER', 'GREEN')),
  contrary_to_legal_rights boolean not null default false,
  -- the evidence in the assessor's words, each a piece of text (at most 20, each at most 4000 characters)
  evidence_texts jsonb not null default '[]' check (jsonb_typeof(evidence_texts) = 'array'),
  -- links to evidence held elsewhere (http and https addresses, at most 20)
  evidence_links jsonb not null default '[]' check (jsonb_typeof(evidence_links) = 'array'),
  owner text check (owner is null or char_length(owner) between 1 and 200),
  -- the rating the evidence OpenChoice holds suggested when the item was saved, and why the assessor overruled it
  suggested_rating text check (suggested_rating in ('RED', 'AMBER', 'GREEN')),
  overrule_reason text check (overrule_reason is null or char_length(overrule_reason) between 1 and 2000),
  updated_by_account_id bigint not null references account (id),
  updated_by text not null,
  updated_at timestamptz not null default now(),
  primary key (icb_code, period, item_id),
  foreign key (icb_code, period) references self_assessment (icb_code, period)
);

-- Every change to an item, append-only: who, when, the rating and the effective rating before and after.
create table self_assessment_item_change (
  id bigint generated always as identity primary key,
  icb_code text not null,
  period text not null,
  item_id text not null,
  old_rating text check (old_rating in ('RED', 'AMBER', 'GREEN')),
  new_rating text check (new_rating in ('RED', 'AMBER', 'GREEN')),
  old_effective text check (old_effective in ('RED', 'AMBER', 'GREEN')),
  new_effective text check (new_effective in ('RED', 'AMBER', 'GREEN')),
  contrary_to_legal_rights boolean not null,
  -- what else changed, in words ("evidence", "owner", "attachment added: plan.pdf"), never file contents
  what text not null,
  changed_by_account_id bigint not null references account (id),
  changed_by text not null,
  changed_at timestamptz not null default now(),
  foreign key (icb_code, period) references self_assessment (icb_code, period)
);
create index self_assessment_item_change_item on self_assessment_item_change (icb_code, period, item_id, id);

-- Documents attached as evidence, kept in the database: at most 5 MB each, of the allowed types only (checked by
-- content and by name when uploaded, src/assurance/attachments.ts), served only as downloads.
create table self_assessment_attachment (
  id uuid primary key default gen_random_uuid(),
  icb_code text not null,
  period text not null,
  item_id text not null,
  file_name text not null check (char_length(file_name) between 1 and 200),
  media_type text not null check (media_type in ('application/pdf',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'image/png', 'image/jpeg', 'text/plain', 'text/csv')),
  size_bytes integer not null check (size_bytes between 1 and 5242880),
  content bytea not null check (octet_length(content) = size_bytes),
  sha256 text not null check (sha256 ~ '^[0-9a-f]{64}$'),
  uploaded_by_account_id bigint not null references account (id),
  uploaded_by text not null,
  uploaded_at timestamptz not null default now(),
  removed_at timestamptz,
  foreign key (icb_code, period) references self_assessment (icb_code, period)
);
create index self_assessment_attachment_item on self_assessment_attachment (icb_code, period, item_id) where removed_at is null;

-- Sign-offs, append-only: who recorded it, when, and the SRO as named then.
create table self_assessment_sign_off (
  id bigint generated always as identity primary key,
  icb_code text not null,
  period text not null,
  sro_name text not null,
  sro_role text not null,
  -- the version of the assessment signed off
  version integer not null,
  signed_off_by_account_id bigint not null references account (id),
  signed_off_by text not null,
  signed_off_at timestamptz not null default now(),
  foreign key (icb_code, period) references self_assessment (icb_code, period)
);
create index self_assessment_sign_off_assessment on self_assessment_sign_off (icb_code, period, signed_off_at desc);

create function self_assessment_append_only() returns trigger language plpgsql as $$
begin
  raise exception '% is append-only', tg_table_name;
end $$;
create trigger self_assessment_item_change_append_only before update or delete on self_assessment_item_change
  for each row execute function self_assessment_append_only();
create trigger self_assessment_sign_off_append_only before update or delete on self_assessment_sign_off
  for each row execute function self_assessment_append_only();
