-- One row per agency and field (lĩnh vực): the counts of Biểu 06, columns 3 to 13.
with

classified as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

final as (
    select
        agencies.name as agency,
        agencies.code as agency_code,
        coalesce(fields.name, '—') as field,
        fields.code as field_code,
        count(*) as received_total,
        count_if(classified.is_received_online) as received_online,
        count_if(classified.is_received_in_person_or_postal) as received_in_person_or_postal,
        count_if(classified.is_carried_over) as carried_over,
        count_if(classified.is_resolved) as resolved_total,
        count_if(classified.is_resolved_early) as resolved_early,
        count_if(classified.is_resolved_on_time) as resolved_on_time,
        count_if(classified.is_resolved_late) as resolved_late,
        count_if(classified.is_in_progress) as in_progress_total,
        count_if(classified.is_in_progress_within_deadline) as in_progress_within_deadline,
        count_if(classified.is_in_progress_overdue) as in_progress_overdue
    from classified
    inner join agencies on agencies.agency_id = classified.agency_id
    left join fields on fields.field_id = classified.field_id
    group by all
)

select * from final
order by agency, field
