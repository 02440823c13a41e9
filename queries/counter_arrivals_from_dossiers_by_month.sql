-- One row per month and visit purpose, estimated from dossiers when the data has no queue
-- tickets: in-person receptions and result returns for the chosen filter (the same estimate as
-- counter_arrivals_from_dossiers, by month instead of weekday and hour).
with

received_in_period as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

-- A result is collected in the period whenever the dossier was received.
received_until_period_end as (
    select *
    from classified_dossiers(
        date '0001-01-01', $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

submissions as (
    select
        'submission' as purpose,
        received_at as arrived_at
    from received_in_period
    where is_received_in_period and channel = 1  -- postal (3) dossiers never come to the counter
),

pickups as (
    select
        'pickup' as purpose,
        returned_at as arrived_at
    from received_until_period_end
    where returned_at::date between $date_from and $date_to
),

final as (
    select
        date_trunc('month', arrived_at)::date as month,
        purpose,
        count(*) as arrivals
    from (select * from submissions union all select * from pickups)
    group by all
)

select * from final
order by month, purpose
