-- One row per counted dossier with the days its events fall on (rollup_facts.sql) and what the
-- event rollups count, sorted by received day; and rollup_dossier_event_days, a view with one
-- row per event kind, day, agency, field, procedure, channel, receiving organisation, receiving
-- staffer (receptions only) and timeliness class (resolutions only) of it, each counting one
-- dossier, with the counts and working days indicators 2.2 and 4.2 need.
-- Not summed by day: with a thousand procedures, staffers and channels, a day's rows are nearly
-- one per dossier event anyway (10.4 million rows for 10 million dossiers), and grouping them
-- cost twice the time writing the dossiers sorted does. Questions read these days only at the
-- partial months at a period's ends (and by day when a procedure is chosen): sorted by received
-- day, DuckDB reads only the row groups of those days for receptions, and skips most others for
-- resolutions and deadlines, which mostly follow within weeks (late ones widen a row group's
-- range).
-- Files built before 2026-11 hold its predecessor, the events summed by day:
drop table if exists rollup_dossier_events_by_day;

create or replace table rollup_dossier_facts as
select
    received_on,
    resolved_on,
    overdue_from,
    overdue_to,
    agency_id,
    field_id,
    procedure_id,
    channel,
    -- Enums (rollup_facts.sql), cast back to text by the view: two text columns cost a fifth
    -- of writing this table.
    receiver_organisation,
    received_by,
    timeliness,
    digitised,
    is_supplemented,
    is_timed,
    working_days
from rollup_facts
order by received_on;

create or replace view rollup_dossier_event_days as
select
    'received' as kind,
    received_on as day,
    agency_id,
    field_id,
    procedure_id,
    channel,
    receiver_organisation::varchar as receiver_organisation,
    received_by,
    null::varchar as timeliness,
    1 as dossiers,
    coalesce(digitised::integer, 0) as digitised,
    (digitised is not null)::integer as digitisation_known,
    coalesce(is_supplemented::integer, 0) as supplemented,
    0 as timed,
    null::bigint as working_days
from rollup_dossier_facts
union all
select
    'resolved',
    resolved_on,
    agency_id,
    field_id,
    procedure_id,
    channel,
    receiver_organisation::varchar,
    null,
    timeliness::varchar,
    1,
    0,
    0,
    0,
    coalesce(is_timed::integer, 0),
    working_days
from rollup_dossier_facts
where resolved_on is not null
union all
select
    'overdue_from',
    overdue_from,
    agency_id,
    field_id,
    procedure_id,
    channel,
    receiver_organisation::varchar,
    null,
    null,
    1,
    0,
    0,
    0,
    0,
    null
from rollup_dossier_facts
where overdue_from is not null
union all
select
    'overdue_to',
    overdue_to,
    agency_id,
    field_id,
    procedure_id,
    channel,
    receiver_organisation::varchar,
    null,
    null,
    1,
    0,
    0,
    0,
    0,
    null
from rollup_dossier_facts
where overdue_to is not null
