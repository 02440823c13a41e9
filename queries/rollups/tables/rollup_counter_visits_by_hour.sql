-- One row per ticket date, clock hour, agency and visit purpose: queue tickets issued, and for
-- those the counter timed (called, then finished later) their count, seconds and squared seconds,
-- from which a mean and a standard deviation over any set of rows follow. In whole seconds (as
-- tickets are stamped) these sums are exact, whatever order they are added in.
create or replace table rollup_counter_visits_by_hour as
with

visits as (
    select
        ticket_issued_at::date as day,
        hour(ticket_issued_at)::integer as hour,
        agency_id,
        purpose,
        called_at is not null and finished_at > called_at as is_timed,
        epoch(finished_at - called_at) as service_seconds
    from counter_visits
),

final as (
    select
        day,
        hour,
        agency_id,
        purpose,
        count(*)::integer as tickets,
        count_if(is_timed)::integer as timed,
        coalesce(sum(service_seconds) filter (where is_timed), 0) as seconds,
        coalesce(sum(service_seconds * service_seconds) filter (where is_timed), 0)
            as seconds_squared
    from visits
    group by all
)

select * from final
order by day
