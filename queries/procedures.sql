-- One row per administrative procedure (thủ tục), for filter choices.
with

final as (
    select
        procedures.procedure_id,
        procedures.code,
        procedures.name,
        procedures.agency_id
    from procedures
)

select * from final
order by code
