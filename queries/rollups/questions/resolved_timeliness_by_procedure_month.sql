-- One row per agency, field, procedure and month of resolution: dossiers resolved before, on
-- and after their due date (Biểu 06 columns 8, 9 and 10), from the event rollups.
with

resolved as (
    select *
    from dossier_events(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        true, false
    )
    where part = 'during' and kind = 'resolved'
),

final as (
    select
        agencies.name as agency,
        coalesce(fields.name, '—') as field,
        coalesce(procedures.name, '—') as procedure,
        procedures.code as procedure_code,
        date_trunc('month', resolved.day)::date as month,
        coalesce(sum(resolved.dossiers) filter (where resolved.timeliness = 'early'), 0)::bigint
            as resolved_early,
        coalesce(sum(resolved.dossiers) filter (where resolved.timeliness = 'on_time'), 0)::bigint
            as resolved_on_time,
        coalesce(sum(resolved.dossiers) filter (where resolved.timeliness = 'late'), 0)::bigint
            as resolved_late
    from resolved
    inner join agencies on agencies.agency_id = resolved.agency_id
    left join fields on fields.field_id = resolved.field_id
    left join procedures on procedures.procedure_id = resolved.procedure_id
    group by all
)

select * from final
order by agency, field, procedure, procedure_code, month
