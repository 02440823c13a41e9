-- One row per agency and field (lĩnh vực): the counts of Biểu 06, columns 3 to 13, from the
-- event rollups (same answer as queries/form06_rows.sql; see rollup_facts.sql
-- for why each column is a difference of event sums).
with

events as (
    select *
    from dossier_events(
        $rollup_from, $rollup_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        len($procedure_ids) > 0, false
    )
),

sums as (
    select
        agency_id,
        field_id,
        coalesce(sum(dossiers) filter (where part = 'during' and kind = 'received'), 0)
            as received_in_period,
        coalesce(
            sum(dossiers) filter (where part = 'during' and kind = 'received' and channel = 2), 0
        ) as received_online,
        coalesce(
            sum(dossiers) filter (
                where part = 'during' and kind = 'received' and channel in (1, 3)
            ),
            0
        ) as received_in_person_or_postal,
        coalesce(sum(dossiers) filter (where part = 'before' and kind = 'received'), 0)
        - coalesce(sum(dossiers) filter (where part = 'before' and kind = 'resolved'), 0)
            as carried_over,
        coalesce(sum(dossiers) filter (where part = 'during' and kind = 'resolved'), 0)
            as resolved_total,
        coalesce(
            sum(dossiers) filter (
                where part = 'during' and kind = 'resolved' and timeliness = 'early'
            ),
            0
        ) as resolved_early,
        coalesce(
            sum(dossiers) filter (
                where part = 'during' and kind = 'resolved' and timeliness = 'on_time'
            ),
            0
        ) as resolved_on_time,
        coalesce(
            sum(dossiers) filter (
                where part = 'during' and kind = 'resolved' and timeliness = 'late'
            ),
            0
        ) as resolved_late,
        coalesce(sum(dossiers) filter (where kind = 'overdue_from'), 0)
        - coalesce(sum(dossiers) filter (where kind = 'overdue_to'), 0) as in_progress_overdue
    from events
    group by all
),

counted as (
    select
        *,
        received_in_period + carried_over as received_total,
        received_in_period + carried_over - resolved_total as in_progress_total
    from sums
    where received_in_period + carried_over > 0
),

final as (
    select
        agencies.name as agency,
        agencies.code as agency_code,
        coalesce(fields.name, '—') as field,
        fields.code as field_code,
        sum(counted.received_total)::bigint as received_total,
        sum(counted.received_online)::bigint as received_online,
        sum(counted.received_in_person_or_postal)::bigint as received_in_person_or_postal,
        sum(counted.carried_over)::bigint as carried_over,
        sum(counted.resolved_total)::bigint as resolved_total,
        sum(counted.resolved_early)::bigint as resolved_early,
        sum(counted.resolved_on_time)::bigint as resolved_on_time,
        sum(counted.resolved_late)::bigint as resolved_late,
        sum(counted.in_progress_total)::bigint as in_progress_total,
        sum(counted.in_progress_total - counted.in_progress_overdue)::bigint
            as in_progress_within_deadline,
        sum(counted.in_progress_overdue)::bigint as in_progress_overdue
    from counted
    inner join agencies on agencies.agency_id = counted.agency_id
    left join fields on fields.field_id = counted.field_id
    group by all
)

select * from final
order by agency, field
