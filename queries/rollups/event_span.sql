-- The first and last day any event rollup row falls on, and any reception (every kind is in the
-- daily agency table): days outside a span hold no such event, so a period may be widened over
-- them.
select
    min(day) as first_day,
    max(day) as last_day,
    min(day) filter (where kind = 'received') as first_received_day,
    max(day) filter (where kind = 'received') as last_received_day
from rollup_agency_events_by_day
