-- Where a pathway's registered GP practice came from (issue 12). A referral a practice makes names the practice
-- itself; a provider's waiting-list import only reports one, from its own records, and nothing checks it. So an
-- imported practice is kept with who reported it, and the practice sees such a pathway only as "reported by" that
-- provider, never as a referral of its own.
--   null: the registered practice is the referring organisation's own word (or there is none)
alter table referral add column registered_gp_reported_by_ods_code text references organisation (ods_code);

-- Pathways imported before this named the reported practice as the referring organisation, so the practice saw them
-- as its own referrals. The importing provider (the account that loaded them) reported both.
update referral r
set registered_gp_reported_by_ods_code = case when r.registered_gp_ods_code is null then null else a.organisation_ods_code end,
    referring_organisation_ods_code = a.organisation_ods_code
from account a
where a.id = r.created_by_account_id
  and r.source = 'WAITING_LIST'
  and r.referring_organisation_ods_code is distinct from a.organisation_ods_code;

-- Pathways moved on from an imported one (source TRANSFER, however many moves on) copied its practice and
-- referring organisation, so they take the corrected ones too.
with recursive moved as (
  select ubrn, registered_gp_reported_by_ods_code, referring_organisation_ods_code from referral where source = 'WAITING_LIST'
  union all
  select t.ubrn, m.registered_gp_reported_by_ods_code, m.referring_organisation_ods_code
  from referral t join moved m on t.transferred_from_ubrn = m.ubrn
)
update referral r
set registered_gp_reported_by_ods_code = m.registered_gp_reported_by_ods_code,
    referring_organisation_ods_code = m.referring_organisation_ods_code
from moved m
where r.ubrn = m.ubrn and r.source = 'TRANSFER';
