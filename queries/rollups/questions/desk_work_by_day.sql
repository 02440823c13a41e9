-- One row per day with receptions: online dossiers to check and paper dossiers (in person or by
-- post) to digitise, from the daily event rollups.
with

received as (
    select *
    from dossier_events(
        $rollup_from, $rollup_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        len($procedure_ids) > 0, true
    )
    where part = 'during' and kind = 'received'
),

final as (
    select
        day as received_on,
        isodow(day) - 1 as weekday,
        coalesce(sum(dossiers) filter (where channel = 2), 0)::bigint as online_to_check,
        coalesce(sum(dossiers) filter (where channel in (1, 3)), 0)::bigint as paper_to_digitise
    from received
    group by all
)

select * from final
order by received_on
