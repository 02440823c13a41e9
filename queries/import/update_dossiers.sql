-- Overwrites the imported columns of dossiers classified as updated; columns an export does not
-- carry (received_by, digitised, supplements) keep their stored values.
update dossiers
set
    procedure_id = changed.procedure_id,
    agency_id = changed.agency_id,
    field_id = changed.field_id,
    channel = changed.channel,
    status = changed.status,
    submitted_at = changed.submitted_at,
    received_at = changed.received_at,
    due_at = changed.due_at,
    ended_at = changed.ended_at,
    returned_at = changed.returned_at,
    is_demo = false
from incoming_classified as changed
where dossiers.code = changed.code
    and changed.outcome = 'updated'
