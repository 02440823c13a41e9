-- One row: the latest pilot (its period, postal staff and number of agencies). A pilot still
-- running (no end date stored) runs up to the last day the data received a dossier.
with

last_reception as (
    select max(received_at)::date as last_received_on
    from dossiers
),

final as (
    select
        pilots.pilot_id,
        pilots.name,
        pilots.start_date,
        coalesce(
            pilots.end_date, greatest(last_reception.last_received_on, pilots.start_date)
        ) as end_date,
        pilots.end_date is null as is_ongoing,
        pilots.postal_staff,
        count(pilot_agencies.agency_id) as agencies
    from pilots
    cross join last_reception
    left join pilot_agencies on pilot_agencies.pilot_id = pilots.pilot_id
    group by all
)

select * from final
order by start_date desc, pilot_id desc
limit 1
