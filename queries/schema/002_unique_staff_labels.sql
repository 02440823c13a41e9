-- Staff are shown and grouped by their role label, so two staff may not share one.
create unique index staff_name_is_unique on staff (name);
