-- One row per calendar month, agency, field, procedure and receiving staffer: the dossiers
-- received, whatever their channel and receiving organisation. The breadth questions (how many
-- procedures, fields and agencies one desk or the whole centre handles a month) count distinct
-- procedures, which sums of the wider event rollups cannot give; without the channel and the
-- organisation this table holds about a third of their reception rows, for questions over
-- whole months that filter neither.
create or replace table rollup_receptions_by_procedure_month as
select
    month,
    agency_id,
    field_id,
    procedure_id,
    received_by,
    sum(dossiers)::integer as dossiers
from rollup_dossier_events_by_month
where kind = 'received'
group by all
order by month
