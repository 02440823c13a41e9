-- breadth_by_month over whole months without a channel or receiving-organisation filter: one
-- row per month, the dossiers received and how many distinct procedures, fields and agencies
-- they span, from the receptions rollup by procedure and month.
with

received as (
    select *
    from rollup_receptions_by_procedure_month
    where
        month between $rollup_from and $rollup_to
        and chosen($agency_ids, agency_id)
        and chosen($field_ids, field_id)
        and chosen($procedure_ids, procedure_id)
),

final as (
    select
        month,
        sum(dossiers)::bigint as dossiers,
        count(distinct procedure_id) as procedures,
        count(distinct field_id) as fields,
        count(distinct agency_id) as agencies
    from received
    group by all
)

select * from final
order by month
