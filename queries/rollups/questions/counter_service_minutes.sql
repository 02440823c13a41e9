-- One row per visit purpose: how long the counter served each ticket (finished_at − called_at)
-- for the chosen agencies over [date_from, date_to], in minutes, from the hourly counter-visit
-- rollup's counts, sums and sums of squares (in seconds).
with

visits as (
    select *
    from rollup_counter_visits_by_hour
    where
        day between $date_from and $date_to
        and chosen($agency_ids, agency_id)
),

sums as (
    select
        purpose,
        sum(timed) as visits,
        sum(seconds) / 60.0 as minutes,
        sum(seconds_squared) / 3600.0 as minutes_squared
    from visits
    group by all
    having sum(timed) > 0
),

final as (
    select
        purpose,
        visits::bigint as visits,
        minutes / visits as mean_minutes,
        -- the sample standard deviation, none for a single visit (as stddev_samp)
        case
            when visits > 1
                then sqrt(greatest(minutes_squared - minutes * minutes / visits, 0) / (visits - 1))
        end as sd_minutes
    from sums
)

select * from final
order by purpose
