-- One row: the first and last received dates in the store, and the same among the dossiers
-- received within [$date_from, $date_to] (queries/received_date_span.sql from the received days).
with

final as (
    select
        min(day) as first_received_on,
        max(day) as last_received_on,
        min(day) filter (where day between $date_from and $date_to) as first_plausible_on,
        max(day) filter (where day between $date_from and $date_to) as last_plausible_on
    from rollup_received_days
)

select * from final
