-- One row per outcome of the last classification (inserted, updated, unchanged) with its count.
select
    outcome,
    count(*) as dossiers,
from incoming_classified
group by outcome
