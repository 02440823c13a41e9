-- One row per agency: dossiers received in the period and how many distinct procedures and
-- fields (lĩnh vực) they span, from the event rollups that keep the procedure.
with

received as (
    select *
    from dossier_events(
        $rollup_from, $rollup_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        true, false
    )
    where part = 'during' and kind = 'received'
),

-- Grouped by numbers first, so the names join a few thousand rows, not every rollup row.
per_procedure as (
    select
        agency_id,
        procedure_id,
        field_id,
        sum(dossiers) as dossiers
    from received
    group by all
),

final as (
    select
        agencies.name as agency,
        agencies.code as agency_code,
        sum(per_procedure.dossiers)::bigint as dossiers,
        count(distinct per_procedure.procedure_id) as procedures,
        count(distinct per_procedure.field_id) as fields
    from per_procedure
    inner join agencies on agencies.agency_id = per_procedure.agency_id
    group by all
)

select * from final
order by dossiers desc, agency
