-- Adds the dossiers classified as new. Columns an export does not carry keep their defaults.
insert into dossiers by name
select
    code,
    procedure_id,
    agency_id,
    field_id,
    channel,
    status,
    submitted_at,
    received_at,
    due_at,
    ended_at,
    returned_at,
    false as is_demo,
from incoming_classified
where outcome = 'inserted'
