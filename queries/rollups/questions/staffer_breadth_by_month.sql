-- One row per receiving staffer (counter) and month: how many dossiers, distinct procedures,
-- fields and agencies the staffer received, from the event rollups that keep the procedure.
with

received as (
    select *
    from dossier_events(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        true, false
    )
    where part = 'during' and kind = 'received' and received_by is not null
),

final as (
    select
        received.received_by as staff_id,
        staff.name as staff_name,
        staff.organisation,
        date_trunc('month', received.day)::date as month,
        sum(received.dossiers)::bigint as dossiers,
        count(distinct received.procedure_id) as procedures,
        count(distinct received.field_id) as fields,
        count(distinct received.agency_id) as agencies
    from received
    inner join staff on staff.staff_id = received.received_by
    group by all
)

select * from final
order by staff_id, month
