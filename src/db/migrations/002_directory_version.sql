-- A counter that changes whenever the directory does, so each app instance can keep the directory in memory
-- and reload it only when it changed (several stateless instances share one database).
create table directory_version (
  id boolean primary key default true check (id),
  version bigint not null default 1,
  changed_at timestamptz not null default now()
);
insert into directory_version default values;

create function bump_directory_version() returns trigger language plpgsql as $$
begin
  update directory_version set version = version + 1, changed_at = now();
  return null;
end $$;

create trigger service_changed after insert or update or delete or truncate on service
  for each statement execute function bump_directory_version();
create trigger site_changed after insert or update or delete or truncate on site
  for each statement execute function bump_directory_version();
create trigger organisation_changed after insert or update or delete or truncate on organisation
  for each statement execute function bump_directory_version();
create trigger specialty_changed after insert or update or delete or truncate on specialty
  for each statement execute function bump_directory_version();
