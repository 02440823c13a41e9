-- One row per agency and procedure: the dossiers behind Decision 766 indicators 2.2 and 4.2,
-- from the event rollups, whose working days were counted with the project's holiday calendar
-- when they were built ($holidays is that calendar; see onestop/rollups.py).
with

events as (
    select *
    from dossier_events(
        $rollup_from, $rollup_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        true, false
    )
),

sums as (
    select
        agency_id,
        procedure_id,
        coalesce(sum(dossiers) filter (where part = 'during' and kind = 'received'), 0)
            as received_in_period,
        coalesce(sum(digitised) filter (where part = 'during' and kind = 'received'), 0)
            as received_digitised,
        coalesce(sum(digitisation_known) filter (where part = 'during' and kind = 'received'), 0)
            as received_digitisation_known,
        coalesce(sum(timed) filter (where part = 'during' and kind = 'resolved'), 0)
            as resolved_timed,
        coalesce(sum(working_days) filter (where part = 'during' and kind = 'resolved'), 0)
            as working_days_total,
        -- counted in Biểu 06 for the period: received in it or carried over into it
        coalesce(sum(dossiers) filter (where kind = 'received'), 0)
        - coalesce(sum(dossiers) filter (where part = 'before' and kind = 'resolved'), 0)
            as counted
    from events
    where kind in ('received', 'resolved')
    group by all
),

final as (
    select
        agencies.name as agency,
        agencies.code as agency_code,
        coalesce(procedures.code, '—') as procedure_code,
        coalesce(procedures.name, '—') as procedure,
        procedures.processing_days as legal_days,
        sum(sums.received_in_period)::bigint as received_in_period,
        sum(sums.received_digitised)::bigint as received_digitised,
        sum(sums.received_digitisation_known)::bigint as received_digitisation_known,
        sum(sums.resolved_timed)::bigint as resolved_timed,
        sum(sums.working_days_total)::bigint as working_days_total
    from sums
    inner join agencies on agencies.agency_id = sums.agency_id
    left join procedures on procedures.procedure_id = sums.procedure_id
    where sums.counted > 0
    group by all
)

select * from final
order by agency, procedure_code
