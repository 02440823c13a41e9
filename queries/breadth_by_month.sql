-- One row per month: dossiers received for the chosen filter and how many distinct procedures,
-- fields (lĩnh vực) and agencies they span — the breadth of the job whoever receives them.
with

received as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
    where is_received_in_period
),

final as (
    select
        date_trunc('month', received_on)::date as month,
        count(*) as dossiers,
        count(distinct procedure_id) as procedures,
        count(distinct field_id) as fields,
        count(distinct agency_id) as agencies
    from received
    group by all
)

select * from final
order by month
