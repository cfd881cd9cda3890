-- A rejection says why: the provider's coded reason and note, kept on the referral while it stands (the history
-- keeps every rejection in words), so the referrer reads them and the RTT rule for that reason can be applied.
alter table referral add column rejection_reason text check (rejection_reason in
  ('CLINICALLY_INAPPROPRIATE', 'SERVICE_CANNOT_MEET_NEEDS', 'INSUFFICIENT_INFORMATION', 'WRONG_SPECIALTY', 'DUPLICATE_REFERRAL'));
alter table referral add column rejection_note text;
alter table referral add column rejected_at timestamptz;
alter table referral add column rejected_by text;
alter table referral add column rejected_service_id text references service (id); -- the service that rejected it, not offered again by default

-- Worklists: each organisation's referrals, newest change first (the NHS number is indexed already).
create index referral_referrer_updated_idx on referral (referring_organisation_ods_code, updated_at desc, ubrn);
