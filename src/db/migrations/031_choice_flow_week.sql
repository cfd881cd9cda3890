-- Referral flows by week: how many of an ICB's referrals each practice sent to each provider in each specialty, per
-- week (Monday). The detector of referral patterns that moved (src/patterns) reads a period's flows from here, about
-- a third of the rows of the facts behind them and with no grouping left to do (bench/metrics.ts: a million facts
-- are some 300,000 flows), and only its partial weeks at either end from choice_fact. Kept exactly as the other
-- rollups are (019, 026): in the same transaction as each fact, by refresh_choice_fact. Only what the detector
-- counts is kept: referrals made (source REFERRAL) with a practice and a provider known.

create table choice_flow_week (
  icb_code text not null,
  week date not null,
  practice_ods_code text not null,
  specialty_code text not null,
  provider_ods_code text not null,
  referrals integer not null,
  -- in the order the detector reads them: one ICB's flows, cell by cell
  primary key (icb_code, practice_ods_code, specialty_code, provider_ods_code, week)
);

create function choice_flow_week_add(p_ubrn text, p_sign integer) returns void language plpgsql as $$
declare f record;
begin
  select icb_code, date_trunc('week', made_on)::date as week, practice_ods_code, specialty_code, provider_ods_code into f
    from choice_fact
    where ubrn = p_ubrn and source = 'REFERRAL' and icb_code is not null and practice_ods_code is not null and provider_ods_code is not null;
  if not found then return; end if;
  insert into choice_flow_week as w (icb_code, week, practice_ods_code, specialty_code, provider_ods_code, referrals)
    values (f.icb_code, f.week, f.practice_ods_code, f.specialty_code, f.provider_ods_code, p_sign)
    on conflict (icb_code, practice_ods_code, specialty_code, provider_ods_code, week) do update set referrals = w.referrals + excluded.referrals;
  -- A referral that moved on leaves no empty flow behind.
  delete from choice_flow_week
    where icb_code = f.icb_code and week = f.week and practice_ods_code = f.practice_ods_code and specialty_code = f.specialty_code
      and provider_ods_code = f.provider_ods_code and referrals = 0;
end $$;

create or replace function refresh_choice_fact(p_ubrn text) returns void language plpgsql as $$
begin
  perform choice_rollup_add(p_ubrn, -1);
  perform choice_rollup_week_add(p_ubrn, -1);
  perform choice_flow_week_add(p_ubrn, -1);
  delete from choice_fact where ubrn = p_ubrn;
  insert into choice_fact select * from choice_fact_source where ubrn = p_ubrn;
  perform choice_rollup_add(p_ubrn, 1);
  perform choice_rollup_week_add(p_ubrn, 1);
  perform choice_flow_week_add(p_ubrn, 1);
end $$;

create function choice_flow_week_rebuild() returns void language plpgsql as $$
begin
  delete from choice_flow_week;
  insert into choice_flow_week (icb_code, week, practice_ods_code, specialty_code, provider_ods_code, referrals)
  select icb_code, date_trunc('week', made_on)::date, practice_ods_code, specialty_code, provider_ods_code, count(*)
    from choice_fact
    where source = 'REFERRAL' and icb_code is not null and practice_ods_code is not null and provider_ods_code is not null
    group by 1, 2, 3, 4, 5;
end $$;

-- The bulk refresh rebuilds the flows after the facts and the other rollups (its body is 026's, which stays the one
-- definition of those; this wraps it).
alter function refresh_choice_facts() rename to refresh_choice_facts_and_rollups;
create function refresh_choice_facts() returns integer language plpgsql as $$
declare n integer;
begin
  n := refresh_choice_facts_and_rollups();
  perform choice_flow_week_rebuild();
  return n;
end $$;

select choice_flow_week_rebuild();
