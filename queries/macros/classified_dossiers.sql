-- One row per dossier that Biểu 06 counts for the period [date_from, date_to], with the class
-- flags every report and chart sums. This is the only place the counting rules of DOMAIN.md §3
-- live; every query that counts dossiers selects from it.
-- Filters: an empty list chooses everything (macros/chosen.sql), a null receiver_org any receiver.
create or replace temp macro classified_dossiers(
    date_from, date_to, agency_ids, channels, field_ids, procedure_ids, receiver_org
) as table
with

received_dossiers as (
    select
        dossiers.*,
        staff.organisation as receiver_organisation,
        dossiers.received_at::date as received_on,
        dossiers.due_at::date as due_on,
        -- An open dossier has no end date, whatever its columns say.
        case
            when dossiers.status in (2, 4, 5, 6) then null
            else coalesce(dossiers.ended_at, dossiers.returned_at)::date
        end as ended_on
    from dossiers
    left join staff on staff.staff_id = dossiers.received_by
    where
        dossiers.status not in (1, 3)
        and dossiers.received_at is not null
        and dossiers.received_at::date <= date_to
        and chosen(agency_ids, dossiers.agency_id)
        and chosen(channels, dossiers.channel)
        and chosen(field_ids, dossiers.field_id)
        and chosen(procedure_ids, dossiers.procedure_id)
        and (receiver_org is null or staff.organisation = receiver_org)
),

counted as (
    select
        *,
        received_on >= date_from as is_received_in_period,
        received_on < date_from as is_carried_over,
        coalesce(status in (7, 8, 9, 10) and ended_on <= date_to, false) as is_resolved
    from received_dossiers
    where received_on >= date_from or ended_on is null or ended_on >= date_from
),

final as (
    select
        *,
        is_received_in_period and channel = 2 as is_received_online,
        is_received_in_period and channel in (1, 3) as is_received_in_person_or_postal,
        coalesce(is_resolved and status in (9, 10) and ended_on < due_on, false)
            as is_resolved_early,
        coalesce(is_resolved and status in (9, 10) and ended_on > due_on, false)
            as is_resolved_late,
        is_resolved
            and not coalesce(status in (9, 10) and ended_on <> due_on, false) as is_resolved_on_time,
        not is_resolved as is_in_progress,
        not is_resolved and status <> 5 and coalesce(due_on < date_to, false)
            as is_in_progress_overdue,
        not is_resolved and not (status <> 5 and coalesce(due_on < date_to, false))
            as is_in_progress_within_deadline,
        -- Only for dossiers processed to the end: a withdrawal's date says nothing about delay.
        case
            when is_resolved and status in (9, 10) then date_diff('day', due_on, ended_on)
        end as days_late
    from counted
)

select * from final
