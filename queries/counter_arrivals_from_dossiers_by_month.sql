-- One row per month and visit purpose, estimated from dossiers when the data has no queue
-- tickets: in-person receptions and result returns for the chosen filter (the estimate of
-- macros/estimated_counter_arrivals.sql, as counter_arrivals_from_dossiers by weekday and hour).
with

arrivals as (
    select *
    from estimated_counter_arrivals(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

final as (
    select
        date_trunc('month', arrived_at)::date as month,
        purpose,
        count(*) as arrivals
    from arrivals
    group by all
)

select * from final
order by month, purpose
