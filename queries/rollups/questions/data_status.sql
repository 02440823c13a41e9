-- One row: how many dossiers the store holds, over which dates, and how many are demo records,
-- as counted when the rollups were built (the rollups are used only while these still hold).
select
    dossiers,
    demo_dossiers,
    received_dossiers,
    dossiers_with_receiver,
    first_received_on,
    last_received_on
from rollup_state
