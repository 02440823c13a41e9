-- One row per month: dossiers received for the chosen filter and how many distinct procedures,
-- fields (lĩnh vực) and agencies they span, from the event rollups that keep the procedure.
with

received as (
    select *
    from dossier_events(
        $rollup_from, $rollup_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        true, false
    )
    where part = 'during' and kind = 'received'
),

final as (
    select
        date_trunc('month', day)::date as month,
        sum(dossiers)::bigint as dossiers,
        count(distinct procedure_id) as procedures,
        count(distinct field_id) as fields,
        count(distinct agency_id) as agencies
    from received
    group by all
)

select * from final
order by month
