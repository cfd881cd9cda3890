-- Choice, measured: what each referral says about the choice its patient was given, kept as one row per referral
-- (choice_fact) so that commissioners' figures for a year of an ICB's referrals come from one narrow table.
--
-- Why a table kept by triggers, not a query over the live tables each time: an ICB's dashboard reads a million
-- referrals in one scan of choice_fact (grouping sets), where the same figures from referral, appointment, triage and
-- history need half a dozen joins per referral. Why triggers, not the services: a figure must move exactly with every
-- referral made and acted on, whichever feature acted, and the database sees every write. One view
-- (choice_fact_source) is the only definition of a fact; the triggers and the bulk refresh both read it.

-- What the measures need that the referral did not record.
-- Why fewer than 5 options, as a code (the words stay in fewer_options_reason).
alter table referral add column fewer_options_code text check (fewer_options_code in
  ('FEWER_WITHIN_REACH', 'PATIENT_ASKED', 'CLINICALLY_SPECIALIST', 'URGENT_CAPACITY', 'REFERRER_CHOSE', 'OTHER'));
-- Minimum standard 7: referrals made electronically, against those recorded from a paper referral.
alter table referral add column received_via text not null default 'ELECTRONIC' check (received_via in ('ELECTRONIC', 'PAPER'));
-- The right to a faster alternative: when the patient was first shown alternatives that beat their wait.
alter table referral add column faster_alternative_offered_at timestamptz;
-- Booked by the patient themselves (Manage Your Referral), not by staff with them.
alter table appointment add column booked_by_patient boolean not null default false;

update appointment set booked_by_patient = true where booked_by = 'the patient';
update referral set fewer_options_code = case
    when fewer_options_reason like 'The referrer chose%' then 'REFERRER_CHOSE'
    when fewer_options_reason like 'The patient asked%' then 'PATIENT_ASKED'
    when fewer_options_reason like 'Only these providers are clinically%' then 'CLINICALLY_SPECIALIST'
    when fewer_options_reason like 'Only these providers can see%' then 'URGENT_CAPACITY'
    when fewer_options_reason like 'Only %' or fewer_options_reason like 'Fewer than 5 providers%' then 'FEWER_WITHIN_REACH'
    else 'OTHER' end
  where options_offered between 1 and 4;

-- The only definition of a referral's choice facts.
create view choice_fact_source as
select
  r.ubrn,
  (r.created_at at time zone 'Europe/London')::date as made_on,
  r.source,
  coalesce(practice.icb_code, referrer.icb_code) as icb_code,
  practice.ods_code as practice_ods_code,
  ras.organisation_ods_code as referral_centre_ods_code,
  chosen.provider_ods_code,
  chosen.id as service_id,
  r.specialty_code,
  r.priority,
  r.status,
  r.options_offered,
  -- Sent for triage and not yet offered options: the shortlist is still to come, so not counted as fewer than 5.
  (t.ubrn is not null and t.outcome is null) as awaiting_options,
  r.fewer_options_code,
  r.patient_chose,
  coalesce(appt.booked_by_patient and appt.cancelled_at is null, false) as booked_by_patient,
  exists (select 1 from referral_event e where e.ubrn = r.ubrn and e.to_status = 'DEFERRED_TO_PROVIDER') as appointment_slot_issue,
  (r.rejected_at is not null or exists (select 1 from referral_event e where e.ubrn = r.ubrn and e.to_status = 'REJECTED')) as rejected,
  r.received_via = 'ELECTRONIC' as electronic,
  t.ubrn is not null as sent_for_triage,
  r.faster_alternative_offered_at is not null as faster_alternative_offered,
  (exists (select 1 from referral n where n.transferred_from_ubrn = r.ubrn)
    and not exists (select 1 from proposed_transfer p where p.ubrn = r.ubrn and p.status = 'ACCEPTED')) as faster_alternative_taken,
  coalesce(pidmas.invited_at is not null, false) as pidmas_invited,
  coalesce(pidmas.opted_in_at is not null, false) as pidmas_opted_in,
  exists (select 1 from proposed_transfer p where p.ubrn = r.ubrn and p.status = 'ACCEPTED') as pidmas_moved,
  case when appt.cancelled_at is null then (appt.starts_at at time zone 'Europe/London')::date end as first_appointment_on
from referral r
join organisation referrer on referrer.ods_code = r.referring_organisation_ods_code
left join organisation practice on practice.ods_code =
  case when referrer.kind = 'GP_PRACTICE' then referrer.ods_code else r.registered_gp_ods_code end
left join referral_triage t on t.ubrn = r.ubrn
left join referral_assessment_service ras on ras.id = t.assessment_service_id
left join pidmas_request pidmas on pidmas.ubrn = r.ubrn
-- The appointment that stands, else the latest one cancelled.
left join lateral (
  select a.service_id, a.booked_by_patient, a.starts_at, a.cancelled_at from appointment a
  where a.ubrn = r.ubrn order by (a.cancelled_at is null) desc, a.booked_at desc limit 1
) appt on true
-- The provider the referral is with: booked, deferred to, waiting at, or (rejected) the one that rejected it.
left join service chosen on chosen.id = coalesce(
  case when appt.cancelled_at is null then appt.service_id end, r.deferred_service_id, r.current_service_id, r.rejected_service_id, appt.service_id);

create table choice_fact (
  ubrn text primary key references referral (ubrn) on delete cascade,
  made_on date not null,
  source text not null,
  icb_code text,
  practice_ods_code text,
  referral_centre_ods_code text,
  provider_ods_code text,
  service_id text,
  specialty_code text not null,
  priority text not null,
  status text not null,
  options_offered integer not null,
  awaiting_options boolean not null,
  fewer_options_code text,
  patient_chose boolean not null,
  booked_by_patient boolean not null,
  appointment_slot_issue boolean not null,
  rejected boolean not null,
  electronic boolean not null,
  sent_for_triage boolean not null,
  faster_alternative_offered boolean not null,
  faster_alternative_taken boolean not null,
  pidmas_invited boolean not null,
  pidmas_opted_in boolean not null,
  pidmas_moved boolean not null,
  first_appointment_on date
);
create index choice_fact_icb_idx on choice_fact (icb_code, made_on);

create function refresh_choice_fact(p_ubrn text) returns void language plpgsql as $$
begin
  delete from choice_fact where ubrn = p_ubrn;
  insert into choice_fact select * from choice_fact_source where ubrn = p_ubrn;
end $$;

-- Every fact again, from scratch: after a bulk load that deferred them, or an ICB boundary change.
create function refresh_choice_facts() returns integer language plpgsql as $$
declare n integer;
begin
  delete from choice_fact;
  insert into choice_fact select * from choice_fact_source;
  get diagnostics n = row_count;
  return n;
end $$;

-- A bulk loader sets openchoice.defer_choice_facts to 'on' for its transaction and calls refresh_choice_facts() after.
create function choice_fact_deferred() returns boolean language sql stable as $$
  select coalesce(current_setting('openchoice.defer_choice_facts', true), '') = 'on'
$$;

create function choice_fact_on_referral() returns trigger language plpgsql as $$
begin
  if choice_fact_deferred() then return null; end if;
  perform refresh_choice_fact(new.ubrn);
  if new.transferred_from_ubrn is not null then perform refresh_choice_fact(new.transferred_from_ubrn); end if;
  return null;
end $$;
create trigger choice_fact_referral after insert or update on referral for each row execute function choice_fact_on_referral();

create function choice_fact_on_ubrn_row() returns trigger language plpgsql as $$
begin
  if choice_fact_deferred() then return null; end if;
  perform refresh_choice_fact(new.ubrn);
  return null;
end $$;
create trigger choice_fact_appointment after insert or update on appointment for each row execute function choice_fact_on_ubrn_row();
create trigger choice_fact_triage after insert or update on referral_triage for each row execute function choice_fact_on_ubrn_row();
create trigger choice_fact_pidmas after insert or update on pidmas_request for each row execute function choice_fact_on_ubrn_row();
create trigger choice_fact_transfer after insert or update on proposed_transfer for each row execute function choice_fact_on_ubrn_row();
create trigger choice_fact_event after insert on referral_event for each row
  when (new.to_status in ('DEFERRED_TO_PROVIDER', 'REJECTED')) execute function choice_fact_on_ubrn_row();

select refresh_choice_facts();
