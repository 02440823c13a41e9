-- One row per received date, clock hour, agency, field, channel and receiving organisation: how
-- many counted dossiers (rollup_facts.sql) were received then. The hour of day is what the
-- other rollups lack (weekday × hour charts).
create or replace table rollup_receptions_by_hour as
with

final as (
    select
        received_on as day,
        received_hour::integer as hour,
        agency_id,
        field_id,
        channel,
        receiver_organisation,
        count(*)::integer as dossiers
    from rollup_facts
    group by all
)

select * from final
order by day
