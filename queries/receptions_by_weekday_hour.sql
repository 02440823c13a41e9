-- One row per weekday (0 = Monday) and hour of the day: dossiers received in the period.
with

classified as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

final as (
    select
        (isodow(received_at) - 1)::integer as weekday,
        hour(received_at)::integer as hour,
        count(*) as dossiers
    from classified
    where is_received_in_period
    group by all
)

select * from final
order by weekday, hour
