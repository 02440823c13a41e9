-- One row per visit purpose: how long the counter served each ticket (finished_at − called_at)
-- for the chosen agencies over [date_from, date_to], in minutes.
with

served as (
    select
        purpose,
        epoch(finished_at - called_at) / 60.0 as service_minutes
    from counter_visits
    where
        ticket_issued_at::date between $date_from and $date_to
        and chosen($agency_ids, agency_id)
        and called_at is not null
        and finished_at > called_at
),

final as (
    select
        purpose,
        count(*) as visits,
        avg(service_minutes) as mean_minutes,
        stddev_samp(service_minutes) as sd_minutes,
        quantile_cont(service_minutes, 0.5) as median_minutes
    from served
    group by all
)

select * from final
order by purpose
