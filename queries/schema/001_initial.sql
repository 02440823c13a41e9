-- Version 1 of the dossier store. No column holds a citizen's personal data:
-- applicants' names, addresses, phone and ID numbers are dropped before anything is written.

create table agencies (
    agency_id integer primary key,
    code varchar not null unique,
    name varchar not null,
    is_demo boolean not null default false
);

-- Lĩnh vực: the rows of Biểu 06.
create table fields (
    field_id integer primary key,
    code varchar not null unique,
    name varchar not null,
    is_demo boolean not null default false
);

create table procedures (
    procedure_id integer primary key,
    code varchar not null unique,
    name varchar not null,
    field_id integer,
    agency_id integer,
    processing_days integer,  -- legal processing time, in working days
    is_demo boolean not null default false
);

-- Counter staff are described by role, never by a person's name.
create table staff (
    staff_id integer primary key,
    name varchar not null,
    organisation varchar not null check (organisation in ('postal', 'agency')),
    agency_id integer,
    is_demo boolean not null default false
);

-- One row per dossier (hồ sơ), keyed by its code so that a later export updates it.
create table dossiers (
    code varchar primary key,
    procedure_id integer,
    agency_id integer not null,
    field_id integer,
    channel tinyint not null check (channel between 1 and 3),  -- 1 in person, 2 online, 3 postal
    status tinyint not null check (status between 1 and 10),   -- national portal codes
    submitted_at timestamp,
    received_at timestamp,
    due_at timestamp,
    ended_at timestamp,
    returned_at timestamp,
    received_by integer,
    digitised boolean not null default false,
    supplement_count smallint not null default 0,
    supplement_days smallint not null default 0,  -- working days spent waiting for the citizen
    is_demo boolean not null default false
);

-- One row per queue ticket at the counter.
create table counter_visits (
    visit_id bigint primary key,
    agency_id integer,
    staff_id integer,
    purpose varchar not null check (purpose in ('guidance', 'submission', 'pickup')),
    ticket_issued_at timestamp not null,
    called_at timestamp,
    finished_at timestamp,
    is_demo boolean not null default false
);

create table pilots (
    pilot_id integer primary key,
    name varchar not null,
    start_date date not null,
    end_date date not null,
    postal_staff integer not null
);

create table pilot_agencies (
    pilot_id integer not null,
    agency_id integer not null,
    primary key (pilot_id, agency_id)
);
