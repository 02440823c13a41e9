-- One row per field (lĩnh vực), with the agency whose procedures it groups, for filter choices.
with

field_agencies as (
    select
        field_id,
        min(agency_id) as agency_id
    from procedures
    group by field_id
),

final as (
    select
        fields.field_id,
        fields.code,
        fields.name,
        field_agencies.agency_id,
        agencies.code as agency_code
    from fields
    left join field_agencies on field_agencies.field_id = fields.field_id
    left join agencies on agencies.agency_id = field_agencies.agency_id
)

select * from final
order by code
