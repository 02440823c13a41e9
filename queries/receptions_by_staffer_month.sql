-- One row per receiving staffer and month: dossiers received in the period.
with

classified as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

final as (
    select
        coalesce(staff.name, '—') as staffer,
        staff.organisation,
        date_trunc('month', classified.received_on)::date as month,
        count(*) as dossiers
    from classified
    left join staff on staff.staff_id = classified.received_by
    where classified.is_received_in_period
    group by all
)

select * from final
order by staffer, month
