-- One row per dossier that is overdue on some day (rollup_facts.sql): from overdue_from until
-- overdue_to (null: still open), with what the overdue list shows. A dossier resolved by its
-- deadline has an empty spell and is left out, so this is the few late or open dossiers, not all.
create or replace table rollup_overdue_spells as
with

final as (
    select
        code,
        agency_id,
        field_id,
        procedure_id,
        channel,
        receiver_organisation,
        due_on,
        overdue_from,
        overdue_to
    from rollup_facts
    where has_overdue_spell
)

select * from final
order by overdue_from
