-- One row: how many dossiers the store holds, over which dates, and how many are demo records.
select
    count(*) as dossiers,
    coalesce(count_if(is_demo), 0) as demo_dossiers,
    count(received_at) as received_dossiers,
    count(received_by) as dossiers_with_receiver,
    min(received_at)::date as first_received_on,
    max(received_at)::date as last_received_on
from dossiers
