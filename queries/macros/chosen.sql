-- Whether a value passes a filter's list of choices. An empty list chooses everything: this is
-- the one place SQL spells "all agencies" (and all channels, fields, procedures); Python spells
-- it as an empty tuple in DossierFilter, a link as `agency=all`.
create or replace temp macro chosen(choices, value) as
    len(choices) = 0 or list_contains(choices, value)
