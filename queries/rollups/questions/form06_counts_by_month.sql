-- One row per calendar month of the period: the Biểu 06 counts (cols 3 to 13) of that month,
-- as if the form were filled in for the month alone (clipped to the period at both ends), from
-- the event rollups in one pass: a month's carry-over, in-progress and overdue counts are
-- running sums of the events up to the day before it starts and up to its last day.
with

months as (
    select * from months_of($date_from, $date_to)
),

events as (
    select *
    from dossier_events(
        $rollup_from, $rollup_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        len($procedure_ids) > 0, false
    )
),

-- Events before the period open the running sums.
opening as (
    select
        coalesce(sum(dossiers) filter (where kind = 'received'), 0) as received,
        coalesce(sum(dossiers) filter (where kind = 'resolved'), 0) as resolved,
        coalesce(sum(dossiers) filter (where kind = 'overdue_from'), 0) as overdue_from,
        coalesce(sum(dossiers) filter (where kind = 'overdue_to'), 0) as overdue_to
    from events
    where part = 'before'
),

per_month as (
    select
        months.month_from,
        months.month_to,
        coalesce(sum(events.dossiers) filter (where events.kind = 'received'), 0) as received,
        coalesce(
            sum(events.dossiers) filter (where events.kind = 'received' and events.channel = 2),
            0
        ) as received_online,
        coalesce(
            sum(events.dossiers) filter (
                where events.kind = 'received' and events.channel in (1, 3)
            ),
            0
        ) as received_in_person_or_postal,
        coalesce(sum(events.dossiers) filter (where events.kind = 'resolved'), 0) as resolved,
        coalesce(
            sum(events.dossiers) filter (
                where events.kind = 'resolved' and events.timeliness = 'early'
            ),
            0
        ) as resolved_early,
        coalesce(
            sum(events.dossiers) filter (
                where events.kind = 'resolved' and events.timeliness = 'on_time'
            ),
            0
        ) as resolved_on_time,
        coalesce(
            sum(events.dossiers) filter (
                where events.kind = 'resolved' and events.timeliness = 'late'
            ),
            0
        ) as resolved_late,
        coalesce(sum(events.dossiers) filter (where events.kind = 'overdue_from'), 0)
            as overdue_from,
        coalesce(sum(events.dossiers) filter (where events.kind = 'overdue_to'), 0)
            as overdue_to
    from months
    left join events
        on events.part = 'during'
        and date_trunc('month', events.day) = date_trunc('month', months.month_from)
    group by all
),

-- Running sums up to each month's last day.
running as (
    select
        per_month.*,
        opening.received + sum(per_month.received) over up_to_month as received_by_end,
        opening.resolved + sum(per_month.resolved) over up_to_month as resolved_by_end,
        opening.overdue_from + sum(per_month.overdue_from) over up_to_month as overdue_from_by_end,
        opening.overdue_to + sum(per_month.overdue_to) over up_to_month as overdue_to_by_end
    from per_month, opening
    window up_to_month as (order by per_month.month_from)
),

final as (
    select
        date_trunc('month', month_from)::date as month,
        month_from,
        month_to,
        -- received in the month + carried over = received by its end − resolved before it
        (received_by_end - (resolved_by_end - resolved))::bigint as received_total,
        received_online::bigint as received_online,
        received_in_person_or_postal::bigint as received_in_person_or_postal,
        (received_by_end - received - (resolved_by_end - resolved))::bigint as carried_over,
        resolved::bigint as resolved_total,
        resolved_early::bigint as resolved_early,
        resolved_on_time::bigint as resolved_on_time,
        resolved_late::bigint as resolved_late,
        (received_by_end - resolved_by_end)::bigint as in_progress_total,
        (received_by_end - resolved_by_end - (overdue_from_by_end - overdue_to_by_end))::bigint
            as in_progress_within_deadline,
        (overdue_from_by_end - overdue_to_by_end)::bigint as in_progress_overdue
    from running
)

select * from final
order by month
