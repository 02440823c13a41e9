-- One row per month and visit purpose: queue tickets issued at the counter for the chosen
-- agencies over [date_from, date_to], from the counter's hourly rollup.
with

visits as (
    select *
    from rollup_counter_visits_by_hour
    where
        day between $date_from and $date_to
        and chosen($agency_ids, agency_id)
),

final as (
    select
        date_trunc('month', day)::date as month,
        purpose,
        sum(tickets)::bigint as arrivals
    from visits
    group by all
)

select * from final
order by month, purpose
