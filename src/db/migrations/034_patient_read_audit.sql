-- Who saw what (issue 12): one row for each patient or referral shown to someone, written by the route that showed
-- it (src/http/read-audit.ts) in a statement of its own after the answer is sent. Append-only: a trigger refuses
-- every UPDATE, DELETE and TRUNCATE, whoever asks, except the retention purge below, which may delete only rows
-- older than the retention period and never rows younger than the floor of six years written here.
create table patient_read_audit (
  id bigint generated always as identity primary key,
  read_at timestamptz not null default now(),
  -- who: a member of staff (account id, username, role, organisation), or the patient themself (role 'patient')
  account_id integer,
  username text,
  role text not null,
  organisation_ods_code text,
  organisation_name text,
  -- whose record: the referral's UBRN and the patient's NHS number, whichever the answer carried (one at least)
  ubrn text,
  nhs_number text,
  -- why: the route template (e.g. 'GET /api/v1/referrals/:ubrn') and the purpose when the route knows one
  route text not null,
  purpose text,
  request_id text,
  constraint patient_read_audit_names_someone check (ubrn is not null or nhs_number is not null)
);
create index patient_read_audit_ubrn on patient_read_audit (ubrn, read_at) where ubrn is not null;
create index patient_read_audit_nhs_number on patient_read_audit (nhs_number, read_at) where nhs_number is not null;
create index patient_read_audit_account on patient_read_audit (account_id, read_at);
create index patient_read_audit_read_at on patient_read_audit (read_at);

create function patient_read_audit_refuse_change() returns trigger language plpgsql as $$
begin
  if tg_op = 'DELETE'
     and current_setting('openchoice.read_audit_purge', true) = 'on'
     and old.read_at < now() - greatest(current_setting('openchoice.read_audit_keep', true)::interval, interval '6 years') then
    return old;
  end if;
  raise exception 'patient_read_audit is append-only: % refused', tg_op using errcode = '42501';
end;
$$;

create trigger patient_read_audit_append_only before update or delete on patient_read_audit
  for each row execute function patient_read_audit_refuse_change();
create trigger patient_read_audit_no_truncate before truncate on patient_read_audit
  for each statement execute function patient_read_audit_refuse_change();

-- The one way rows leave: those read longer ago than `keep` (at least six years). SECURITY DEFINER so that in
-- production the service's role needs only INSERT and SELECT on the table and EXECUTE on this function (README).
create function purge_patient_read_audit(keep interval) returns bigint language plpgsql security definer
  set search_path = public, pg_temp as $$
declare
  purged bigint;
begin
  if keep < interval '6 years' then
    raise exception 'the read audit is kept at least six years, not %', keep using errcode = '22023';
  end if;
  perform set_config('openchoice.read_audit_purge', 'on', true);
  perform set_config('openchoice.read_audit_keep', keep::text, true);
  delete from patient_read_audit where read_at < now() - keep;
  get diagnostics purged = row_count;
  perform set_config('openchoice.read_audit_purge', 'off', true);
  return purged;
end;
$$;
