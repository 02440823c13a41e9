-- One row: the first and last received dates in the store, and the same among the dossiers
-- received within [$date_from, $date_to] (the plausible window, so that one stray date such as
-- 1900-01-01 or 2999-01-01 does not stretch the default view over centuries).
with

received as (
    select received_at::date as received_on
    from dossiers
    where received_at is not null
),

final as (
    select
        min(received_on) as first_received_on,
        max(received_on) as last_received_on,
        min(received_on) filter (
            where received_on between $date_from and $date_to
        ) as first_plausible_on,
        max(received_on) filter (
            where received_on between $date_from and $date_to
        ) as last_plausible_on
    from received
)

select * from final
