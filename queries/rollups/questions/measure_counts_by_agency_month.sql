-- One row per agency and calendar month of [date_from, date_to] (months clipped to the period)
-- in which the agency has a dossier to count: measure_counts_by_agency_month.sql's answer from
-- the event rollups. An agency has a dossier to count in a month when it received one in it or
-- carried one over into it: received up to the month's end minus resolved before its start,
-- running sums of the events per agency (as form06_counts_by_month's carry-over).
-- Staffer-days as in the row form: each staffer's working days of a month shared among the
-- agencies they received for, in proportion to their dossiers.
with

months as (
    select * from months_of($date_from, $date_to)
),

events as (
    select *
    from dossier_events(
        $rollup_from, $rollup_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        len($procedure_ids) > 0, false
    )
),

month_working_days as (
    select
        months.month_from,
        count_if(working_days.is_working) as working_days
    from months
    inner join working_day_positions($date_from, $date_to, $holidays) as working_days
        on working_days.day between months.month_from and months.month_to
    group by all
),

-- Events before the period open each agency's running sums.
opening as (
    select
        agency_id,
        coalesce(sum(dossiers) filter (where kind = 'received'), 0) as received,
        coalesce(sum(dossiers) filter (where kind = 'resolved'), 0) as resolved
    from events
    where part = 'before'
    group by all
),

per_agency_month as (
    select
        date_trunc('month', day)::date as month,
        agency_id,
        coalesce(sum(dossiers) filter (where kind = 'received'), 0) as received,
        coalesce(sum(dossiers) filter (where kind = 'received' and channel = 2), 0)
            as received_online,
        coalesce(sum(dossiers) filter (where kind = 'received' and channel in (1, 3)), 0)
            as received_in_person_or_postal,
        coalesce(sum(supplemented) filter (where kind = 'received'), 0) as received_supplemented,
        coalesce(sum(digitised) filter (where kind = 'received'), 0) as received_digitised,
        coalesce(sum(digitisation_known) filter (where kind = 'received'), 0)
            as received_digitisation_known,
        coalesce(sum(dossiers) filter (where kind = 'resolved'), 0) as resolved_total,
        coalesce(sum(dossiers) filter (where kind = 'resolved' and timeliness = 'early'), 0)
            as resolved_early,
        coalesce(sum(dossiers) filter (where kind = 'resolved' and timeliness = 'on_time'), 0)
            as resolved_on_time,
        coalesce(sum(dossiers) filter (where kind = 'resolved' and timeliness = 'late'), 0)
            as resolved_late,
        coalesce(sum(timed) filter (where kind = 'resolved'), 0) as resolved_timed,
        coalesce(sum(working_days) filter (where kind = 'resolved'), 0) as working_days_total
    from events
    where part = 'during' and kind in ('received', 'resolved')
    group by all
),

agency_grid as (
    select
        months.month_from,
        months.month_to,
        agency_ids.agency_id
    from months
    cross join (
        select agency_id from opening
        union
        select agency_id from per_agency_month
    ) as agency_ids
),

running as (
    select
        agency_grid.*,
        per_agency_month.* exclude (month, agency_id),
        coalesce(opening.received, 0)
        + sum(coalesce(per_agency_month.received, 0)) over up_to_month as received_by_end,
        coalesce(opening.resolved, 0)
        + sum(coalesce(per_agency_month.resolved_total, 0)) over up_to_month as resolved_by_end
    from agency_grid
    left join per_agency_month
        on per_agency_month.agency_id = agency_grid.agency_id
        and per_agency_month.month = date_trunc('month', agency_grid.month_from)
    left join opening on opening.agency_id = agency_grid.agency_id
    window up_to_month as (partition by agency_grid.agency_id order by agency_grid.month_from)
),

agency_months as (
    select *
    from running
    -- received in the month + carried over into it
    where received_by_end - (resolved_by_end - coalesce(resolved_total, 0)) > 0
),

receptions as (
    select
        date_trunc('month', day)::date as month,
        agency_id,
        received_by,
        sum(dossiers) as dossiers
    from events
    where part = 'during' and kind = 'received' and received_by is not null
    group by all
),

-- Each staffer's dossiers of a month, and the share of them each agency had.
reception_shares as (
    select
        *,
        dossiers / sum(dossiers) over (partition by month, received_by) as share
    from receptions
),

staffer_days as (
    select
        reception_shares.month,
        reception_shares.agency_id,
        sum(reception_shares.dossiers) as received_with_receiver,
        sum(reception_shares.share * month_working_days.working_days) as staffer_days
    from reception_shares
    inner join month_working_days
        on date_trunc('month', month_working_days.month_from) = reception_shares.month
    group by all
),

final as (
    select
        agencies.agency_id,
        agencies.code as agency_code,
        agencies.name as agency,
        date_trunc('month', agency_months.month_from)::date as month,
        agency_months.month_from,
        agency_months.month_to,
        month_working_days.working_days as month_working_days,
        coalesce(agency_months.received_online, 0)::bigint as received_online,
        coalesce(agency_months.received_in_person_or_postal, 0)::bigint
            as received_in_person_or_postal,
        coalesce(agency_months.received_supplemented, 0)::bigint as received_supplemented,
        coalesce(agency_months.received_digitised, 0)::bigint as received_digitised,
        coalesce(agency_months.received_digitisation_known, 0)::bigint
            as received_digitisation_known,
        coalesce(agency_months.resolved_total, 0)::bigint as resolved_total,
        coalesce(agency_months.resolved_early, 0)::bigint as resolved_early,
        coalesce(agency_months.resolved_on_time, 0)::bigint as resolved_on_time,
        coalesce(agency_months.resolved_late, 0)::bigint as resolved_late,
        coalesce(agency_months.resolved_timed, 0)::bigint as resolved_timed,
        coalesce(agency_months.working_days_total, 0)::bigint as working_days_total,
        coalesce(staffer_days.received_with_receiver, 0)::bigint as received_with_receiver,
        coalesce(staffer_days.staffer_days, 0)::double as staffer_days
    from agency_months
    inner join agencies on agencies.agency_id = agency_months.agency_id
    inner join month_working_days on month_working_days.month_from = agency_months.month_from
    left join staffer_days
        on staffer_days.month = date_trunc('month', agency_months.month_from)
        and staffer_days.agency_id = agency_months.agency_id
)

select * from final
order by agency_code, month
