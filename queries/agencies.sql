-- One row per agency, with whether the latest pilot includes it.
with

latest_pilot as (
    select pilot_id
    from pilots
    order by start_date desc, pilot_id desc
    limit 1
),

final as (
    select
        agencies.agency_id,
        agencies.code,
        agencies.name,
        pilot_agencies.agency_id is not null as is_pilot
    from agencies
    left join pilot_agencies
        on pilot_agencies.agency_id = agencies.agency_id
        and pilot_agencies.pilot_id = (select pilot_id from latest_pilot)
)

select * from final
order by name
