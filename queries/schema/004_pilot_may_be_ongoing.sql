-- A pilot may still be running: `onestop pilot set` without --to stores no end date, and
-- queries/pilot_definition.sql reads it as running up to the data's last reception.
alter table pilots alter column end_date drop not null;
