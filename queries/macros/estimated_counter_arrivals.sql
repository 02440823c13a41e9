-- Citizens at the counter estimated from dossiers, for data without queue tickets: one row per
-- in-person reception in [date_from, date_to] and per result returned in it, with its purpose
-- and time, for the chosen filter. The questions that group them (by weekday and hour, by
-- month) call this macro, so the estimate is written once.
-- Filters: as classified_dossiers (an empty list chooses everything, a null receiver_org any).
create or replace temp macro estimated_counter_arrivals(
    date_from, date_to, agency_ids, channels, field_ids, procedure_ids, receiver_org
) as table
with

received_in_period as (
    select *
    from classified_dossiers(
        date_from, date_to, agency_ids, channels, field_ids, procedure_ids, receiver_org
    )
),

-- A result is collected in the period whenever the dossier was received, so every received
-- dossier up to the period's end is looked at, not only those Biểu 06 counts for the period.
received_until_period_end as (
    select *
    from classified_dossiers(
        date '0001-01-01', date_to, agency_ids, channels, field_ids, procedure_ids, receiver_org
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
    where returned_at::date between date_from and date_to
),

final as (
    select * from submissions
    union all
    select * from pickups
)

select * from final
