-- One row per calendar month of the period: the Biểu 06 counts (cols 3 to 13) of that month,
-- as if the form were filled in for the month alone (clipped to the period at both ends).
-- The counting rules are not restated here: macros/classified_dossiers_by_month.sql calls the
-- rule macro once per month, so each month gets exactly the numbers its own Biểu 06 would show
-- (carry-over and overdue included), in one set-based query with only bound parameters. A month
-- where nothing matched reads zeros.
with

classified as (
    select *
    from classified_dossiers_by_month(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

final as (
    select
        date_trunc('month', month_from)::date as month,
        month_from,
        month_to,
        -- A month without dossiers is one row of nulls from the macro: count(*) filter gives
        -- it zeros, where count_if would give null.
        count(code)::bigint as received_total,
        count(*) filter (where is_received_online) as received_online,
        count(*) filter (where is_received_in_person_or_postal) as received_in_person_or_postal,
        count(*) filter (where is_carried_over) as carried_over,
        count(*) filter (where is_resolved) as resolved_total,
        count(*) filter (where is_resolved_early) as resolved_early,
        count(*) filter (where is_resolved_on_time) as resolved_on_time,
        count(*) filter (where is_resolved_late) as resolved_late,
        count(*) filter (where is_in_progress) as in_progress_total,
        count(*) filter (where is_in_progress_within_deadline) as in_progress_within_deadline,
        count(*) filter (where is_in_progress_overdue) as in_progress_overdue
    from classified
    group by all
)

select * from final
order by month
