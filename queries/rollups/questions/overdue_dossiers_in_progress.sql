-- One row per dossier still in progress and past its due date at the end of the period
-- (Biểu 06 column 13), from the overdue spells: overdue at date_to exactly when its spell holds
-- that day. Ordered as queries/overdue_dossiers_in_progress.sql orders ($order_by, bound).
with

overdue as (
    select *
    from rollup_overdue_spells
    where
        overdue_from <= $date_to
        and (overdue_to is null or overdue_to > $date_to)
        and chosen($agency_ids, agency_id)
        and chosen($channels, channel)
        and chosen($field_ids, field_id)
        and chosen($procedure_ids, procedure_id)
        and ($receiver is null or receiver_organisation = $receiver)
),

final as (
    select
        overdue.code,
        coalesce(procedures.name, '—') as procedure,
        agencies.name as agency,
        overdue.due_on,
        date_diff('day', overdue.due_on, $date_to) as days_overdue
    from overdue
    inner join agencies on agencies.agency_id = overdue.agency_id
    left join procedures on procedures.procedure_id = overdue.procedure_id
)

select * from final
order by
    case when $order_by = 'due_on' then due_on end,
    case when $order_by = 'agency' then agency end,
    case when $order_by = 'procedure' then procedure end,
    case when $order_by = 'code' then code end,
    days_overdue desc,
    code
