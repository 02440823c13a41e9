-- Removes every pilot definition: the store holds one pilot at a time, and `onestop pilot set`
-- replaces it (the dossiers themselves are untouched).
delete from pilot_agencies;
delete from pilots;
