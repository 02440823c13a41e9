-- One row per event kind, day, agency, field, channel, receiving organisation and staffer
-- (receptions only) and timeliness class: the events of rollup_facts.sql without the procedure,
-- for questions that neither filter nor group by procedure (about a tenth of the dossiers' rows
-- to read). Built kind by kind, each sorted by day, as rollup_dossier_events_by_month is.
create or replace table rollup_agency_events_by_day as
select
    'received' as kind,
    received_on as day,
    agency_id,
    field_id,
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

insert into rollup_agency_events_by_day
select
    'resolved',
    resolved_on,
    agency_id,
    field_id,
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

insert into rollup_agency_events_by_day
select
    'overdue_from',
    overdue_from,
    agency_id,
    field_id,
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

insert into rollup_agency_events_by_day
select
    'overdue_to',
    overdue_to,
    agency_id,
    field_id,
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
