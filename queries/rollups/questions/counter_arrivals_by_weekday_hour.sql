-- One row per visit purpose, weekday (0 = Monday) and clock hour: queue tickets issued at the
-- counter for the chosen agencies over [date_from, date_to], and on how many distinct days,
-- from the hourly counter-visit rollup.
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
        purpose,
        isodow(day) - 1 as weekday,
        hour::bigint as hour,
        sum(tickets)::bigint as arrivals,
        count(distinct day) as days_seen
    from visits
    group by all
)

select * from final
order by purpose, weekday, hour
