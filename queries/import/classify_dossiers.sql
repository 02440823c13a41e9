-- One row per incoming dossier (the last valid row of each code in an export), with its outcome
-- against the store: inserted (new code), unchanged (every imported column equal) or updated.
create or replace temp table incoming_classified as
with

incoming as (
    select * from incoming_dossiers
),

stored as (
    select * from dossiers
),

final as (
    select
        incoming.*,
        case
            when stored.code is null then 'inserted'
            when incoming.procedure_id is not distinct from stored.procedure_id
                and incoming.agency_id is not distinct from stored.agency_id
                and incoming.field_id is not distinct from stored.field_id
                and incoming.channel is not distinct from stored.channel
                and incoming.status is not distinct from stored.status
                and incoming.submitted_at is not distinct from stored.submitted_at
                and incoming.received_at is not distinct from stored.received_at
                and incoming.due_at is not distinct from stored.due_at
                and incoming.ended_at is not distinct from stored.ended_at
                and incoming.returned_at is not distinct from stored.returned_at
                and not stored.is_demo
                then 'unchanged'
            else 'updated'
        end as outcome
    from incoming
    left join stored
        on incoming.code = stored.code
)

select * from final
