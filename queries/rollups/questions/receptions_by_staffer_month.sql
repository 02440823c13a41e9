-- One row per receiving staffer and month: dossiers received in the period, from the event
-- rollups.
with

received as (
    select *
    from dossier_events(
        $rollup_from, $rollup_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        len($procedure_ids) > 0, false
    )
    where part = 'during' and kind = 'received'
),

final as (
    select
        coalesce(staff.name, '—') as staffer,
        staff.organisation,
        date_trunc('month', received.day)::date as month,
        sum(received.dossiers)::bigint as dossiers
    from received
    left join staff on staff.staff_id = received.received_by
    group by all
)

select * from final
order by staffer, month
