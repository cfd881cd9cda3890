-- Letters a patient can use (issue 9): a phone number to call on every letter and message, and the formats a
-- patient needs (Accessible Information Standard), recorded once on the referral.

-- As ODS (etr, epraccur) and the NHS website's hospital sites publish them; null when none is known.
alter table organisation add column phone text;
alter table site add column phone text;

-- {"largePrint", "easyRead", "language", "britishSignLanguage", "carer": {"name", "phone", "email"} | null}
-- (src/domain/communication-needs.ts); null when none were recorded.
alter table referral add column communication_needs jsonb;

-- A carer the patient named gets a copy of each message.
alter table outbox drop constraint outbox_audience_check;
alter table outbox add constraint outbox_audience_check check (audience in ('patient', 'provider', 'carer'));
