"""The demo reproduces the pilot's published year, is deterministic, and stores no personal data."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import polars as pl
import pytest

from onestop import demo
from onestop.cli import main as cli
from onestop.core import db
from onestop.demo.populations import DemoPlan

PUBLISHED = {
    "received_total": 1700,
    "received_online": 1669,
    "received_in_person_or_postal": 31,
    "carried_over": 0,
    "resolved_total": 1668,
    "resolved_early": 1479,
    "resolved_on_time": 168,
    "resolved_late": 21,
    "in_progress_total": 32,
}


def test_pilot_year_report_gives_the_published_figures(demo_db: Path, capsys) -> None:
    argv = ["report", "--db", str(demo_db), "--from", "2023-01-01", "--to", "2023-12-31"]
    assert cli.main([*argv, "--pilot", "--format", "json"]) == 0
    output = json.loads(capsys.readouterr().out)
    assert {key: output["total"][key] for key in PUBLISHED} == PUBLISHED
    assert output["from"] == "2023-01-01" and output["to"] == "2023-12-31"
    agencies = {row["agency"] for row in output["rows"]}
    assert len(agencies) == 6


def _table_digests(path: Path) -> dict[str, str]:
    con = db.connect_read_only(path)
    try:
        digests = {}
        for table in db.table_names(con):
            if table == "schema_version":
                continue
            frame = con.sql(f'select * from "{table}"').pl()
            frame = frame.sort(frame.columns)
            digests[table] = hashlib.sha256(frame.write_csv().encode()).hexdigest()
        return digests
    finally:
        con.close()


def test_same_arguments_give_identical_tables(tmp_path: Path) -> None:
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    demo.build_demo(first, total=8_000, seed=7)
    demo.build_demo(second, total=8_000, seed=7)
    assert _table_digests(first) == _table_digests(second)
    demo.build_demo(second, total=8_000, seed=8)
    assert _table_digests(first)["dossiers"] != _table_digests(second)["dossiers"]


def test_a_large_demo_is_the_same_each_time_and_holds_the_rollups_a_rebuild_makes(
    tmp_path: Path,
) -> None:
    """Past 200,000 dossiers the other agencies are drawn in streams on threads, and the demo
    builds its rollups beside its key indexes: neither may change what the file holds."""
    first, second = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    total = 200_001
    assert DemoPlan.for_total(total).streams > 1
    demo.build_demo(first, total=total, seed=5)
    demo.build_demo(second, total=total, seed=5)
    built = _table_digests(first)
    assert built == _table_digests(second)
    db.replace_atomically(second, lambda con: None)  # rebuilds the rollups, as migrate does
    assert _table_digests(second) == built
    assert any(table.startswith("rollup_") for table in built)
    con = db.connect_read_only(first)
    try:
        keys = con.execute(
            "select table_name, constraint_column_names from duckdb_constraints() "
            "where constraint_type = 'PRIMARY KEY' order by table_name"
        ).fetchall()
    finally:
        con.close()
    assert ("dossiers", ["code"]) in keys and ("counter_visits", ["visit_id"]) in keys


def test_dossier_count_follows_the_argument(tmp_path: Path) -> None:
    path = tmp_path / "n.duckdb"
    demo.build_demo(path, total=12_345)
    con = db.connect_read_only(path)
    assert con.execute("select count(*) from dossiers").fetchone()[0] == 12_345
    con.close()


@pytest.fixture(scope="module")
def demo_tables(demo_db: Path) -> dict[str, pl.DataFrame]:
    con = db.connect_read_only(demo_db)
    try:
        return {t: con.sql(f'select * from "{t}"').pl() for t in db.table_names(con)}
    finally:
        con.close()


def test_dossier_codes_follow_the_national_pattern(demo_tables) -> None:
    codes = demo_tables["dossiers"]["code"]
    assert codes.str.contains(r"^[A-Z0-9]+-\d{6}-\d{4}$").all()
    assert codes.n_unique() == codes.len()


def test_every_record_is_flagged_as_demo(demo_tables) -> None:
    for table in ("agencies", "fields", "procedures", "staff", "dossiers", "counter_visits"):
        assert demo_tables[table]["is_demo"].all(), table


def test_receptions_happen_on_working_days_in_counter_hours(demo_tables) -> None:
    received = demo_tables["dossiers"]["received_at"].drop_nulls()
    assert (received.dt.weekday() <= 5).all()  # polars: Monday = 1
    minutes = received.dt.hour().cast(pl.Int32) * 60 + received.dt.minute()
    assert ((minutes >= 7 * 60 + 30) & (minutes <= 17 * 60)).all()
    monday = (received.dt.weekday() == 1).sum()
    wednesday = (received.dt.weekday() == 3).sum()
    assert monday > wednesday * 1.15  # Monday peak


def test_a_few_procedures_dominate_each_agency(demo_tables) -> None:
    per_procedure = demo_tables["dossiers"].group_by("agency_id", "procedure_id").len()
    top3_share = per_procedure.group_by("agency_id").agg(
        (pl.col("len").top_k(3).sum() / pl.col("len").sum()).alias("share")
    )
    assert (top3_share["share"] > 0.3).all()
    counts = demo_tables["procedures"].group_by("agency_id").len()["len"]
    assert counts.min() >= 10 and counts.max() <= 60


def test_pilot_is_handled_by_one_postal_staffer(demo_tables) -> None:
    pilot_ids = demo_tables["pilot_agencies"]["agency_id"].to_list()
    pilot_2023 = demo_tables["dossiers"].filter(
        pl.col("agency_id").is_in(pilot_ids)
        & (pl.col("received_at").dt.year() == 2023)
        & pl.col("status").is_in([1, 3]).not_()
    )
    staff = demo_tables["staff"]
    postal = staff.filter(pl.col("organisation") == "postal")["staff_id"].to_list()
    assert pilot_2023["received_by"].unique().to_list() == postal == [1]
    baseline = demo_tables["dossiers"].filter(
        pl.col("agency_id").is_in(pilot_ids) & (pl.col("received_at").dt.year() == 2022)
    )
    assert baseline.height > 1000
    assert not baseline["received_by"].is_in(postal).any()


def test_counter_visits_are_consistent_queues(demo_tables) -> None:
    visits = demo_tables["counter_visits"]
    assert set(visits["purpose"].unique()) == {"guidance", "submission", "pickup"}
    assert (visits["called_at"] >= visits["ticket_issued_at"]).all()
    assert (visits["finished_at"] > visits["called_at"]).all()
    # One staffer serves one citizen at a time.
    ordered = visits.sort("staff_id", "called_at")
    overlap = ordered.with_columns(
        previous_end=pl.col("finished_at").shift().over("staff_id")
    ).filter(pl.col("called_at") < pl.col("previous_end") - pl.duration(seconds=1))
    assert overlap.height == 0


def test_no_column_holds_personal_data(demo_db: Path) -> None:
    con = db.connect_read_only(demo_db)
    columns = {
        row[0] for row in con.sql("select column_name from information_schema.columns").fetchall()
    }
    con.close()
    personal = {"applicant", "chu_ho_so", "address", "phone", "id_number", "citizen_name"}
    assert not columns & personal


def test_single_server_waits_match_a_hand_computed_queue() -> None:
    import numpy as np

    arrival = np.array([0.0, 1.0, 2.0, 20.0, 0.0, 0.5])
    service = np.array([5.0, 5.0, 5.0, 1.0, 2.0, 2.0])
    group = np.array([1, 1, 1, 1, 2, 2])
    waits = demo.single_server_waits(arrival, service, group)
    np.testing.assert_allclose(waits, [0, 4, 8, 0, 0, 1.5])
