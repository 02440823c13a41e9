-- One row per agency, field, procedure and month of resolution: dossiers resolved before, on
-- and after their due date (Biểu 06 columns 8, 9 and 10).
with

classified as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

resolved as (
    select *
    from classified
    where is_resolved
),

final as (
    select
        agencies.name as agency,
        coalesce(fields.name, '—') as field,
        coalesce(procedures.name, '—') as procedure,
        procedures.code as procedure_code,
        date_trunc('month', resolved.ended_on)::date as month,
        count_if(resolved.is_resolved_early) as resolved_early,
        count_if(resolved.is_resolved_on_time) as resolved_on_time,
        count_if(resolved.is_resolved_late) as resolved_late
    from resolved
    inner join agencies on agencies.agency_id = resolved.agency_id
    left join fields on fields.field_id = resolved.field_id
    left join procedures on procedures.procedure_id = resolved.procedure_id
    group by all
)

select * from final
order by agency, field, procedure, procedure_code, month
