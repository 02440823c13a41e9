-- One row per calendar day of [first_day, last_day]: whether deadlines run on it (not a weekend,
-- not one of `holidays`) and its position among working days, so that the difference of two
-- days' positions counts the working days after the first up to and including the second.
-- Shared by every query that measures time in working days (Decision 766 indicator 2.2).
create or replace temp macro working_day_positions(first_day, last_day, holidays) as table
with

calendar_days as (
    select range::date as day
    from range(first_day::date, last_day::date + interval 1 day, interval 1 day)
),

holiday_days as (
    select distinct unnest(holidays::date[]) as day
),

flagged as (
    select
        calendar_days.day,
        isodow(calendar_days.day) - 1 < 5 and holiday_days.day is null as is_working
    from calendar_days
    left join holiday_days on holiday_days.day = calendar_days.day
),

final as (
    select
        day,
        is_working,
        -- A running sum over rows: a filtered count over the default range frame takes minutes
        -- once a stray date stretches the calendar over centuries.
        sum(is_working::integer) over (
            order by day rows between unbounded preceding and current row
        ) as position
    from flagged
)

select * from final
