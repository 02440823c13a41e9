-- One row per number of days between due date and end date (negative = early) and timeliness
-- class: how many resolved dossiers ended that many days after their due date.
with

classified as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

resolved as (
    select
        days_late,
        case
            when is_resolved_early then 'resolved_early'
            when is_resolved_late then 'resolved_late'
            else 'resolved_on_time'
        end as timeliness
    from classified
    where is_resolved and days_late is not null
),

final as (
    select
        days_late,
        timeliness,
        count(*) as dossiers
    from resolved
    group by all
)

select * from final
order by days_late, timeliness
