-- One row per agency and calendar month of [date_from, date_to] (months clipped to the period)
-- in which the agency has a dossier to count: the counts behind the measures the pilot
-- evaluation compares (onestop.metrics), each month counted as if Biểu 06 were filled in for it
-- alone, so that the months of a period add up to that period's counts.
-- Working days skip weekends and $holidays (as in index766_by_procedure). Staffer-days: every
-- staffer who received a dossier in a month counts as on duty each working day of it, and those
-- days are shared among the agencies the staffer received for, in proportion to their dossiers;
-- so a postal clerk receiving for six agencies adds one staffer's days, not six.
with

months as (
    select *
    from months_of($date_from, $date_to)
),

-- Only months with dossiers (the macro's empty months have no code).
classified as (
    select *
    from classified_dossiers_by_month(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
    where code is not null
),

working_day_index as (
    select *
    from working_day_positions(
        least(coalesce((select min(received_on) from classified), $date_from), $date_from),
        $date_to,
        $holidays
    )
),

month_working_days as (
    select
        months.month_from,
        count_if(working_day_index.is_working) as working_days
    from months
    inner join working_day_index
        on working_day_index.day between months.month_from and months.month_to
    group by all
),

-- Withdrawn or stopped dossiers (7, 8) are left out: their time says nothing about processing.
done_days as (
    select
        classified.month_from,
        classified.code,
        greatest(
            ended.position - received.position - classified.supplement_days, 0
        ) as working_days
    from classified
    inner join working_day_index as received on received.day = classified.received_on
    inner join working_day_index as ended on ended.day = classified.ended_on
    where classified.is_resolved and classified.status in (9, 10)
),

receptions as (
    select
        month_from,
        agency_id,
        received_by,
        count(*) as dossiers
    from classified
    where is_received_in_period and received_by is not null
    group by all
),

-- Each staffer's dossiers of a month, and the share of them each agency had.
reception_shares as (
    select
        *,
        dossiers / sum(dossiers) over (partition by month_from, received_by) as share
    from receptions
),

staffer_days as (
    select
        reception_shares.month_from,
        reception_shares.agency_id,
        sum(reception_shares.dossiers) as received_with_receiver,
        sum(reception_shares.share * month_working_days.working_days) as staffer_days
    from reception_shares
    inner join month_working_days
        on month_working_days.month_from = reception_shares.month_from
    group by all
),

-- DuckDB's count_if gives null, not 0, when every value it sees is null (final coalesces).
agency_months as (
    select
        classified.agency_id,
        classified.month_from,
        classified.month_to,
        count_if(classified.is_received_online) as received_online,
        count_if(classified.is_received_in_person_or_postal) as received_in_person_or_postal,
        -- Asked to supplement at least once, or waiting for the citizen now.
        count_if(
            classified.is_received_in_period
            and (classified.supplement_count > 0 or classified.status = 5)
        ) as received_supplemented,
        count_if(classified.is_received_in_period and classified.digitised) as received_digitised,
        count_if(classified.is_received_in_period and classified.digitised is not null)
            as received_digitisation_known,
        count_if(classified.is_resolved) as resolved_total,
        count_if(classified.is_resolved_early) as resolved_early,
        count_if(classified.is_resolved_on_time) as resolved_on_time,
        count_if(classified.is_resolved_late) as resolved_late,
        count(done_days.code) as resolved_timed,
        coalesce(sum(done_days.working_days), 0) as working_days_total
    from classified
    left join done_days
        on done_days.month_from = classified.month_from
        and done_days.code = classified.code
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
        on staffer_days.month_from = agency_months.month_from
        and staffer_days.agency_id = agency_months.agency_id
)

select * from final
order by agency_code, month
