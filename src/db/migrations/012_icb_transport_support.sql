-- Getting there: the patient transport support an ICB publishes for its patients, shown beside the options at
-- providers in that ICB. Not every ICB publishes one; no row means nothing is shown. The ICB is an ODS code as in
-- organisation.icb_code (no foreign key: an ICB's entry may be loaded before or without the ODS organisation).
create table icb_transport_support (
  icb_code text primary key,
  icb_name text not null,
  summary text not null check (length(summary) between 1 and 1000),   -- plain words, shown to patients as is
  link_url text not null check (link_url ~ '^https://'),
  link_text text not null check (length(link_text) between 1 and 200),
  updated_at timestamptz not null default now()
);
