-- Exports do not say whether a dossier's components were digitised: unknown is null, not false,
-- so indicator 4.2 reads "no data" for imported records instead of a false 0%.
alter table dossiers alter column digitised drop not null;
alter table dossiers alter column digitised drop default;
