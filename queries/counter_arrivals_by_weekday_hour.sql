-- One row per visit purpose, weekday (0 = Monday) and clock hour: queue tickets issued at the
-- counter for the chosen agencies over [date_from, date_to], and on how many distinct days.
with

visits as (
    select
        purpose,
        ticket_issued_at,
        isodow(ticket_issued_at) - 1 as weekday,
        hour(ticket_issued_at) as hour
    from counter_visits
    where
        ticket_issued_at::date between $date_from and $date_to
        and chosen($agency_ids, agency_id)
),

final as (
    select
        purpose,
        weekday,
        hour,
        count(*) as arrivals,
        count(distinct ticket_issued_at::date) as days_seen
    from visits
    group by all
)

select * from final
order by purpose, weekday, hour
