-- One row per event kind, calendar month, agency, field, procedure, channel, receiving
-- organisation and staffer (receptions only) and timeliness class: how many counted dossiers had
-- that event in that month (the events are defined in rollup_facts.sql), with the counts and
-- working days indicators 2.2 and 4.2 need. Whole months of a period are read here; only the
-- partial months at its ends read days (rollup_dossier_event_days).
-- Built kind by kind, each sorted by month: grouping one kind at a time is several times cheaper
-- than grouping all four at once, and the table ends up ordered by kind and month, so a question
-- reads only the row groups of the kinds and months it asks about.
create or replace table rollup_dossier_events_by_month as
select
    'received' as kind,
    date_trunc('month', received_on)::date as month,
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
order by month;

insert into rollup_dossier_events_by_month
select
    'resolved',
    date_trunc('month', resolved_on)::date,
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
order by date_trunc('month', resolved_on)::date;

insert into rollup_dossier_events_by_month
select
    'overdue_from',
    date_trunc('month', overdue_from)::date,
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
order by date_trunc('month', overdue_from)::date;

insert into rollup_dossier_events_by_month
select
    'overdue_to',
    date_trunc('month', overdue_to)::date,
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
order by date_trunc('month', overdue_to)::date;
