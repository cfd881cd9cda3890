-- The patient's postal address (without the postcode, kept on its own): a letter through GOV.UK Notify needs
-- at least the name, one address line and the postcode.
alter table referral add column patient_address_lines text[] check (cardinality(patient_address_lines) between 1 and 5);
