-- Referrals: the patient, what they need, the options offered, and every change with who, when and why.

create table referral (
  ubrn text primary key check (ubrn ~ '^[0-9]{12}$'),
  access_code_hash text not null,              -- argon2id of the one-time access code given to the patient
  status text not null check (status in ('NOT_BOOKED', 'BOOKED', 'DEFERRED_TO_PROVIDER', 'AWAITING_TRIAGE', 'ACCEPTED',
    'REJECTED', 'APPT_CANCELLED_BY_PATIENT', 'APPT_CANCELLED_BY_PROVIDER', 'DID_NOT_ATTEND', 'CANCELLED', 'TRANSFERRED')),
  priority text not null check (priority in ('ROUTINE', 'URGENT', 'TWO_WEEK_WAIT')),
  specialty_code text not null references specialty (code),
  clinical_summary text not null,
  patient_nhs_number text not null check (patient_nhs_number ~ '^[0-9]{10}$'),
  patient_given_name text not null,
  patient_family_name text not null,
  patient_date_of_birth date not null,
  patient_postcode text not null,
  patient_email text,
  patient_mobile text,
  preferences jsonb not null,                  -- { sortBy, maxDistanceKm, originPostcode }
  referring_organisation_ods_code text not null references organisation (ods_code),
  created_by_account_id bigint not null references account (id),
  rtt_clock_start date not null,
  options_offered integer not null check (options_offered between 1 and 20),
  fewer_options_reason text,                   -- why fewer than 5 were offered
  patient_chose boolean not null default false,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index referral_referrer_idx on referral (referring_organisation_ods_code, status);
create index referral_patient_idx on referral (patient_nhs_number);

-- The shortlist as offered, with what the patient was told about each option at the time.
create table referral_option (
  ubrn text not null references referral (ubrn) on delete cascade,
  rank integer not null check (rank between 1 and 20),
  service_id text not null references service (id),
  offered jsonb not null,                      -- the option as shown: distance, wait, travel cost, reasons
  primary key (ubrn, service_id),
  unique (ubrn, rank)
);
create index referral_option_service_idx on referral_option (service_id);

create table referral_event (
  id bigint generated always as identity primary key,
  ubrn text not null references referral (ubrn) on delete cascade,
  at timestamptz not null default now(),
  actor_kind text not null check (actor_kind in ('staff', 'patient', 'system')),
  actor_account_id bigint references account (id),
  actor_label text not null,                   -- 'demo-referrer (Hyde Park Surgery)', 'the patient', 'reminder job'
  from_status text,
  to_status text not null,
  reason text not null
);
create index referral_event_ubrn_idx on referral_event (ubrn, id);

-- Patients sign in too: a session belongs either to a staff account or to a patient's referral.
alter table auth_session alter column account_id drop not null;
alter table auth_session add column patient_ubrn text references referral (ubrn) on delete cascade;
alter table auth_session add constraint auth_session_one_subject check ((account_id is null) <> (patient_ubrn is null));
