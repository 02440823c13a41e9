-- One row per agency: dossiers received in the period and how many distinct procedures and
-- fields (lĩnh vực) they span.
with

classified as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

received as (
    select *
    from classified
    where is_received_in_period
),

final as (
    select
        agencies.name as agency,
        agencies.code as agency_code,
        count(*) as dossiers,
        count(distinct received.procedure_id) as procedures,
        count(distinct received.field_id) as fields
    from received
    inner join agencies on agencies.agency_id = received.agency_id
    group by all
)

select * from final
order by dossiers desc, agency
