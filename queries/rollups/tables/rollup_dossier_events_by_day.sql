-- One row per event kind, day, agency, field, procedure, channel, receiving organisation,
-- receiving staffer (receptions only) and timeliness class (resolutions only): how many counted
-- dossiers had that event on that day (the events are defined in rollup_facts.sql), with the
-- counts and working days indicators 2.2 and 4.2 need.
-- Built kind by kind, each sorted by day: grouping one kind at a time is several times cheaper
-- than grouping all four at once, and the table ends up ordered by kind and day, so a question
-- reads only the row groups of the kinds and days it asks about.
create or replace table rollup_dossier_events_by_day as
select
    'received' as kind,
    received_on as day,
    agency_id,
    field_id,
    procedure_id,
    channel,
    receiver_organisation,
    received_by,
    null::varchar as timeliness,
    count(*)::integer as dossiers,
    count_if(digitised)::integer as digitised,
    count(digitised)::integer as digitisation_known,
    count_if(is_supplemented)::integer as supplemented,
    0 as timed,
    null::bigint as working_days
from rollup_facts
group by all
order by day;

insert into rollup_dossier_events_by_day
select
    'resolved',
    resolved_on,
    agency_id,
    field_id,
    procedure_id,
    channel,
    receiver_organisation,
    null,
    timeliness,
    count(*)::integer,
    0,
    0,
    0,
    count_if(is_timed)::integer,
    sum(working_days)::bigint
from rollup_facts
where resolved_on is not null
group by all
order by resolved_on;

insert into rollup_dossier_events_by_day
select
    'overdue_from',
    overdue_from,
    agency_id,
    field_id,
    procedure_id,
    channel,
    receiver_organisation,
    null,
    null,
    count(*)::integer,
    0,
    0,
    0,
    0,
    null
from rollup_facts
where overdue_from is not null
group by all
order by overdue_from;

insert into rollup_dossier_events_by_day
select
    'overdue_to',
    overdue_to,
    agency_id,
    field_id,
    procedure_id,
    channel,
    receiver_organisation,
    null,
    null,
    count(*)::integer,
    0,
    0,
    0,
    0,
    null
from rollup_facts
where overdue_to is not null
group by all
order by overdue_to;
