-- One row per receiving staffer: dossiers received in the period and how many distinct
-- agencies, procedures and fields (lĩnh vực) they span, from the event rollups.
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
        coalesce(staff.name, '—') as staffer,
        staff.organisation,
        sum(received.dossiers)::bigint as dossiers,
        count(distinct received.agency_id) as agencies,
        count(distinct received.procedure_id) as procedures,
        count(distinct received.field_id) as fields
    from received
    left join staff on staff.staff_id = received.received_by
    group by all
)

select * from final
order by dossiers desc, staffer
