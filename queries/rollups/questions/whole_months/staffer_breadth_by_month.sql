-- staffer_breadth_by_month over whole months without a channel or receiving-organisation
-- filter: one row per receiving staffer and month, the dossiers received and how many distinct
-- procedures, fields and agencies, from the receptions rollup by procedure and month.
with

received as (
    select *
    from rollup_receptions_by_procedure_month
    where
        month between $rollup_from and $rollup_to
        and received_by is not null
        and chosen($agency_ids, agency_id)
        and chosen($field_ids, field_id)
        and chosen($procedure_ids, procedure_id)
),

-- Grouped by numbers first: the names join the few thousand staffer-months, not every row.
per_staffer_month as (
    select
        received_by as staff_id,
        month,
        sum(dossiers)::bigint as dossiers,
        count(distinct procedure_id) as procedures,
        count(distinct field_id) as fields,
        count(distinct agency_id) as agencies
    from received
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
