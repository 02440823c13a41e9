-- The calendar months of [date_from, date_to], each clipped to the period (month_from, month_to).
create or replace temp macro months_of(date_from, date_to) as table
select
    greatest(month_start::date, date_from) as month_from,
    least((month_start + interval 1 month - interval 1 day)::date, date_to) as month_to
from range(
    date_trunc('month', date_from), date_to + interval 1 day, interval 1 month
) as months_in_period (month_start);

-- One row per dossier Biểu 06 counts in each month of [date_from, date_to], with the month's
-- bounds and class flags: each month counted as if the form were filled in for it alone
-- (carry-over and overdue included), so the months of a period add up to that period's counts.
-- The counting rules are not restated: classified_dossiers is called once per month through a
-- lateral join, in one set-based query. A month where nothing matched is one row with only its
-- bounds (every dossier column null), so a monthly series keeps its empty months.
-- Filters: as classified_dossiers (an empty list chooses everything, a null receiver_org any).
create or replace temp macro classified_dossiers_by_month(
    date_from, date_to, agency_ids, channels, field_ids, procedure_ids, receiver_org
) as table
select
    months.month_from,
    months.month_to,
    monthly.*
from months_of(date_from, date_to) as months
left join lateral (
    select *
    from classified_dossiers(
        months.month_from,
        months.month_to,
        agency_ids,
        channels,
        field_ids,
        procedure_ids,
        receiver_org
    )
) as monthly on true;
