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

final as (
    select
        $definition as definition,
        dossier_status.*,
        (select count(*) from counter_visits)::bigint as counter_visits,
        misordered.dossiers = 0 as usable
    from dossier_status, misordered
)

select * from final
