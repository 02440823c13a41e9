-- One row: the latest pilot (its period, postal staff and number of agencies).
with

final as (
    select
        pilots.pilot_id,
        pilots.name,
        pilots.start_date,
        pilots.end_date,
        pilots.postal_staff,
        count(pilot_agencies.agency_id) as agencies
    from pilots
    left join pilot_agencies on pilot_agencies.pilot_id = pilots.pilot_id
    group by all
)

select * from final
order by start_date desc, pilot_id desc
limit 1
