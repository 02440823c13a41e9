-- One row per calendar month of the period: the Biểu 06 counts (cols 3 to 13) of that month,
-- as if the form were filled in for the month alone (clipped to the period at both ends).
-- The counting rules are not restated here: the rule macro is called once per month through a
-- lateral join, so each month gets exactly the numbers its own Biểu 06 would show (carry-over
-- and overdue included), in one set-based query with only bound parameters.
with

months as (
    select
        greatest(month_start::date, $date_from) as month_from,
        least((month_start + interval 1 month - interval 1 day)::date, $date_to) as month_to
    from range(
        date_trunc('month', $date_from), $date_to + interval 1 day, interval 1 month
    ) as months_in_period (month_start)
),

classified as (
    select
        months.month_from,
        months.month_to,
        monthly.*
    from months
    left join lateral (
        select *
        from classified_dossiers(
            months.month_from,
            months.month_to,
            $agency_ids,
            $channels,
            $field_ids,
            $procedure_ids,
            $receiver
        )
    ) as monthly on true
),

final as (
    select
        date_trunc('month', month_from)::date as month,
        month_from,
        month_to,
        count(code)::bigint as received_total,
        count_if(is_received_online)::bigint as received_online,
        count_if(is_received_in_person_or_postal)::bigint as received_in_person_or_postal,
        count_if(is_carried_over)::bigint as carried_over,
        count_if(is_resolved)::bigint as resolved_total,
        count_if(is_resolved_early)::bigint as resolved_early,
        count_if(is_resolved_on_time)::bigint as resolved_on_time,
        count_if(is_resolved_late)::bigint as resolved_late,
        count_if(is_in_progress)::bigint as in_progress_total,
        count_if(is_in_progress_within_deadline)::bigint as in_progress_within_deadline,
        count_if(is_in_progress_overdue)::bigint as in_progress_overdue
    from classified
    group by all
)

select * from final
order by month
