-- One row per period (day, week or month, by $grain) and channel: dossiers received in it,
-- resolved in it, and carried over into the report period (all in the first period), from the
-- event rollups (same answer as queries/dossier_flow_by_period.sql). Months are read from the
-- monthly rollups; days and weeks from the daily ones.
with

events as (
    select *
    from dossier_events(
        $rollup_from, $rollup_to, $agency_ids, $channels, $field_ids, $procedure_ids, $receiver,
        len($procedure_ids) > 0, $grain <> 'month'
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

flows as (
    select
        date_trunc($grain, day)::date as period_start,
        channel,
        sum(dossiers) filter (where kind = 'received') as received,
        sum(dossiers) filter (where kind = 'resolved') as resolved,
        0 as carried_over
    from events
    where part = 'during' and kind in ('received', 'resolved')
    group by all
    union all
    select
        date_trunc($grain, $date_from)::date,
        channel,
        0,
        0,
        coalesce(sum(dossiers) filter (where kind = 'received'), 0)
        - coalesce(sum(dossiers) filter (where kind = 'resolved'), 0)
    from events
    where part = 'before' and kind in ('received', 'resolved')
    group by all
),

final as (
    select
        periods.period_start,
        channels.channel,
        coalesce(sum(flows.received), 0)::bigint as received,
        coalesce(sum(flows.resolved), 0)::bigint as resolved,
        coalesce(sum(flows.carried_over), 0)::bigint as carried_over
    from periods
    cross join channels
    left join flows
        on flows.period_start = periods.period_start
        and flows.channel = channels.channel
    group by all
)

select * from final
order by period_start, channel
