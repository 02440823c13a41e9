-- The first and last day any event rollup row falls on, and any reception, as the rollups
-- were built (rollup_state.sql): days outside a span hold no such event, so a period may be
-- widened over them.
select
    first_event_on as first_day,
    last_event_on as last_day,
    first_reception_on as first_received_day,
    last_reception_on as last_received_day
from rollup_state
