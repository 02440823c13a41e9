-- One row per month and visit purpose: queue tickets issued at the counter for the chosen
-- agencies over [date_from, date_to] (the peak month of the staffing capacity is read from it).
with

visits as (
    select
        purpose,
        date_trunc('month', ticket_issued_at)::date as month
    from counter_visits
    where
        ticket_issued_at::date between $date_from and $date_to
        and chosen($agency_ids, agency_id)
),

final as (
    select
        month,
        purpose,
        count(*) as arrivals
    from visits
    group by all
)

select * from final
order by month, purpose
