-- Mental health waiting standards (the 2016 guide's action 5.5): early intervention in psychosis (EIP), treatment
-- within 2 weeks of referral for more than 50%; NHS Talking Therapies (formerly IAPT), 75% within 6 weeks and 95%
-- within 18 weeks. One row per pathway, as the provider returns it: the clock start (referral received), the first
-- treatment, or how it ended without one. No patient identifiers: the measure needs none. The provider's own pathway
-- id is kept only as a keyed hash (local_id_hash), so a later return updates the row instead of adding a second.
create table mental_health_pathway (
  id bigint generated always as identity primary key,
  service_kind text not null check (service_kind in ('EIP', 'TALKING_THERAPIES')),
  provider_ods_code text not null references organisation (ods_code),
  -- sha256 of the provider's own pathway id (hex); unique per provider.
  local_id_hash text not null check (local_id_hash ~ '^[0-9a-f]{64}$'),
  -- The patient's ICB (whose commissioner sees the figures) and, where returned, their practice.
  icb_code text not null,
  practice_ods_code text,
  referred_on date not null,
  first_treatment_on date,
  ended_on date,
  ended_reason text check (ended_reason is null or length(ended_reason) <= 200),
  source text not null check (source in ('PROVIDER_RETURN', 'IMPORT')),
  created_by_account_id bigint references account (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  unique (provider_ods_code, local_id_hash),
  check (first_treatment_on is null or first_treatment_on >= referred_on),
  check (ended_on is null or ended_on >= referred_on),
  check (ended_reason is null or ended_on is not null)
);
-- The commissioner's figures: an ICB's pathways treated in a period; the provider's: its own.
create index mental_health_pathway_icb_idx on mental_health_pathway (icb_code, service_kind, first_treatment_on);
create index mental_health_pathway_provider_idx on mental_health_pathway (provider_ods_code, service_kind, first_treatment_on);
