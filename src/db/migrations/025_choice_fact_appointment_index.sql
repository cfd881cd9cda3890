-- The choice facts' view (018) finds a referral's appointment by its UBRN, cancelled ones included (the one that
-- stands, else the latest cancelled). The only index by UBRN was the partial one of appointments that stand, which
-- that lookup cannot use, so every fact refreshed scanned the whole appointment table: each trigger's refresh grew
-- with the appointments booked, and refresh_choice_facts() with their square (19 s for 17,000 referrals of the demo
-- history on PostgreSQL; 1.3 s with this index).
create index appointment_ubrn_idx on appointment (ubrn);
