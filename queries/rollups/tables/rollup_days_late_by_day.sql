-- One row per resolution day (resolved_on in rollup_facts.sql), days between due date and end
-- date, agency, field, channel and receiving organisation: how many resolved dossiers that were
-- done or returned (9, 10) with a due date ended that many days late (negative = early).
create or replace table rollup_days_late_by_day as
with

final as (
    select
        resolved_on as day,
        days_late,
        agency_id,
        field_id,
        channel,
        receiver_organisation,
        count(*)::integer as dossiers
    from rollup_facts
    where resolved_on is not null and days_late is not null
    group by all
)

select * from final
order by day
