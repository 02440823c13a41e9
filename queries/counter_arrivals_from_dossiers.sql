-- One row per visit purpose, weekday (0 = Monday) and clock hour, estimated from dossiers when
-- the data has no queue tickets: in-person receptions and result returns, for the chosen filter
-- (macros/estimated_counter_arrivals.sql; counter_arrivals_from_dossiers_by_month by month).
with

arrivals as (
    select *
    from estimated_counter_arrivals(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

final as (
    select
        purpose,
        isodow(arrived_at) - 1 as weekday,
        hour(arrived_at) as hour,
        count(*) as arrivals,
        count(distinct arrived_at::date) as days_seen
    from arrivals
    group by all
)

select * from final
order by purpose, weekday, hour
