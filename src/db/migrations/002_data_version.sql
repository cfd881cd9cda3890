-- Counters that change whenever a body of reference data does, so each app instance can keep that data in
-- memory and reload it only when it changed (several stateless instances share one database).
create table data_version (
  name text primary key check (name in ('directory', 'postcodes')),
  version bigint not null default 1,
  changed_at timestamptz not null default now()
);
insert into data_version (name) values ('directory'), ('postcodes');

create function bump_data_version() returns trigger language plpgsql as $$
begin
  update data_version set version = version + 1, changed_at = now() where name = TG_ARGV[0];
  return null;
end $$;

create trigger service_changed after insert or update or delete or truncate on service
  for each statement execute function bump_data_version('directory');
create trigger site_changed after insert or update or delete or truncate on site
  for each statement execute function bump_data_version('directory');
create trigger organisation_changed after insert or update or delete or truncate on organisation
  for each statement execute function bump_data_version('directory');
create trigger specialty_changed after insert or update or delete or truncate on specialty
  for each statement execute function bump_data_version('directory');
create trigger postcode_changed after insert or update or delete or truncate on postcode
  for each statement execute function bump_data_version('postcodes');
create trigger postcode_area_changed after insert or update or delete or truncate on postcode_area
  for each statement execute function bump_data_version('postcodes');
