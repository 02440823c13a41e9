-- One row per counted dossier (DOMAIN.md §3): the rule macro's classification over an unbounded
-- period, with the days its events fall on, for the rollup tables built after it (a temporary
-- table of the building connection, so the rules run once per build).
-- Event days: every Biểu 06 column for any period [from, to] is a difference of counts of
-- dossiers whose event day lies in a day range, so sums of events per day answer exactly:
--   received_on   received in period = received_on in [from, to];
--   resolved_on   max(received, end date) for dossiers resolved at some time: resolved in
--                 [from, to] exactly when resolved_on is in [from, to], whatever `from` is;
--                 carried over = (received_on < from) − (resolved_on < from);
--                 in progress at `to` = (received_on ≤ to) − (resolved_on ≤ to);
--   overdue_from  max(received, due date + 1) unless waiting for supplementation (status 5):
--                 from that day on the dossier is overdue while still in progress;
--   overdue_to    max(overdue_from, end date): from that day on it is no longer; in progress
--                 overdue at `to` = (overdue_from ≤ to) − (overdue_to ≤ to).
--                 Both are kept only for dossiers overdue on some day (overdue_to later than
--                 overdue_from, or none yet): one resolved by its deadline has both on the same
--                 day, which adds one and takes one from every count, so its two events are
--                 left out (half the events the rollups would otherwise group).
-- Working days (indicator 2.2) skip weekends and $holidays, as index766_by_procedure does.
-- The receiving organisation and the timeliness class are enums: the rollups group by them a
-- dozen times, and text keys made that a tenth slower. A value outside them fails the build
-- rather than being lost; questions compare them with text as they would text.
create or replace temp table rollup_facts as
with

facts as (
    select *
    from classified_dossiers(date '0001-01-01', date '9999-12-31', [], [], [], [], null)
),

working_day_index as (
    select day, position
    from working_day_positions(
        coalesce((select min(least(received_on, ended_on)) from facts), date '2000-01-01'),
        coalesce((select max(greatest(received_on, ended_on)) from facts), date '2000-01-01'),
        $holidays
    )
),

event_days as (
    select
        facts.code,
        facts.agency_id,
        facts.field_id,
        facts.procedure_id,
        facts.channel,
        facts.received_by,
        facts.receiver_organisation::enum('postal', 'agency') as receiver_organisation,
        facts.received_on,
        hour(facts.received_at)::tinyint as received_hour,
        facts.ended_on,
        facts.due_on,
        facts.digitised,
        -- Asked to supplement at least once, or waiting for the citizen now (evaluation).
        facts.supplement_count > 0 or facts.status = 5 as is_supplemented,
        facts.is_resolved,
        -- Only dossiers done or returned (9, 10) are timed, as in index766_by_procedure.
        facts.is_resolved and facts.status in (9, 10) as is_timed,
        case
            when facts.is_resolved and facts.status in (9, 10)
                then greatest(ended.position - received.position - facts.supplement_days, 0)
        end::integer as working_days,
        case
            when facts.is_resolved_early then 'early'
            when facts.is_resolved_late then 'late'
            when facts.is_resolved then 'on_time'
        end::enum('early', 'on_time', 'late') as timeliness,
        facts.days_late::integer as days_late,
        case when facts.is_resolved then greatest(facts.received_on, facts.ended_on) end
            as resolved_on,
        case
            when facts.status <> 5 and facts.due_on is not null
                then greatest(facts.received_on, facts.due_on + 1)
        end as overdue_from,
        case
            when facts.status <> 5 and facts.due_on is not null and facts.is_resolved
                then greatest(facts.received_on, facts.due_on + 1, facts.ended_on)
        end as overdue_to
    from facts
    left join working_day_index as received on received.day = facts.received_on
    left join working_day_index as ended on ended.day = facts.ended_on
),

final as (
    select
        * exclude (code, overdue_from, overdue_to),
        -- Overdue on some day: a spell from overdue_from until overdue_to (still open: null).
        overdue_from is not null and (overdue_to is null or overdue_to > overdue_from)
            as has_overdue_spell,
        case when has_overdue_spell then overdue_from end as overdue_from,
        case when has_overdue_spell then overdue_to end as overdue_to,
        -- Only the overdue list shows a code, and only for these few dossiers: ten million
        -- codes carried through the build cost it a second or two.
        case when has_overdue_spell then code end as code
    from event_days
)

select * from final
