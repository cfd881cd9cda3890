-- Choice measures at a million referrals: what each fact counts towards, and those counts summed by month.
--
-- An ICB's year can be a million referrals; its dashboard groups them five ways. Read from choice_fact, that is a
-- million rows each time (1.5 s on two cores, benchmarked in bench/metrics.ts). Summed by month, practice, referral
-- centre, provider and specialty (choice_rollup), the same year is about a seventh of the rows, so whole months are
-- read from here and only a period's partial months at either end from choice_fact (src/choice/metrics.ts).
--
-- One definition of what a fact counts towards: the view choice_fact_counts. The rollup is kept from it, exactly,
-- in the same transaction as the fact: refresh_choice_fact takes the old fact's counts off and adds the new one's.

create view choice_fact_counts as
select ubrn, made_on, date_trunc('month', made_on)::date as month, icb_code, practice_ods_code, referral_centre_ods_code,
  provider_ods_code, specialty_code,
  1 as facts,
  (source = 'REFERRAL')::int as referrals,
  (source = 'REFERRAL' and not awaiting_options)::int as with_options,
  (source = 'REFERRAL' and not awaiting_options and options_offered >= 5)::int as offered_at_least_5,
  case when source = 'REFERRAL' and not awaiting_options then options_offered else 0 end as options_offered,
  (source = 'REFERRAL' and not awaiting_options and options_offered = 0)::int as no_options,
  (source = 'REFERRAL' and patient_chose)::int as patient_chose,
  (source = 'REFERRAL' and first_appointment_on is not null)::int as booked,
  (source = 'REFERRAL' and booked_by_patient)::int as booked_by_patient,
  (source = 'REFERRAL' and appointment_slot_issue)::int as appointment_slot_issues,
  (source = 'REFERRAL' and rejected)::int as rejected,
  (source = 'REFERRAL' and electronic)::int as electronic,
  faster_alternative_offered::int as faster_offered,
  faster_alternative_taken::int as faster_taken,
  pidmas_invited::int as pidmas_invited,
  pidmas_opted_in::int as pidmas_opted_in,
  pidmas_moved::int as pidmas_moved,
  (source = 'REFERRAL' and not awaiting_options and options_offered between 1 and 4 and coalesce(fewer_options_code = 'FEWER_WITHIN_REACH', false))::int as fewer_fewer_within_reach,
  (source = 'REFERRAL' and not awaiting_options and options_offered between 1 and 4 and coalesce(fewer_options_code = 'PATIENT_ASKED', false))::int as fewer_patient_asked,
  (source = 'REFERRAL' and not awaiting_options and options_offered between 1 and 4 and coalesce(fewer_options_code = 'CLINICALLY_SPECIALIST', false))::int as fewer_clinically_specialist,
  (source = 'REFERRAL' and not awaiting_options and options_offered between 1 and 4 and coalesce(fewer_options_code = 'URGENT_CAPACITY', false))::int as fewer_urgent_capacity,
  (source = 'REFERRAL' and not awaiting_options and options_offered between 1 and 4 and coalesce(fewer_options_code = 'REFERRER_CHOSE', false))::int as fewer_referrer_chose,
  (source = 'REFERRAL' and not awaiting_options and options_offered between 1 and 4 and coalesce(fewer_options_code = 'OTHER', false))::int as fewer_other,
  (source = 'REFERRAL' and not awaiting_options and options_offered between 1 and 4 and fewer_options_code is null)::int as fewer_not_recorded
from choice_fact;

create table choice_rollup (
  icb_code text,
  month date not null,
  practice_ods_code text,
  referral_centre_ods_code text,
  provider_ods_code text,
  specialty_code text not null,
  facts integer not null,
  referrals integer not null,
  with_options integer not null,
  offered_at_least_5 integer not null,
  options_offered integer not null,
  no_options integer not null,
  patient_chose integer not null,
  booked integer not null,
  booked_by_patient integer not null,
  appointment_slot_issues integer not null,
  rejected integer not null,
  electronic integer not null,
  faster_offered integer not null,
  faster_taken integer not null,
  pidmas_invited integer not null,
  pidmas_opted_in integer not null,
  pidmas_moved integer not null,
  fewer_fewer_within_reach integer not null,
  fewer_patient_asked integer not null,
  fewer_clinically_specialist integer not null,
  fewer_urgent_capacity integer not null,
  fewer_referrer_chose integer not null,
  fewer_other integer not null,
  fewer_not_recorded integer not null
);
-- A key with no practice, centre or provider is one group, not one per row: nulls are not distinct here.
create unique index choice_rollup_key on choice_rollup (icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code) nulls not distinct;

-- Adds (p_sign 1) or takes off (-1) one referral's counts.
create function choice_rollup_add(p_ubrn text, p_sign integer) returns void language plpgsql as $$
begin
  insert into choice_rollup (icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code, facts, referrals, with_options, offered_at_least_5, options_offered, no_options, patient_chose, booked, booked_by_patient, appointment_slot_issues, rejected, electronic, faster_offered, faster_taken, pidmas_invited, pidmas_opted_in, pidmas_moved, fewer_fewer_within_reach, fewer_patient_asked, fewer_clinically_specialist, fewer_urgent_capacity, fewer_referrer_chose, fewer_other, fewer_not_recorded)
  select icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code, p_sign * facts, p_sign * referrals, p_sign * with_options, p_sign * offered_at_least_5, p_sign * options_offered, p_sign * no_options, p_sign * patient_chose, p_sign * booked, p_sign * booked_by_patient, p_sign * appointment_slot_issues, p_sign * rejected, p_sign * electronic, p_sign * faster_offered, p_sign * faster_taken, p_sign * pidmas_invited, p_sign * pidmas_opted_in, p_sign * pidmas_moved, p_sign * fewer_fewer_within_reach, p_sign * fewer_patient_asked, p_sign * fewer_clinically_specialist, p_sign * fewer_urgent_capacity, p_sign * fewer_referrer_chose, p_sign * fewer_other, p_sign * fewer_not_recorded
  from choice_fact_counts where ubrn = p_ubrn
  on conflict (icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code) do update set
      facts = choice_rollup.facts + excluded.facts,
      referrals = choice_rollup.referrals + excluded.referrals,
      with_options = choice_rollup.with_options + excluded.with_options,
      offered_at_least_5 = choice_rollup.offered_at_least_5 + excluded.offered_at_least_5,
      options_offered = choice_rollup.options_offered + excluded.options_offered,
      no_options = choice_rollup.no_options + excluded.no_options,
      patient_chose = choice_rollup.patient_chose + excluded.patient_chose,
      booked = choice_rollup.booked + excluded.booked,
      booked_by_patient = choice_rollup.booked_by_patient + excluded.booked_by_patient,
      appointment_slot_issues = choice_rollup.appointment_slot_issues + excluded.appointment_slot_issues,
      rejected = choice_rollup.rejected + excluded.rejected,
      electronic = choice_rollup.electronic + excluded.electronic,
      faster_offered = choice_rollup.faster_offered + excluded.faster_offered,
      faster_taken = choice_rollup.faster_taken + excluded.faster_taken,
      pidmas_invited = choice_rollup.pidmas_invited + excluded.pidmas_invited,
      pidmas_opted_in = choice_rollup.pidmas_opted_in + excluded.pidmas_opted_in,
      pidmas_moved = choice_rollup.pidmas_moved + excluded.pidmas_moved,
      fewer_fewer_within_reach = choice_rollup.fewer_fewer_within_reach + excluded.fewer_fewer_within_reach,
      fewer_patient_asked = choice_rollup.fewer_patient_asked + excluded.fewer_patient_asked,
      fewer_clinically_specialist = choice_rollup.fewer_clinically_specialist + excluded.fewer_clinically_specialist,
      fewer_urgent_capacity = choice_rollup.fewer_urgent_capacity + excluded.fewer_urgent_capacity,
      fewer_referrer_chose = choice_rollup.fewer_referrer_chose + excluded.fewer_referrer_chose,
      fewer_other = choice_rollup.fewer_other + excluded.fewer_other,
      fewer_not_recorded = choice_rollup.fewer_not_recorded + excluded.fewer_not_recorded;
end $$;

create or replace function refresh_choice_fact(p_ubrn text) returns void language plpgsql as $$
begin
  perform choice_rollup_add(p_ubrn, -1);
  delete from choice_fact where ubrn = p_ubrn;
  insert into choice_fact select * from choice_fact_source where ubrn = p_ubrn;
  perform choice_rollup_add(p_ubrn, 1);
end $$;

create or replace function refresh_choice_facts() returns integer language plpgsql as $$
declare n integer;
begin
  delete from choice_fact;
  insert into choice_fact select * from choice_fact_source;
  get diagnostics n = row_count;
  delete from choice_rollup;
  insert into choice_rollup (icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code, facts, referrals, with_options, offered_at_least_5, options_offered, no_options, patient_chose, booked, booked_by_patient, appointment_slot_issues, rejected, electronic, faster_offered, faster_taken, pidmas_invited, pidmas_opted_in, pidmas_moved, fewer_fewer_within_reach, fewer_patient_asked, fewer_clinically_specialist, fewer_urgent_capacity, fewer_referrer_chose, fewer_other, fewer_not_recorded)
  select icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code, sum(facts), sum(referrals), sum(with_options), sum(offered_at_least_5), sum(options_offered), sum(no_options), sum(patient_chose), sum(booked), sum(booked_by_patient), sum(appointment_slot_issues), sum(rejected), sum(electronic), sum(faster_offered), sum(faster_taken), sum(pidmas_invited), sum(pidmas_opted_in), sum(pidmas_moved), sum(fewer_fewer_within_reach), sum(fewer_patient_asked), sum(fewer_clinically_specialist), sum(fewer_urgent_capacity), sum(fewer_referrer_chose), sum(fewer_other), sum(fewer_not_recorded) from choice_fact_counts group by icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code;
  return n;
end $$;

select refresh_choice_facts();
