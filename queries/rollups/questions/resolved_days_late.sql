-- One row per number of days between due date and end date (negative = early) and timeliness
-- class: how many resolved dossiers ended that many days after their due date, from the
-- days-late rollups (no procedure there: a procedure filter reads dossier rows).
with

resolved as (
    select *
    from days_late_events($rollup_from, $rollup_to, $agency_ids, $channels, $field_ids, $receiver)
    where part = 'during'
),

final as (
    select
        days_late::bigint as days_late,
        -- only dossiers done or returned have days late: the sign is their class
        case
            when days_late < 0 then 'resolved_early'
            when days_late > 0 then 'resolved_late'
            else 'resolved_on_time'
        end as timeliness,
        sum(dossiers)::bigint as dossiers
    from resolved
    group by all
)

select * from final
order by days_late, timeliness
