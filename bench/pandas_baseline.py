"""The typical Streamlit way, for `onestop bench` to compare against: every table loaded once into
pandas DataFrames in memory (as `st.cache_data` would keep them), and each page's questions
answered per filter change by filtering and grouping those frames.

Each function below does what one page's queries do, with the counting rules of DOMAIN.md §3
written in pandas as such an app would write them (vectorised; the overview's monthly series
one month at a time, as the form is defined). tests/test_bench.py checks that the answers are the
dashboard's, so the benchmark compares equal work. Run as a module it prints JSON: the load time,
the process's peak memory and each page's seconds (a separate process, so memory is its own).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from bench/: make the repository importable

from onestop.core import db  # noqa: E402
from onestop.core.calendar import public_holidays  # noqa: E402
from onestop.core.filters import DossierFilter  # noqa: E402

OPEN = [2, 4, 5, 6]
CLOSED = [7, 8, 9, 10]


@dataclass
class Frames:
    """The tables a typical app keeps in memory."""

    dossiers: pd.DataFrame
    visits: pd.DataFrame
    agencies: pd.DataFrame
    fields: pd.DataFrame
    procedures: pd.DataFrame
    staff: pd.DataFrame


def load(path: Path) -> Frames:
    """Every table into pandas, with the day columns such an app derives once when loading."""
    con = db.connect_read_only(path)
    try:
        frames = {
            table: db.read_table(con, table, key).to_pandas()
            for table, key in [
                ("dossiers", "code"),
                ("counter_visits", "visit_id"),
                ("agencies", "agency_id"),
                ("fields", "field_id"),
                ("procedures", "procedure_id"),
                ("staff", "staff_id"),
            ]
        }
    finally:
        con.close()
    dossiers = frames["dossiers"]
    organisation = frames["staff"].set_index("staff_id")["organisation"]
    dossiers["receiver_organisation"] = dossiers["received_by"].map(organisation)
    for column in ("received_at", "due_at", "ended_at", "returned_at"):
        dossiers[column.replace("_at", "_on")] = dossiers[column].dt.normalize()
    visits = frames["counter_visits"]
    visits["day"] = visits["ticket_issued_at"].dt.normalize()
    return Frames(
        dossiers,
        visits,
        frames["agencies"],
        frames["fields"],
        frames["procedures"],
        frames["staff"],
    )


def _day(value: dt.date) -> pd.Timestamp:
    return pd.Timestamp(value)


def filtered(frames: Frames, flt: DossierFilter) -> pd.DataFrame:
    """Received dossiers matching the filter's choices (not yet its period)."""
    d = frames.dossiers
    keep = ~d["status"].isin([1, 3]) & d["received_on"].notna()
    for column, values in (
        ("agency_id", flt.agency_ids),
        ("channel", flt.channels),
        ("field_id", flt.field_ids),
        ("procedure_id", flt.procedure_ids),
    ):
        if values:
            keep &= d[column].isin(values)
    if flt.receiver is not None:
        keep &= d["receiver_organisation"] == flt.receiver
    return d[keep]


def classify(rows: pd.DataFrame, date_from: dt.date, date_to: dt.date) -> pd.DataFrame:
    """The dossiers Biểu 06 counts for [date_from, date_to], with their class flags."""
    start, end = _day(date_from), _day(date_to)
    rows = rows[rows["received_on"] <= end]
    ended = rows["ended_on"].fillna(rows["returned_on"]).where(~rows["status"].isin(OPEN))
    counted = (rows["received_on"] >= start) | ended.isna() | (ended >= start)
    rows, ended = rows[counted], ended[counted]
    status, due = rows["status"], rows["due_on"]
    done = status.isin([9, 10])
    resolved = status.isin(CLOSED) & (ended <= end)
    early = resolved & done & (ended < due)
    late = resolved & done & (ended > due)
    overdue = ~resolved & (status != 5) & (due < end)
    in_period = rows["received_on"] >= start
    return rows.assign(
        ended_on=ended,
        is_received_in_period=in_period,
        is_carried_over=~in_period,
        is_received_online=in_period & (rows["channel"] == 2),
        is_received_in_person_or_postal=in_period & rows["channel"].isin([1, 3]),
        is_resolved=resolved,
        is_resolved_early=early,
        is_resolved_late=late,
        is_resolved_on_time=resolved & ~early & ~late,
        is_in_progress=~resolved,
        is_in_progress_overdue=overdue,
        is_in_progress_within_deadline=~resolved & ~overdue,
        days_late=(ended - due).dt.days.where(resolved & done),
    )


FORM06 = {
    "received_online": "is_received_online",
    "received_in_person_or_postal": "is_received_in_person_or_postal",
    "carried_over": "is_carried_over",
    "resolved_total": "is_resolved",
    "resolved_early": "is_resolved_early",
    "resolved_on_time": "is_resolved_on_time",
    "resolved_late": "is_resolved_late",
    "in_progress_total": "is_in_progress",
    "in_progress_within_deadline": "is_in_progress_within_deadline",
    "in_progress_overdue": "is_in_progress_overdue",
}


def form06_rows(frames: Frames, flt: DossierFilter) -> pd.DataFrame:
    """Biểu 06 per agency and field."""
    classified = classify(filtered(frames, flt), flt.date_from, flt.date_to)
    named = classified.merge(
        frames.agencies[["agency_id", "name", "code"]].rename(
            columns={"name": "agency", "code": "agency_code"}
        ),
        on="agency_id",
    ).merge(
        frames.fields[["field_id", "name", "code"]].rename(
            columns={"name": "field", "code": "field_code"}
        ),
        on="field_id",
        how="left",
    )
    named["field"] = named["field"].fillna("—")
    grouped = named.groupby(["agency", "agency_code", "field", "field_code"], dropna=False)
    table = grouped[list(FORM06.values())].sum().rename(columns={v: k for k, v in FORM06.items()})
    table.insert(0, "received_total", grouped.size())
    return table.reset_index()


def form06_by_month(frames: Frames, flt: DossierFilter) -> pd.DataFrame:
    """Biểu 06 totals for each month of the period, as the form is defined, month by month."""
    rows = filtered(frames, flt)
    out = []
    for month_start in pd.date_range(
        _day(flt.date_from).replace(day=1), _day(flt.date_to), freq="MS"
    ):
        month_from = max(month_start.date(), flt.date_from)
        month_to = min((month_start + pd.offsets.MonthEnd(0)).date(), flt.date_to)
        classified = classify(rows, month_from, month_to)
        totals = {name: int(classified[flag].sum()) for name, flag in FORM06.items()}
        out.append({"month": month_start, "received_total": len(classified), **totals})
    return pd.DataFrame(out)


def overview(frames: Frames, flt: DossierFilter) -> dict[str, pd.DataFrame]:
    return {
        "now": form06_rows(frames, flt),
        "before": form06_rows(frames, flt.previous_period()),
        "monthly": form06_by_month(frames, flt),
    }


def report(frames: Frames, flt: DossierFilter) -> dict[str, pd.DataFrame]:
    classified = classify(filtered(frames, flt), flt.date_from, flt.date_to)
    done = classified[classified["is_resolved"] & classified["status"].isin([9, 10])]
    holidays = np.array(sorted(public_holidays(2000, flt.date_to.year + 1)), dtype="datetime64[D]")
    working = np.busday_count(
        done["received_on"].values.astype("datetime64[D]"),
        done["ended_on"].values.astype("datetime64[D]"),
        holidays=holidays,
    )
    # busday_count counts [received, ended); the form counts the days after received up to ended
    starts_on_working = np.is_busday(
        done["ended_on"].values.astype("datetime64[D]"), holidays=holidays
    ).astype(int) - np.is_busday(
        done["received_on"].values.astype("datetime64[D]"), holidays=holidays
    ).astype(int)
    days = np.maximum(working + starts_on_working - done["supplement_days"].to_numpy(), 0)
    timed = done.assign(working_days=days).groupby(["agency_id", "procedure_id"], dropna=False)
    received = classified[classified["is_received_in_period"]]
    per_procedure = pd.concat(
        [
            classified.groupby(["agency_id", "procedure_id"], dropna=False).size().rename("n"),
            received.groupby(["agency_id", "procedure_id"], dropna=False).agg(
                received_in_period=("code", "size"),
                received_digitised=("digitised", lambda s: int((s == True).sum())),  # noqa: E712
                received_digitisation_known=("digitised", "count"),
            ),
            timed.agg(resolved_timed=("code", "size"), working_days_total=("working_days", "sum")),
        ],
        axis=1,
    ).fillna(0)
    return {"form06": form06_rows(frames, flt), "index766": per_procedure.reset_index()}


def throughput(frames: Frames, flt: DossierFilter) -> dict[str, pd.DataFrame]:
    classified = classify(filtered(frames, flt), flt.date_from, flt.date_to)
    received = classified[classified["is_received_in_period"]]
    resolved = classified[classified["is_resolved"]]
    return {
        "received": received.groupby([received["received_on"].dt.to_period("M"), "channel"]).size(),
        "resolved": resolved.groupby(
            [resolved["ended_on"].clip(lower=_day(flt.date_from)).dt.to_period("M"), "channel"]
        ).size(),
        "carried_over": classified[classified["is_carried_over"]].groupby("channel").size(),
    }


def timeliness(frames: Frames, flt: DossierFilter) -> dict[str, pd.DataFrame]:
    classified = classify(filtered(frames, flt), flt.date_from, flt.date_to)
    resolved = classified[classified["is_resolved"]]
    by_month = resolved.groupby(
        ["agency_id", "field_id", "procedure_id", resolved["ended_on"].dt.to_period("M")],
        dropna=False,
    )[["is_resolved_early", "is_resolved_on_time", "is_resolved_late"]].sum()
    late = resolved[resolved["days_late"].notna()]
    overdue = classified[classified["is_in_progress_overdue"]].merge(
        frames.procedures[["procedure_id", "name"]], on="procedure_id", how="left"
    )
    overdue = overdue.assign(days_overdue=(_day(flt.date_to) - overdue["due_on"]).dt.days)
    return {
        "by_month": by_month.reset_index(),
        "days_late": late.groupby("days_late").size(),
        "overdue": overdue.sort_values(["days_overdue", "code"], ascending=[False, True]),
    }


def agency_load(frames: Frames, flt: DossierFilter) -> dict[str, pd.DataFrame]:
    classified = classify(filtered(frames, flt), flt.date_from, flt.date_to)
    received = classified[classified["is_received_in_period"]]
    return {
        "agencies": received.groupby("agency_id").agg(
            dossiers=("code", "size"),
            procedures=("procedure_id", "nunique"),
            fields=("field_id", "nunique"),
        ),
        "staffers": received.groupby("received_by", dropna=False).agg(
            dossiers=("code", "size"),
            agencies=("agency_id", "nunique"),
            procedures=("procedure_id", "nunique"),
            fields=("field_id", "nunique"),
        ),
        "weekday_hour": received.groupby(
            [received["received_at"].dt.day_of_week, received["received_at"].dt.hour]
        ).size(),
        "staffer_month": received.groupby(
            ["received_by", received["received_on"].dt.to_period("M")], dropna=False
        ).size(),
    }


def staffing(frames: Frames, flt: DossierFilter) -> dict[str, pd.DataFrame]:
    visits = frames.visits
    keep = (visits["day"] >= _day(flt.date_from)) & (visits["day"] <= _day(flt.date_to))
    if flt.agency_ids:
        keep &= visits["agency_id"].isin(flt.agency_ids)
    visits = visits[keep]
    minutes = (visits["finished_at"] - visits["called_at"]).dt.total_seconds() / 60
    timed = visits.assign(minutes=minutes)[minutes > 0]
    classified = classify(filtered(frames, flt), flt.date_from, flt.date_to)
    received = classified[classified["is_received_in_period"]]
    everyone = classify(
        filtered(frames, DossierFilter(flt.date_from, flt.date_to)), flt.date_from, flt.date_to
    )
    breadth = everyone[everyone["is_received_in_period"] & everyone["received_by"].notna()]
    return {
        "arrivals": visits.groupby(
            [
                "purpose",
                visits["ticket_issued_at"].dt.day_of_week,
                visits["ticket_issued_at"].dt.hour,
            ]
        ).agg(arrivals=("visit_id", "size"), days_seen=("day", "nunique")),
        "service": timed.groupby("purpose")["minutes"].agg(["size", "mean", "std"]),
        "desk": received.groupby("received_on").agg(
            online_to_check=("channel", lambda s: int((s == 2).sum())),
            paper_to_digitise=("channel", lambda s: int(s.isin([1, 3]).sum())),
        ),
        "breadth": breadth.groupby(["received_by", breadth["received_on"].dt.to_period("M")]).agg(
            dossiers=("code", "size"),
            procedures=("procedure_id", "nunique"),
            fields=("field_id", "nunique"),
            agencies=("agency_id", "nunique"),
        ),
    }


PAGES: dict[str, Callable[[Frames, DossierFilter], dict]] = {
    "overview": overview,
    "throughput": throughput,
    "timeliness": timeliness,
    "agency_load": agency_load,
    "staffing": staffing,
    "report": report,
}


def peak_memory_bytes() -> int | None:
    """This process's peak resident memory (Linux), or None elsewhere."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def measure(path: Path, flt: DossierFilter, repeats: int = 3) -> dict:
    """Load once, then each page's work `repeats` times; the median seconds per page."""
    started = time.perf_counter()
    frames = load(path)
    loaded = time.perf_counter() - started
    pages = {}
    for page, work in PAGES.items():
        seconds = []
        for _ in range(repeats):
            started = time.perf_counter()
            work(frames, flt)
            seconds.append(time.perf_counter() - started)
        pages[page] = round(float(np.median(seconds)), 3)
    return {
        "load_seconds": round(loaded, 2),
        "peak_memory_mb": round((peak_memory_bytes() or 0) / 1e6),
        "page_seconds": pages,
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="the pandas baseline of `onestop bench`")
    parser.add_argument("--db", required=True)
    parser.add_argument("--from", dest="date_from", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--to", dest="date_to", type=dt.date.fromisoformat, required=True)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    flt = DossierFilter(args.date_from, args.date_to)
    print(json.dumps(measure(Path(args.db), flt, args.repeats)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
