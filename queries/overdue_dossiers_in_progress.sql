-- One row per dossier still in progress and past its due date at the end of the period
-- (Biểu 06 column 13), in the order named by $order_by (a whitelisted key, bound, never
-- formatted in): days_overdue (default), due_on, agency, procedure or code.
with

classified as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

final as (
    select
        classified.code,
        coalesce(procedures.name, '—') as procedure,
        agencies.name as agency,
        classified.due_on,
        date_diff('day', classified.due_on, $date_to) as days_overdue
    from classified
    inner join agencies on agencies.agency_id = classified.agency_id
    left join procedures on procedures.procedure_id = classified.procedure_id
    where classified.is_in_progress_overdue
)

select * from final
order by
    case when $order_by = 'due_on' then due_on end,
    case when $order_by = 'agency' then agency end,
    case when $order_by = 'procedure' then procedure end,
    case when $order_by = 'code' then code end,
    days_overdue desc,
    code
