-- One row per agency: dossiers received in the period and how many distinct procedures and
-- fields (lĩnh vực) they span, from the event rollups that keep the procedure.
with

received as (
    select *
    from dossier_events(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        true, false
    )
    where part = 'during' and kind = 'received'
),

final as (
    select
        agencies.name as agency,
        agencies.code as agency_code,
        sum(received.dossiers)::bigint as dossiers,
        count(distinct received.procedure_id) as procedures,
        count(distinct received.field_id) as fields
    from received
    inner join agencies on agencies.agency_id = received.agency_id
    group by all
)

select * from final
order by dossiers desc, agency
