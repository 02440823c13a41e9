-- One row per day with receptions: desk work the counter's dossiers bring — online dossiers to
-- check and paper dossiers (in person or by post) to digitise — for the chosen filter.
with

classified as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
    where is_received_in_period
),

final as (
    select
        received_on,
        isodow(received_on) - 1 as weekday,
        count_if(channel = 2)::bigint as online_to_check,
        count_if(channel in (1, 3))::bigint as paper_to_digitise
    from classified
    group by all
)

select * from final
order by received_on
