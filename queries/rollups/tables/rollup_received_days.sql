-- One row per day on which dossiers were received (whatever their status), with how many: the
-- span of received dates, and the span within a window, without reading every dossier.
create or replace table rollup_received_days as
select
    received_at::date as day,
    count(*)::bigint as dossiers
from dossiers
where received_at is not null
group by all
order by day
