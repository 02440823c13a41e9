-- One row per period (day, week or month, by $grain) and channel: dossiers received in it, resolved
-- in it, and carried over into the report period (all in the first period). Every period and
-- channel appears, with zeros when nothing happened. $grain is one of 'day', 'week', 'month',
-- checked by onestop/throughput.py before binding.
-- Received uses the received date, resolved the end date of dossiers the rule macro marks
-- resolved by the end of the report period, so the sums match Biểu 06 cols 4 + 5, 7 and 6.
with

classified as (
    select *
    from classified_dossiers(
        $date_from, $date_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver
    )
),

periods as (
    select period_start::date as period_start
    from range(
        date_trunc($grain, $date_from),
        $date_to + interval 1 day,
        case $grain
            when 'day' then interval 1 day
            when 'week' then interval 7 day
            else interval 1 month
        end
    ) as periods_in_range (period_start)
),

channels as (
    select unnest([1, 2, 3]) as channel
),

events as (
    select
        date_trunc($grain, received_on)::date as period_start,
        channel,
        1 as received,
        0 as resolved,
        0 as carried_over
    from classified
    where is_received_in_period
    union all
    select
        date_trunc($grain, greatest(ended_on, $date_from))::date as period_start,
        channel,
        0 as received,
        1 as resolved,
        0 as carried_over
    from classified
    where is_resolved
    union all
    select
        date_trunc($grain, $date_from)::date as period_start,
        channel,
        0 as received,
        0 as resolved,
        1 as carried_over
    from classified
    where is_carried_over
),

final as (
    select
        periods.period_start,
        channels.channel,
        coalesce(sum(events.received), 0)::bigint as received,
        coalesce(sum(events.resolved), 0)::bigint as resolved,
        coalesce(sum(events.carried_over), 0)::bigint as carried_over
    from periods
    cross join channels
    left join events
        on events.period_start = periods.period_start
        and events.channel = channels.channel
    group by all
)

select * from final
order by period_start, channel
