-- One row per agency, field, procedure and month of resolution: dossiers resolved before, on
-- and after their due date (Biểu 06 columns 8, 9 and 10), from the event rollups.
with

resolved as (
    select *
    from dossier_events(
        $rollup_from, $rollup_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        true, false
    )
    where part = 'during' and kind = 'resolved'
),

-- Grouped by numbers first, so the names join the procedure-months, not every rollup row.
per_procedure_month as (
    select
        agency_id,
        field_id,
        procedure_id,
        date_trunc('month', day)::date as month,
        coalesce(sum(dossiers) filter (where timeliness = 'early'), 0) as resolved_early,
        coalesce(sum(dossiers) filter (where timeliness = 'on_time'), 0) as resolved_on_time,
        coalesce(sum(dossiers) filter (where timeliness = 'late'), 0) as resolved_late
    from resolved
    group by all
),

final as (
    select
        agencies.name as agency,
        coalesce(fields.name, '—') as field,
        coalesce(procedures.name, '—') as procedure,
        procedures.code as procedure_code,
        per_procedure_month.month,
        sum(per_procedure_month.resolved_early)::bigint as resolved_early,
        sum(per_procedure_month.resolved_on_time)::bigint as resolved_on_time,
        sum(per_procedure_month.resolved_late)::bigint as resolved_late
    from per_procedure_month
    inner join agencies on agencies.agency_id = per_procedure_month.agency_id
    left join fields on fields.field_id = per_procedure_month.field_id
    left join procedures on procedures.procedure_id = per_procedure_month.procedure_id
    group by all
)

select * from final
order by agency, field, procedure, procedure_code, month
