-- Providers maintain their own listings: a withdrawn listing keeps why, and every change is kept with who and
-- when. The hospitals file's SubType is kept on the site, as it is one of the things the placement rule reads.
alter table site add column sub_type text;

alter table service add column withdrawn_reason text;
alter table service add column withdrawn_at timestamptz;

create table service_change (
  id bigint generated always as identity primary key,
  service_id text not null references service (id),
  action text not null check (action in ('LISTED', 'EDITED', 'WITHDRAWN', 'RELISTED')),
  -- The fields changed, each as { "from": …, "to": … } (for LISTED, every field as listed).
  changes jsonb not null default '{}',
  reason text,
  changed_by_account_id bigint not null references account (id),
  changed_at timestamptz not null default now()
);
create index service_change_service_idx on service_change (service_id, changed_at desc);
