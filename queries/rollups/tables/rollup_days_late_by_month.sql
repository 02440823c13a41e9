-- One row per month of resolution, days late, agency, field, channel and receiving
-- organisation: rollup_days_late_by_day summed over each month.
create or replace table rollup_days_late_by_month as
with

final as (
    select
        date_trunc('month', day)::date as month,
        days_late,
        agency_id,
        field_id,
        channel,
        receiver_organisation,
        sum(dossiers)::integer as dossiers
    from rollup_days_late_by_day
    group by all
)

select * from final
order by month
