-- What the referrer sees of the ICB's assurance (2016 guide actions 3.3 and 5.6; the 2023 letter on transport):
--
-- prior_approval_rule: a specialty (treatment function code), or one procedure within it, for which the ICB wants
-- to approve a referral before it is made, with its criteria and how to apply. A rule has dates: it is in force
-- from starts_on to ends_on (inclusive; none: until ended). Ending a rule sets ends_on, so the rule and when it
-- held stay on record. The shortlist and the check page of a referral show the rules of the referrer's ICB.
--
-- capacity_notice: spare capacity or a pause for a specialty, optionally at one provider or one service, from
-- starts_on to ends_on (inclusive). Posted by the ICB (posted_by = 'ICB', for its own referrers) or by a provider
-- for its own services (posted_by = 'PROVIDER'; icb_code is then the provider's ICB, whose referrers see it on
-- their worklist). A notice withdrawn early keeps its row (withdrawn_at): it was posted, and the self-assessment
-- (action 5.6) counts notices posted.
--
-- icb_transport_support gains who can get help, how to ask and a phone number: the ICB writes its policy on its
-- own page (/commissioner/transport), and patients see it beside the travel cost of each option.

create table prior_approval_rule (
  id bigint generated always as identity primary key,
  icb_code text not null check (icb_code ~ '^[A-Z0-9]{3,5}$'),
  specialty_code text not null references specialty (code),
  procedure text check (procedure is null or length(procedure) between 1 and 200),   -- null: the whole specialty
  criteria text not null check (length(criteria) between 1 and 2000),
  how_to_apply text not null check (length(how_to_apply) between 1 and 1000),
  starts_on date not null,
  ends_on date check (ends_on is null or ends_on >= starts_on),
  created_by_account_id bigint references account (id),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index prior_approval_rule_icb on prior_approval_rule (icb_code, specialty_code);

create table capacity_notice (
  id bigint generated always as identity primary key,
  icb_code text not null check (icb_code ~ '^[A-Z0-9]{3,5}$'),
  posted_by text not null check (posted_by in ('ICB', 'PROVIDER')),
  posted_by_ods_code text not null,
  kind text not null check (kind in ('SPARE_CAPACITY', 'PAUSE')),
  specialty_code text not null references specialty (code),
  provider_ods_code text references organisation (ods_code),
  service_id text references service (id),
  title text not null check (length(title) between 1 and 120),
  body text not null check (length(body) between 1 and 1000),
  starts_on date not null,
  ends_on date not null check (ends_on >= starts_on),
  withdrawn_at timestamptz,
  created_by_account_id bigint references account (id),
  created_at timestamptz not null default now(),
  check (service_id is null or provider_ods_code is not null),
  check (posted_by = 'ICB' or provider_ods_code = posted_by_ods_code)
);
create index capacity_notice_icb on capacity_notice (icb_code, ends_on);
create index capacity_notice_provider on capacity_notice (provider_ods_code, ends_on);

alter table icb_transport_support
  add column who_can_get_help text check (who_can_get_help is null or length(who_can_get_help) between 1 and 1000),
  add column how_to_get_help text check (how_to_get_help is null or length(how_to_get_help) between 1 and 1000),
  add column phone text check (phone is null or phone ~ '^[0-9 +()]{6,20}$'),
  add column updated_by_account_id bigint references account (id);
