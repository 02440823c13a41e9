-- One row per receiving staffer (counter) and month: how many dossiers, distinct procedures,
-- fields and agencies the staffer received, for the chosen period (all counters, so the postal
-- staffer can be compared with the agencies' own).
with

classified as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
    where is_received_in_period and received_by is not null
),

final as (
    select
        classified.received_by as staff_id,
        staff.name as staff_name,
        staff.organisation,
        date_trunc('month', classified.received_on)::date as month,
        count(*) as dossiers,
        count(distinct classified.procedure_id) as procedures,
        count(distinct classified.field_id) as fields,
        count(distinct classified.agency_id) as agencies
    from classified
    inner join staff on staff.staff_id = classified.received_by
    group by all
)

select * from final
order by staff_id, month
