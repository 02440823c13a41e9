-- One row: what the rollups were built from (the rollup definition and the row counts they
-- summarise), whether they may answer questions, and the data status page headers show.
-- The rollups answer only when every end date falls on or after its received date (the
-- importer guarantees it): the events place a resolution on max(received, end date), and month
-- labels of resolutions and throughput periods assume the end date is that day.
create or replace table rollup_state as
with

dossier_status as (
    select
        count(*)::bigint as dossiers,
        coalesce(count_if(is_demo), 0)::bigint as demo_dossiers,
        count(received_at)::bigint as received_dossiers,
        count(received_by)::bigint as dossiers_with_receiver,
        min(received_at)::date as first_received_on,
        max(received_at)::date as last_received_on
    from dossiers
),

misordered as (
    select count(*) as dossiers
    from rollup_facts
    where ended_on < received_on
),

-- The days any event, and any reception, falls on: a period is read as whole months where the
-- days that skips lie outside them (core/rollups.py, reading_period).
event_span as (
    select
        min(day) as first_event_on,
        max(day) as last_event_on,
        min(day) filter (where kind = 'received') as first_reception_on,
        max(day) filter (where kind = 'received') as last_reception_on
    from rollup_agency_events_by_day
),

final as (
    select
        $definition as definition,
        dossier_status.*,
        (select count(*) from counter_visits)::bigint as counter_visits,
        misordered.dossiers = 0 as usable,
        event_span.*
    from dossier_status, misordered, event_span
)

select * from final
