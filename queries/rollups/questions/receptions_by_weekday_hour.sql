-- One row per weekday (0 = Monday) and hour of the day: dossiers received in the period,
-- from the hourly reception rollup (no procedure there: a procedure filter reads dossier rows).
with

received as (
    select *
    from rollup_receptions_by_hour
    where
        day between $date_from and $date_to
        and chosen($agency_ids, agency_id)
        and chosen($channels, channel)
        and chosen($field_ids, field_id)
        and ($receiver is null or receiver_organisation = $receiver)
),

final as (
    select
        (isodow(day) - 1)::integer as weekday,
        hour::integer as hour,
        sum(dossiers)::bigint as dossiers
    from received
    group by all
)

select * from final
order by weekday, hour
