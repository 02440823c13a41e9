-- One row per event kind, day, agency, field, channel, receiving organisation and staffer
-- (receptions only) and timeliness class: rollup_dossier_events_by_day without the procedure,
-- for questions that neither filter nor group by procedure (several times fewer rows to read).
create or replace table rollup_agency_events_by_day as
with

final as (
    select
        kind,
        day,
        agency_id,
        field_id,
        channel,
        receiver_organisation,
        received_by,
        timeliness,
        sum(dossiers)::integer as dossiers,
        sum(digitised)::integer as digitised,
        sum(digitisation_known)::integer as digitisation_known,
        sum(supplemented)::integer as supplemented,
        sum(timed)::integer as timed,
        sum(working_days)::bigint as working_days
    from rollup_dossier_events_by_day
    group by all
)

select * from final
order by kind, day
