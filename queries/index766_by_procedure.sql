-- One row per agency and procedure: the dossiers behind Decision 766 indicators 2.2 and 4.2 —
-- those received in the period (and how many were digitised), and the working days taken by
-- those done or returned (status 9, 10) by the end of it.
-- Working days: days after the received date up to and including the end date, skipping
-- weekends and $holidays, minus the working days spent waiting for supplementation.
with

classified as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

holidays as (
    select unnest($holidays::date[]) as day
),

-- Withdrawn or stopped dossiers (7, 8) are left out: their time says nothing about processing.
done as (
    select
        code,
        received_on,
        ended_on,
        supplement_days
    from classified
    where is_resolved and status in (9, 10)
),

calendar_days as (
    select range::date as day
    from range(
        coalesce((select min(received_on) from done), $date_from::date),
        coalesce((select max(ended_on) from done), $date_from::date) + interval 1 day,
        interval 1 day
    )
),

-- Each day's position among working days, so that a difference of positions counts them.
-- A running sum over rows: a filtered count over the default range frame takes minutes once a
-- stray date stretches the calendar over centuries.
working_day_index as (
    select
        calendar_days.day,
        sum((isodow(calendar_days.day) - 1 < 5 and holidays.day is null)::integer) over (
            order by calendar_days.day rows between unbounded preceding and current row
        ) as position
    from calendar_days
    left join holidays on holidays.day = calendar_days.day
),

done_days as (
    select
        done.code,
        greatest(ended.position - received.position - done.supplement_days, 0) as working_days
    from done
    inner join working_day_index as received on received.day = done.received_on
    inner join working_day_index as ended on ended.day = done.ended_on
),

final as (
    select
        agencies.name as agency,
        agencies.code as agency_code,
        coalesce(procedures.code, '—') as procedure_code,
        coalesce(procedures.name, '—') as procedure,
        procedures.processing_days as legal_days,
        -- count(*) filter, not count_if: digitised is null when unknown, and count_if over
        -- nothing but nulls gives null instead of 0.
        count(*) filter (where classified.is_received_in_period) as received_in_period,
        count(*) filter (where classified.is_received_in_period and classified.digitised)
            as received_digitised,
        count(*) filter (
            where classified.is_received_in_period and classified.digitised is not null
        ) as received_digitisation_known,
        count(done_days.code) as resolved_timed,
        coalesce(sum(done_days.working_days), 0)::bigint as working_days_total
    from classified
    inner join agencies on agencies.agency_id = classified.agency_id
    left join procedures on procedures.procedure_id = classified.procedure_id
    left join done_days on done_days.code = classified.code
    group by all
)

select * from final
order by agency, procedure_code
