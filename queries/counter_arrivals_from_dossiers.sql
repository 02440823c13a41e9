-- One row per visit purpose, weekday (0 = Monday) and clock hour, estimated from dossiers when
-- the data has no queue tickets: in-person receptions and result returns, for the chosen filter.
with

received_in_period as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

-- A result is collected in the period whenever the dossier was received, so every received
-- dossier up to the period's end is looked at, not only those Biểu 06 counts for the period.
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
        purpose,
        isodow(arrived_at) - 1 as weekday,
        hour(arrived_at) as hour,
        count(*) as arrivals,
        count(distinct arrived_at::date) as days_seen
    from (select * from submissions union all select * from pickups)
    group by all
)

select * from final
order by purpose, weekday, hour
