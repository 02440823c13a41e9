-- Reading the rollups for a period: which rows, from the monthly or the daily tables.

-- The first day of the first whole calendar month on or after date_from.
create or replace temp macro rollup_whole_from(date_from) as
    case
        when day(date_from) = 1 then date_from::date
        else (date_trunc('month', date_from) + interval 1 month)::date
    end;

-- The day after the last whole calendar month on or before date_to.
create or replace temp macro rollup_whole_until(date_to) as
    case
        when day(date_to + interval 1 day) = 1 then (date_to + interval 1 day)::date
        else date_trunc('month', date_to)::date
    end;

-- One row per row of a pair of rollup tables (one by calendar month, one by day, with the same
-- columns but `month` for `day`) that a question about [date_from, date_to] needs: rows up to
-- date_to, each marked part = 'before' (before date_from) or 'during'. Whole calendar months
-- come from the monthly table and the partial months at the period's two ends from the daily
-- one; with daily = true the period itself is read by day (for day and week charts). For a
-- month row, `day` is the month's first day. Both tables are sorted by date, so each day range
-- below reads only the row groups that hold it.
create or replace temp macro rollup_period(month_table, day_table, date_from, date_to, daily)
as table
-- whole months before the period
select 'before' as part, * rename (month as day)
from query_table(month_table)
where month < date_trunc('month', date_from)::date
union all
-- whole months inside the period
select 'during', * rename (month as day)
from query_table(month_table)
where
    not daily
    and month >= rollup_whole_from(date_from)
    and month < rollup_whole_until(date_to)
union all
-- the days of the month holding date_from that lie before it
select 'before', *
from query_table(day_table)
where day >= date_trunc('month', date_from)::date and day < date_from
union all
-- the whole period by day
select 'during', *
from query_table(day_table)
where daily and day >= date_from and day <= date_to
union all
-- the days of the period before its first whole month
select 'during', *
from query_table(day_table)
where not daily and day >= date_from and day < rollup_whole_from(date_from) and day <= date_to
union all
-- the days of the period after its last whole month
select 'during', *
from query_table(day_table)
where
    not daily
    and day >= greatest(rollup_whole_until(date_to), rollup_whole_from(date_from))
    and day <= date_to;

-- One row per event rollup row a question about [date_from, date_to] needs (rollup_period),
-- for the filter (as classified_dossiers takes it). by_procedure reads the rollups that keep
-- the procedure; the others are several times smaller and have procedure_id null.
create or replace temp macro dossier_events(
    date_from, date_to, agency_ids, channels, field_ids, procedure_ids, receiver_org,
    by_procedure, daily
) as table
with

picked as (
    select *
    from rollup_period(
        'rollup_dossier_events_by_month', 'rollup_dossier_event_days',
        date_from, date_to, daily
    )
    where by_procedure
    union all by name
    select *
    from rollup_period(
        'rollup_agency_events_by_month', 'rollup_agency_events_by_day',
        date_from, date_to, daily
    )
    where not by_procedure
)

select *
from picked
where
    chosen(agency_ids, agency_id)
    and chosen(channels, channel)
    and chosen(field_ids, field_id)
    and chosen(procedure_ids, procedure_id)
    and (receiver_org is null or receiver_organisation = receiver_org);

-- One row per days-late rollup row a question about [date_from, date_to] needs, for the filter
-- (without procedure: that rollup has none).
create or replace temp macro days_late_events(
    date_from, date_to, agency_ids, channels, field_ids, receiver_org
) as table
select *
from rollup_period(
    'rollup_days_late_by_month', 'rollup_days_late_by_day', date_from, date_to, false
)
where
    chosen(agency_ids, agency_id)
    and chosen(channels, channel)
    and chosen(field_ids, field_id)
    and (receiver_org is null or receiver_organisation = receiver_org);
