-- One row per calendar month of the period: the Biểu 06 counts (cols 3 to 13) of that month,
-- as if the form were filled in for the month alone (clipped to the period at both ends).
-- The counting rules are not restated here: the rule macro is called once per month through a
-- lateral join, so each month gets exactly the numbers its own Biểu 06 would show (carry-over
-- and overdue included), in one set-based query with only bound parameters. A month where
-- nothing matched reads zeros (count_if over the lateral join's empty row gives null).
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
        coalesce(count_if(is_received_online), 0)::bigint as received_online,
        coalesce(count_if(is_received_in_person_or_postal), 0)::bigint
            as received_in_person_or_postal,
        coalesce(count_if(is_carried_over), 0)::bigint as carried_over,
        coalesce(count_if(is_resolved), 0)::bigint as resolved_total,
        coalesce(count_if(is_resolved_early), 0)::bigint as resolved_early,
        coalesce(count_if(is_resolved_on_time), 0)::bigint as resolved_on_time,
        coalesce(count_if(is_resolved_late), 0)::bigint as resolved_late,
        coalesce(count_if(is_in_progress), 0)::bigint as in_progress_total,
        coalesce(count_if(is_in_progress_within_deadline), 0)::bigint
            as in_progress_within_deadline,
        coalesce(count_if(is_in_progress_overdue), 0)::bigint as in_progress_overdue
    from classified
    group by all
)

select * from final
order by month
