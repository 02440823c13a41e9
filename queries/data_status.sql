-- One row: how many dossiers the store holds, over which dates, and how many are demo records.
select
    count(*) as dossiers,
    count_if(is_demo) as demo_dossiers,
    min(received_at)::date as first_received_on,
    max(received_at)::date as last_received_on
from dossiers
