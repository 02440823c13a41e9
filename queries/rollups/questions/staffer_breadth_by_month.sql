-- One row per receiving staffer (counter) and month: how many dossiers, distinct procedures,
-- fields and agencies the staffer received, from the event rollups that keep the procedure.
with

received as (
    select *
    from dossier_events(
        $rollup_from, $rollup_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        true, false
    )
    where part = 'during' and kind = 'received' and received_by is not null
),

-- Grouped by numbers first: the names join the few thousand staffer-months, not every row.
-- One row per staffer, month and procedure (with its field and agency) before counting: the
-- three distinct counts then read a third of the rows.
per_procedure as (
    select
        received_by as staff_id,
        date_trunc('month', day)::date as month,
        agency_id,
        field_id,
        procedure_id,
        sum(dossiers)::bigint as dossiers
    from received
    group by all
),

per_staffer_month as (
    select
        staff_id,
        month,
        sum(dossiers)::bigint as dossiers,
        count(distinct procedure_id) as procedures,
        count(distinct field_id) as fields,
        count(distinct agency_id) as agencies
    from per_procedure
    group by all
),

final as (
    select
        per_staffer_month.staff_id,
        staff.name as staff_name,
        staff.organisation,
        per_staffer_month.month,
        per_staffer_month.dossiers,
        per_staffer_month.procedures,
        per_staffer_month.fields,
        per_staffer_month.agencies
    from per_staffer_month
    inner join staff on staff.staff_id = per_staffer_month.staff_id
)

select * from final
order by staff_id, month
