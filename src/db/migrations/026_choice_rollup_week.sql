-- The choice measures by week, summed for the ICB's weekly series: a year of an ICB's weeks by specialty is about a
-- thousand rows, where the facts are a million (bench/metrics.ts). Kept exactly as choice_rollup is (019): in the
-- same transaction as each fact, from the one definition of what a fact counts towards (choice_fact_counts).
-- Whole weeks of a period come from here; its partial weeks at either end, and any series narrowed to one practice,
-- referral centre or provider, from the facts (src/choice/metrics.ts).

create table choice_rollup_week (
  icb_code text,
  week date not null,                          -- the Monday
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
create unique index choice_rollup_week_key on choice_rollup_week (icb_code, week, specialty_code) nulls not distinct;

create function choice_rollup_week_add(p_ubrn text, p_sign integer) returns void language plpgsql as $$
begin
  insert into choice_rollup_week (icb_code, week, specialty_code, facts, referrals, with_options, offered_at_least_5, options_offered, no_options, patient_chose, booked, booked_by_patient, appointment_slot_issues, rejected, electronic, faster_offered, faster_taken, pidmas_invited, pidmas_opted_in, pidmas_moved, fewer_fewer_within_reach, fewer_patient_asked, fewer_clinically_specialist, fewer_urgent_capacity, fewer_referrer_chose, fewer_other, fewer_not_recorded)
  select icb_code, date_trunc('week', made_on)::date, specialty_code, p_sign * facts, p_sign * referrals, p_sign * with_options, p_sign * offered_at_least_5, p_sign * options_offered, p_sign * no_options, p_sign * patient_chose, p_sign * booked, p_sign * booked_by_patient, p_sign * appointment_slot_issues, p_sign * rejected, p_sign * electronic, p_sign * faster_offered, p_sign * faster_taken, p_sign * pidmas_invited, p_sign * pidmas_opted_in, p_sign * pidmas_moved, p_sign * fewer_fewer_within_reach, p_sign * fewer_patient_asked, p_sign * fewer_clinically_specialist, p_sign * fewer_urgent_capacity, p_sign * fewer_referrer_chose, p_sign * fewer_other, p_sign * fewer_not_recorded
  from choice_fact_counts where ubrn = p_ubrn
  on conflict (icb_code, week, specialty_code) do update set
      facts = choice_rollup_week.facts + excluded.facts,
      referrals = choice_rollup_week.referrals + excluded.referrals,
      with_options = choice_rollup_week.with_options + excluded.with_options,
      offered_at_least_5 = choice_rollup_week.offered_at_least_5 + excluded.offered_at_least_5,
      options_offered = choice_rollup_week.options_offered + excluded.options_offered,
      no_options = choice_rollup_week.no_options + excluded.no_options,
      patient_chose = choice_rollup_week.patient_chose + excluded.patient_chose,
      booked = choice_rollup_week.booked + excluded.booked,
      booked_by_patient = choice_rollup_week.booked_by_patient + excluded.booked_by_patient,
      appointment_slot_issues = choice_rollup_week.appointment_slot_issues + excluded.appointment_slot_issues,
      rejected = choice_rollup_week.rejected + excluded.rejected,
      electronic = choice_rollup_week.electronic + excluded.electronic,
      faster_offered = choice_rollup_week.faster_offered + excluded.faster_offered,
      faster_taken = choice_rollup_week.faster_taken + excluded.faster_taken,
      pidmas_invited = choice_rollup_week.pidmas_invited + excluded.pidmas_invited,
      pidmas_opted_in = choice_rollup_week.pidmas_opted_in + excluded.pidmas_opted_in,
      pidmas_moved = choice_rollup_week.pidmas_moved + excluded.pidmas_moved,
      fewer_fewer_within_reach = choice_rollup_week.fewer_fewer_within_reach + excluded.fewer_fewer_within_reach,
      fewer_patient_asked = choice_rollup_week.fewer_patient_asked + excluded.fewer_patient_asked,
      fewer_clinically_specialist = choice_rollup_week.fewer_clinically_specialist + excluded.fewer_clinically_specialist,
      fewer_urgent_capacity = choice_rollup_week.fewer_urgent_capacity + excluded.fewer_urgent_capacity,
      fewer_referrer_chose = choice_rollup_week.fewer_referrer_chose + excluded.fewer_referrer_chose,
      fewer_other = choice_rollup_week.fewer_other + excluded.fewer_other,
      fewer_not_recorded = choice_rollup_week.fewer_not_recorded + excluded.fewer_not_recorded;
end $$;

create or replace function refresh_choice_fact(p_ubrn text) returns void language plpgsql as $$
begin
  perform choice_rollup_add(p_ubrn, -1);
  perform choice_rollup_week_add(p_ubrn, -1);
  delete from choice_fact where ubrn = p_ubrn;
  insert into choice_fact select * from choice_fact_source where ubrn = p_ubrn;
  perform choice_rollup_add(p_ubrn, 1);
  perform choice_rollup_week_add(p_ubrn, 1);
end $$;

create or replace function refresh_choice_facts() returns integer language plpgsql as $$
declare n integer;
begin
  delete from choice_fact;
  insert into choice_fact select * from choice_fact_source;
  get diagnostics n = row_count;
  delete from choice_rollup;
  insert into choice_rollup (icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code, facts, referrals, with_options, offered_at_least_5, options_offered, no_options, patient_chose, booked, booked_by_patient, appointment_slot_issues, rejected, electronic, faster_offered, faster_taken, pidmas_invited, pidmas_opted_in, pidmas_moved, fewer_fewer_within_reach, fewer_patient_asked, fewer_clinically_specialist, fewer_urgent_capacity, fewer_referrer_chose, fewer_other, fewer_not_recorded)
  select icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code, sum(facts), sum(referrals), sum(with_options), sum(offered_at_least_5), sum(options_offered), sum(no_options), sum(patient_chose), sum(booked), sum(booked_by_patient), sum(appointment_slot_issues), sum(rejected), sum(electronic), sum(faster_offered), sum(faster_taken), sum(pidmas_invited), sum(pidmas_opted_in), sum(pidmas_moved), sum(fewer_fewer_within_reach), sum(fewer_patient_asked), sum(fewer_clinically_specialist), sum(fewer_urgent_capacity), sum(fewer_referrer_chose), sum(fewer_other), sum(fewer_not_recorded)
  from choice_fact_counts group by icb_code, month, practice_ods_code, referral_centre_ods_code, provider_ods_code, specialty_code;
  delete from choice_rollup_week;
  insert into choice_rollup_week (icb_code, week, specialty_code, facts, referrals, with_options, offered_at_least_5, options_offered, no_options, patient_chose, booked, booked_by_patient, appointment_slot_issues, rejected, electronic, faster_offered, faster_taken, pidmas_invited, pidmas_opted_in, pidmas_moved, fewer_fewer_within_reach, fewer_patient_asked, fewer_clinically_specialist, fewer_urgent_capacity, fewer_referrer_chose, fewer_other, fewer_not_recorded)
  select icb_code, date_trunc('week', made_on)::date, specialty_code, sum(facts), sum(referrals), sum(with_options), sum(offered_at_least_5), sum(options_offered), sum(no_options), sum(patient_chose), sum(booked), sum(booked_by_patient), sum(appointment_slot_issues), sum(rejected), sum(electronic), sum(faster_offered), sum(faster_taken), sum(pidmas_invited), sum(pidmas_opted_in), sum(pidmas_moved), sum(fewer_fewer_within_reach), sum(fewer_patient_asked), sum(fewer_clinically_specialist), sum(fewer_urgent_capacity), sum(fewer_referrer_chose), sum(fewer_other), sum(fewer_not_recorded)
  from choice_fact_counts group by icb_code, date_trunc('week', made_on)::date, specialty_code;
  return n;
end $$;

insert into choice_rollup_week (icb_code, week, specialty_code, facts, referrals, with_options, offered_at_least_5, options_offered, no_options, patient_chose, booked, booked_by_patient, appointment_slot_issues, rejected, electronic, faster_offered, faster_taken, pidmas_invited, pidmas_opted_in, pidmas_moved, fewer_fewer_within_reach, fewer_patient_asked, fewer_clinically_specialist, fewer_urgent_capacity, fewer_referrer_chose, fewer_other, fewer_not_recorded)
select icb_code, date_trunc('week', made_on)::date, specialty_code, sum(facts), sum(referrals), sum(with_options), sum(offered_at_least_5), sum(options_offered), sum(no_options), sum(patient_chose), sum(booked), sum(booked_by_patient), sum(appointment_slot_issues), sum(rejected), sum(electronic), sum(faster_offered), sum(faster_taken), sum(pidmas_invited), sum(pidmas_opted_in), sum(pidmas_moved), sum(fewer_fewer_within_reach), sum(fewer_patient_asked), sum(fewer_clinically_specialist), sum(fewer_urgent_capacity), sum(fewer_referrer_chose), sum(fewer_other), sum(fewer_not_recorded)
from choice_fact_counts group by icb_code, date_trunc('week', made_on)::date, specialty_code;
