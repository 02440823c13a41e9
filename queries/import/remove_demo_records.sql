-- Removes every demo record before the first real import, so figures never mix invented and
-- real dossiers; a pilot whose agencies were all demo agencies goes with them.
delete from counter_visits where is_demo;
delete from dossiers where is_demo;
delete from pilot_agencies
where agency_id in (select agency_id from agencies where is_demo);
delete from pilots
where pilot_id not in (select pilot_id from pilot_agencies);
delete from procedures where is_demo;
delete from fields where is_demo;
delete from staff where is_demo;
delete from agencies where is_demo;
