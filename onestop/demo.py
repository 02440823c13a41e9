"""A deterministic, realistic demo database that reproduces the pilot's published year.

Three populations of dossiers share one provincial centre:
- the pilot: six agencies in 2023, every dossier received by one postal staffer, calibrated so
  that Biểu 06 for the year gives exactly the published figures;
- the baseline: the same six agencies in 2022, received by their own civil servants;
- non-pilot agencies over the whole demo span, for comparisons and "what if we add agencies".
Everything is drawn with numpy from one seed, so the same arguments give the same tables.
"""

from __future__ import annotations

import datetime as dt
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import polars as pl

from onestop import db
from onestop.calendar import DEFAULT_HOURS, add_working_days, working_days
from onestop.core import codes
from onestop.core.codes import DEFAULT_TASK_MINUTES, PICKUP_SHARE
from onestop.published import PILOT_REPORT, PUBLISHED_COUNTS

# The pilot report (DOMAIN.md §1), as Biểu 06 columns: what the demo's 2023 must give.
PILOT_TARGET = {
    column: getattr(PILOT_REPORT, item)
    for item, column in PUBLISHED_COUNTS.items()
    if column != "resolved_total"  # the sum of the three resolved classes
}
PILOT_START = dt.date(2023, 1, 1)
PILOT_END = dt.date(2023, 12, 31)
BASELINE_YEAR = 2022
DEFAULT_DOSSIERS = 40_000
BASELINE_DOSSIERS = 1580  # the pilot agencies' own counters in the baseline year
# The pilot and its baseline are always built, so a smaller demo cannot be asked for.
MIN_DOSSIERS = PILOT_TARGET["received_total"] + BASELINE_DOSSIERS
# Twice the 10-million speed target; about 12 GB of memory while building (see memory_needed).
MAX_DOSSIERS = 20_000_000
# Peak memory of `onestop demo`, measured: 280 MB at 200,000 dossiers, 684 MB at 1,000,000.
_MEMORY_BASE_BYTES = 200e6
_MEMORY_BYTES_PER_DOSSIER = 600

PILOT_AGENCIES = [
    ("STP", "Sở Tư pháp", ["Hộ tịch", "Lý lịch tư pháp", "Công chứng", "Luật sư"]),
    ("SXD", "Sở Xây dựng", ["Hoạt động xây dựng", "Quy hoạch xây dựng", "Nhà ở"]),
    ("SCT", "Sở Công Thương", ["Lưu thông hàng hóa", "An toàn thực phẩm", "Điện"]),
    ("SGDDT", "Sở Giáo dục và Đào tạo", ["Văn bằng, chứng chỉ", "Giáo dục và đào tạo"]),
    ("SKHCN", "Sở Khoa học và Công nghệ", ["Sở hữu trí tuệ", "Tiêu chuẩn đo lường"]),
    ("SNV", "Sở Nội vụ", ["Thi đua, khen thưởng", "Tôn giáo", "Văn thư, lưu trữ"]),
]
NON_PILOT_AGENCIES = [
    ("SKHDT", "Sở Kế hoạch và Đầu tư", ["Thành lập doanh nghiệp", "Đầu tư tại Việt Nam"]),
    ("STNMT", "Sở Tài nguyên và Môi trường", ["Đất đai", "Môi trường", "Tài nguyên nước"]),
    ("SGTVT", "Sở Giao thông vận tải", ["Đường bộ", "Đường thủy nội địa"]),
    ("SYT", "Sở Y tế", ["Khám bệnh, chữa bệnh", "Dược phẩm"]),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", ["Việc làm", "Người có công"]),
    ("SNNPTNT", "Sở Nông nghiệp và PTNT", ["Thú y", "Trồng trọt", "Lâm nghiệp"]),
    ("SVHTTDL", "Sở Văn hóa, Thể thao và Du lịch", ["Du lịch", "Văn hóa", "Thể thao"]),
    ("STC", "Sở Tài chính", ["Quản lý giá", "Tài chính ngân sách"]),
]
PROCEDURE_ACTIONS = [
    "Cấp",
    "Cấp lại",
    "Cấp đổi",
    "Điều chỉnh",
    "Gia hạn",
    "Đăng ký",
    "Công nhận",
    "Thẩm định",
    "Xác nhận",
    "Thay đổi nội dung",
    "Thu hồi",
    "Chấp thuận",
]
PROCEDURE_OBJECTS = [
    "giấy phép",
    "giấy chứng nhận",
    "chứng chỉ hành nghề",
    "hồ sơ",
    "văn bản",
    "quyết định",
    "đăng ký hoạt động",
    "phương án",
]
LEGAL_DAYS = np.array([1, 3, 5, 7, 10, 12, 15, 20, 30])
LEGAL_DAYS_WEIGHT = np.array([4, 10, 18, 12, 20, 6, 15, 10, 5], dtype=float)
POSTAL_STAFF_ID = 1


def memory_needed(total: int) -> float:
    """Bytes of memory building a demo of `total` dossiers takes at its peak (an estimate)."""
    return _MEMORY_BASE_BYTES + _MEMORY_BYTES_PER_DOSSIER * total


def largest_fitting(memory_bytes: float) -> int:
    """The largest demo whose estimated peak memory fits in `memory_bytes`."""
    return int((memory_bytes - _MEMORY_BASE_BYTES) // _MEMORY_BYTES_PER_DOSSIER)


@dataclass(frozen=True)
class DemoPlan:
    """How many dossiers of each population, over which agencies and years."""

    total: int
    non_pilot_agencies: int
    first_year: int
    last_year: int

    @property
    def not_accepted(self) -> int:
        """Online submissions refused at intake (status 3), about 1% of all rows."""
        return self.total // 100

    @classmethod
    def for_total(cls, total: int) -> DemoPlan:
        """Small demos keep two years and eight other agencies; large ones spread wider."""
        if total <= 200_000:
            return cls(total, len(NON_PILOT_AGENCIES), BASELINE_YEAR, PILOT_END.year)
        agencies = max(len(NON_PILOT_AGENCIES), -(-total // 250_000))
        return cls(total, agencies, 2020, PILOT_END.year)


@dataclass(frozen=True)
class DemoSummary:
    path: Path
    dossiers: int
    counter_visits: int
    seconds: float


# --- reference tables -----------------------------------------------------------------------


def _agency_list(plan: DemoPlan) -> list[tuple[str, str, list[str], bool]]:
    agencies = [(code, name, fields, True) for code, name, fields in PILOT_AGENCIES]
    agencies += [(code, name, fields, False) for code, name, fields in NON_PILOT_AGENCIES]
    for number in range(len(NON_PILOT_AGENCIES) + 1, plan.non_pilot_agencies + 1):
        agencies.append(
            (f"DV{number:02d}", f"Đơn vị minh họa {number:02d}", ["Lĩnh vực chung"], False)
        )
    return agencies


def reference_tables(rng: np.random.Generator, plan: DemoPlan) -> dict[str, pl.DataFrame]:
    """Agencies, fields, procedures (10–60 per agency) and counter staff."""
    agency_rows, field_rows, procedure_rows = [], [], []
    staff_rows = [(POSTAL_STAFF_ID, "Nhân viên bưu điện 1", "postal", None)]
    for agency_id, (code, name, fields, _) in enumerate(_agency_list(plan), start=1):
        agency_rows.append((agency_id, code, name))
        field_ids = []
        for number, field_name in enumerate(fields, start=1):
            field_id = len(field_rows) + 1
            field_rows.append((field_id, f"{code}-LV{number:02d}", field_name))
            field_ids.append(field_id)
        for number in range(1, int(rng.integers(10, 61)) + 1):
            action = PROCEDURE_ACTIONS[int(rng.integers(len(PROCEDURE_ACTIONS)))]
            thing = PROCEDURE_OBJECTS[int(rng.integers(len(PROCEDURE_OBJECTS)))]
            field_id = field_ids[int(rng.integers(len(field_ids)))]
            field_name = field_rows[field_id - 1][2]
            days = int(rng.choice(LEGAL_DAYS, p=LEGAL_DAYS_WEIGHT / LEGAL_DAYS_WEIGHT.sum()))
            procedure_rows.append(
                (
                    len(procedure_rows) + 1,
                    f"1.{agency_id:03d}{number:03d}",
                    f"{action} {thing} ({field_name.lower()}) – {number:02d}",
                    field_id,
                    agency_id,
                    days,
                )
            )
        for number in range(1, 1 + (1 if agency_id <= len(PILOT_AGENCIES) else 2)):
            staff_rows.append(
                (len(staff_rows) + 1, f"Công chức một cửa {code} {number}", "agency", agency_id)
            )
    return {
        "agencies": pl.DataFrame(
            agency_rows, schema=["agency_id", "code", "name"], orient="row"
        ).with_columns(is_demo=pl.lit(True)),
        "fields": pl.DataFrame(
            field_rows, schema=["field_id", "code", "name"], orient="row"
        ).with_columns(is_demo=pl.lit(True)),
        "procedures": pl.DataFrame(
            procedure_rows,
            schema=["procedure_id", "code", "name", "field_id", "agency_id", "processing_days"],
            orient="row",
        ).with_columns(is_demo=pl.lit(True)),
        "staff": pl.DataFrame(
            staff_rows,
            schema={
                "staff_id": pl.Int32,
                "name": pl.String,
                "organisation": pl.String,
                "agency_id": pl.Int32,
            },
            orient="row",
        ).with_columns(is_demo=pl.lit(True)),
    }


# --- when dossiers arrive -------------------------------------------------------------------


def day_weights(days: np.ndarray) -> np.ndarray:
    """Relative reception volume per working day: Monday peaks, a surge before Tết."""
    weekday = (days.astype("int64") + 3) % 7
    weight = np.where(weekday == codes.MONDAY, 1.35, np.where(weekday == codes.FRIDAY, 0.9, 1.0))
    months = days.astype("datetime64[M]").astype("int64") % 12 + 1
    day_of_month = (days - days.astype("datetime64[M]")).astype("int64") + 1
    # Tết falls in late January or February: the weeks before it are busy, the week after quiet.
    pre_tet = ((months == 1) & (day_of_month >= 5)) | ((months == 2) & (day_of_month <= 5))
    weight = np.where(pre_tet, weight * 1.6, weight)
    weight = np.where(months == 12, weight * 1.15, weight)
    return weight / weight.sum()


def minutes_of_day(rng: np.random.Generator, size: int) -> np.ndarray:
    """Arrival minute after midnight within counter hours: a morning peak near 9:00."""
    hours = DEFAULT_HOURS
    morning = rng.random(size) < 0.68
    morning_minute = rng.triangular(hours.morning_open, 9 * 60, hours.morning_close, size)
    afternoon_minute = rng.triangular(
        hours.afternoon_open, 14 * 60 + 30, hours.afternoon_close, size
    )
    return np.where(morning, morning_minute, afternoon_minute).astype("int64")


def _timestamp(days: np.ndarray, minutes: np.ndarray) -> np.ndarray:
    stamp = days.astype("datetime64[m]") + minutes.astype("int64").astype("timedelta64[m]")
    return stamp.astype("datetime64[us]")


# --- one population of dossiers -------------------------------------------------------------


@dataclass(frozen=True)
class Population:
    """Dossiers of some agencies over a span, with their channel mix and timeliness."""

    agency_ids: list[int]
    counts: list[int]
    start: dt.date
    end: dt.date
    online_share: float
    late_share: float
    on_due_share: float
    receiver: str  # "postal" or "agency"
    close_all_by: dt.date | None = None  # no open dossiers left after this day


def arrivals(
    rng: np.random.Generator, population: Population, procedures: pl.DataFrame
) -> pl.DataFrame:
    """Received day, minute, agency and procedure for each dossier of a population."""
    days = working_days(population.start, population.end)
    frames = []
    for agency_id, count in zip(population.agency_ids, population.counts, strict=True):
        own = procedures.filter(pl.col("agency_id") == agency_id)
        # A few procedures dominate each agency (Zipf-like popularity).
        popularity = 1.0 / np.arange(1, own.height + 1) ** 1.2
        chosen = rng.choice(own.height, size=count, p=popularity / popularity.sum())
        frames.append(
            pl.DataFrame(
                {
                    "agency_id": np.full(count, agency_id, dtype="int32"),
                    "procedure_id": own["procedure_id"].to_numpy()[chosen],
                    "field_id": own["field_id"].to_numpy()[chosen],
                    "processing_days": own["processing_days"].to_numpy()[chosen],
                    "received_day": rng.choice(days, size=count, p=day_weights(days)),
                    "received_minute": minutes_of_day(rng, count),
                }
            )
        )
    return pl.concat(frames)


def outcomes(rng: np.random.Generator, frame: pl.DataFrame, population: Population) -> dict:
    """Channel, supplementation, due and end days for a population (not yet calibrated)."""
    size = frame.height
    received_day = frame["received_day"].to_numpy()
    legal_days = frame["processing_days"].to_numpy().astype("int64")
    supplement_count = rng.choice([0, 1, 2], size=size, p=[0.9, 0.08, 0.02])
    supplement_days = np.where(
        supplement_count > 0, rng.integers(2, 11, size) * supplement_count, 0
    )
    allowed = legal_days + supplement_days
    due_day = add_working_days(received_day, allowed)

    kind = rng.choice(
        ["early", "on_due", "late", "withdrawn", "stopped"],
        size=size,
        p=[
            1 - population.late_share - population.on_due_share - 0.015,
            population.on_due_share,
            population.late_share,
            0.01,
            0.005,
        ],
    )
    early_offset = np.floor(rng.beta(2.0, 2.5, size) * allowed).astype("int64")
    late_offset = rng.integers(1, 12, size)
    end_day = np.select(
        [kind == "on_due", kind == "late"],
        [due_day, add_working_days(due_day, late_offset)],
        add_working_days(received_day, early_offset),
    )
    channel = np.where(
        rng.random(size) < population.online_share,
        codes.ONLINE,
        np.where(rng.random(size) < 0.8, codes.IN_PERSON, codes.POSTAL),
    )
    status = np.select(
        [kind == "withdrawn", kind == "stopped"], [codes.WITHDRAWN, codes.STOPPED], codes.RETURNED
    )
    return {
        "channel": channel,
        "status": status,
        "supplement_count": supplement_count,
        "supplement_days": supplement_days,
        "due_day": due_day,
        "end_day": end_day,
    }


def close_or_leave_open(
    rng: np.random.Generator, columns: dict, population: Population, as_of: dt.date
) -> dict:
    """Dossiers ending after the data's cut-off are still open; baselines may be forced closed."""
    end_day = columns["end_day"]
    if population.close_all_by is not None:
        cutoff = np.datetime64(population.close_all_by, "D")
        last_working = working_days(
            population.close_all_by - dt.timedelta(days=10), population.close_all_by
        )[-1]
        end_day = np.where(end_day > cutoff, last_working, end_day)
        columns["end_day"] = end_day
    still_open = end_day > np.datetime64(as_of, "D")
    waiting = (columns["supplement_count"] > 0) & (rng.random(end_day.size) < 0.5)
    open_status = np.where(waiting, codes.SUPPLEMENTATION, codes.PROCESSING)
    columns["status"] = np.where(still_open, open_status, columns["status"])
    columns["is_open"] = still_open
    return columns


def calibrate_pilot(rng: np.random.Generator, columns: dict, received_day: np.ndarray) -> dict:
    """Assign the pilot year's outcomes so that Biểu 06 gives exactly the published figures."""
    size = received_day.size
    target = PILOT_TARGET
    last_day = working_days(PILOT_END - dt.timedelta(days=10), PILOT_END)[-1]
    due_day = columns["due_day"]
    order = np.argsort(received_day, kind="stable")

    # The latest receptions are the ones still in progress at the year's end.
    in_progress = np.zeros(size, dtype=bool)
    in_progress[rng.choice(order[-60:], size=target["in_progress_total"], replace=False)] = True
    remaining = ~in_progress
    late_pool = np.flatnonzero(remaining & (due_day <= np.datetime64("2023-12-08")))
    late = np.zeros(size, dtype=bool)
    late[rng.choice(late_pool, size=target["resolved_late"], replace=False)] = True
    remaining &= ~late
    on_due_pool = np.flatnonzero(remaining & (due_day <= last_day))
    on_due = np.zeros(size, dtype=bool)
    on_due[rng.choice(on_due_pool, size=target["resolved_on_time"], replace=False)] = True
    early = remaining & ~on_due

    allowed = columns["supplement_days"] + columns["processing_days"]
    early_offset = np.floor(rng.beta(2.0, 2.5, size) * allowed).astype("int64")
    early_end = np.minimum(add_working_days(received_day, early_offset), last_day)
    end_day = np.select(
        [early, on_due, late],
        [early_end, due_day, add_working_days(due_day, rng.integers(1, 6, size))],
        np.datetime64("NaT", "D"),
    )
    # A few dossiers resolved "on the due date" were in fact withdrawn or stopped.
    withdrawn = on_due & (rng.random(size) < 0.04)
    stopped = on_due & ~withdrawn & (rng.random(size) < 0.02)
    waiting = in_progress & (columns["supplement_count"] > 0)
    columns["status"] = np.select(
        [in_progress & waiting, in_progress, withdrawn, stopped],
        [codes.SUPPLEMENTATION, codes.PROCESSING, codes.WITHDRAWN, codes.STOPPED],
        codes.RETURNED,
    )
    columns["end_day"] = end_day
    columns["is_open"] = in_progress

    online = np.zeros(size, dtype=bool)
    online[rng.choice(size, size=target["received_online"], replace=False)] = True
    paper = np.where(rng.random(size) < 0.8, codes.IN_PERSON, codes.POSTAL)
    columns["channel"] = np.where(online, codes.ONLINE, paper)
    return columns


def dossier_frame(
    rng: np.random.Generator,
    arrivals_frame: pl.DataFrame,
    columns: dict,
    staff: pl.DataFrame,
    population: Population,
) -> pl.DataFrame:
    """Timestamps, receivers and flags for one population, as rows of the dossiers table."""
    size = arrivals_frame.height
    received_day = arrivals_frame["received_day"].to_numpy()
    received_at = _timestamp(received_day, arrivals_frame["received_minute"].to_numpy())
    online = columns["channel"] == codes.ONLINE
    # Online dossiers are submitted any time, up to two days before a staffer accepts them.
    submitted_at = received_at - np.where(
        online, rng.integers(10, 2 * 24 * 60, size), rng.integers(0, 3, size)
    ).astype("timedelta64[m]")
    is_open = columns["is_open"]
    end_day = np.where(is_open, np.datetime64("NaT", "D"), columns["end_day"])
    ended_at = _timestamp(end_day, minutes_of_day(rng, size))
    ended_at = np.where(ended_at < received_at, received_at + np.timedelta64(30, "m"), ended_at)
    returned = (columns["status"] == codes.RETURNED) & ~is_open
    return_day = add_working_days(
        np.where(returned, end_day, received_day), rng.choice([0, 0, 1, 2], size)
    )
    returned_at = np.where(
        returned, _timestamp(return_day, minutes_of_day(rng, size)), np.datetime64("NaT", "m")
    )
    returned_at = np.where(returned & (returned_at < ended_at), ended_at, returned_at)
    if population.receiver == "postal":
        received_by = np.full(size, POSTAL_STAFF_ID, dtype="int32")
    else:
        received_by = _agency_staff(rng, arrivals_frame["agency_id"].to_numpy(), staff)
    digitised = rng.random(size) < np.where(online, 0.78, 0.92)
    return pl.DataFrame(
        {
            "agency_id": arrivals_frame["agency_id"],
            "procedure_id": arrivals_frame["procedure_id"],
            "field_id": arrivals_frame["field_id"],
            "channel": columns["channel"].astype("int8"),
            "status": columns["status"].astype("int8"),
            "submitted_at": submitted_at,
            "received_at": received_at,
            "due_at": _timestamp(columns["due_day"], np.full(size, DEFAULT_HOURS.afternoon_close)),
            "ended_at": ended_at,
            "returned_at": returned_at,
            "received_by": received_by,
            "digitised": digitised,
            "supplement_count": columns["supplement_count"].astype("int16"),
            "supplement_days": columns["supplement_days"].astype("int16"),
        }
    )


def _agency_staff(
    rng: np.random.Generator, agency_ids: np.ndarray, staff: pl.DataFrame
) -> np.ndarray:
    own = staff.filter(pl.col("organisation") == "agency").sort("staff_id")
    by_agency = own.group_by("agency_id", maintain_order=True).agg(
        first=pl.col("staff_id").min(), count=pl.len()
    )
    lookup_first = np.zeros(int(by_agency["agency_id"].max()) + 1, dtype="int64")
    lookup_count = np.ones_like(lookup_first)
    lookup_first[by_agency["agency_id"].to_numpy()] = by_agency["first"].to_numpy()
    lookup_count[by_agency["agency_id"].to_numpy()] = by_agency["count"].to_numpy()
    pick = np.floor(rng.random(agency_ids.size) * lookup_count[agency_ids]).astype("int64")
    return (lookup_first[agency_ids] + pick).astype("int32")


def rejected_at_intake(
    rng: np.random.Generator, accepted: pl.DataFrame, count: int
) -> pl.DataFrame:
    """Online submissions the counter did not accept (status 3): stored, never counted."""
    online = accepted.filter(pl.col("channel") == codes.ONLINE)
    picked = online.sample(n=min(count, online.height), seed=int(rng.integers(2**31)))
    return picked.with_columns(
        status=pl.lit(codes.NOT_ACCEPTED, dtype=pl.Int8),
        received_at=pl.lit(None, dtype=pl.Datetime("us")),
        due_at=pl.lit(None, dtype=pl.Datetime("us")),
        ended_at=pl.lit(None, dtype=pl.Datetime("us")),
        returned_at=pl.lit(None, dtype=pl.Datetime("us")),
        supplement_count=pl.lit(0, dtype=pl.Int16),
        supplement_days=pl.lit(0, dtype=pl.Int16),
        digitised=pl.lit(False),
    )


def with_codes(dossiers: pl.DataFrame, agencies: pl.DataFrame) -> pl.DataFrame:
    """Dossier codes `{agency}-{yyMMdd}-{NNNN}`, numbered per agency and day."""
    day = pl.coalesce("received_at", "submitted_at").dt.date()
    return (
        dossiers.join(agencies.select("agency_id", agency_code="code"), on="agency_id")
        .with_columns(code_day=day)
        .sort("agency_id", "code_day", "submitted_at", "received_at", nulls_last=True)
        .with_columns(
            sequence=pl.int_range(1, pl.len() + 1).over("agency_id", "code_day"),
        )
        .with_columns(
            code=pl.format(
                "{}-{}-{}",
                "agency_code",
                pl.col("code_day").dt.strftime("%y%m%d"),
                pl.col("sequence").cast(pl.String).str.zfill(4),
            )
        )
        .drop("agency_code", "code_day", "sequence")
        .with_columns(is_demo=pl.lit(True))
        .sort("code")
    )


# --- counter visits -------------------------------------------------------------------------


def counter_visits(rng: np.random.Generator, dossiers: pl.DataFrame) -> pl.DataFrame:
    """Queue tickets consistent with the staff on duty: one queue per staffer and day."""
    counted = dossiers.filter(pl.col("status") != codes.NOT_ACCEPTED)
    submissions = counted.filter(pl.col("channel") == codes.IN_PERSON).select(
        "agency_id", staff_id="received_by", arrived_at="received_at", purpose=pl.lit("submission")
    )
    pickups = (
        counted.filter(pl.col("returned_at").is_not_null())
        .sample(fraction=PICKUP_SHARE, seed=int(rng.integers(2**31)), shuffle=False)
        .select(
            "agency_id", staff_id="received_by", arrived_at="returned_at", purpose=pl.lit("pickup")
        )
    )
    guidance = _guidance_visits(rng, counted)
    visits = pl.concat([submissions, pickups, guidance], how="vertical_relaxed")
    visits = visits.with_columns(
        staff_id=pl.col("staff_id").cast(pl.Int32),
        day=pl.col("arrived_at").dt.date(),
    ).sort("staff_id", "arrived_at", "agency_id", "purpose")

    minutes = visits["purpose"].replace_strict(DEFAULT_TASK_MINUTES, return_dtype=pl.Float64)
    mean = minutes.to_numpy()
    service = rng.lognormal(np.log(mean) - 0.18, 0.6)  # mean-preserving for sigma 0.6
    # Arrivals: tickets are issued a few minutes before the counter logs the dossier.
    issued = visits["arrived_at"].to_numpy().astype("datetime64[s]") - (
        rng.exponential(4.0, visits.height) * 60
    ).astype("timedelta64[s]")
    group = visits.select(pl.struct("staff_id", "day").rank("dense")).to_series().to_numpy()
    wait = single_server_waits(issued.astype("int64") / 60.0, service, group)
    called = issued + (wait * 60).astype("timedelta64[s]")
    finished = called + (service * 60).astype("timedelta64[s]")
    return pl.DataFrame(
        {
            "visit_id": np.arange(1, visits.height + 1, dtype="int64"),
            "agency_id": visits["agency_id"],
            "staff_id": visits["staff_id"],
            "purpose": visits["purpose"],
            "ticket_issued_at": issued.astype("datetime64[us]"),
            "called_at": called.astype("datetime64[us]"),
            "finished_at": finished.astype("datetime64[us]"),
            "is_demo": np.ones(visits.height, dtype=bool),
        }
    )


def _guidance_visits(rng: np.random.Generator, counted: pl.DataFrame) -> pl.DataFrame:
    """Citizens asking for guidance: about 1.2 a day per agency desk, while that desk is staffed."""
    desks = (
        counted.group_by("received_by", "agency_id")
        .agg(
            first=pl.col("received_at").min().dt.date(), last=pl.col("received_at").max().dt.date()
        )
        .sort("received_by", "agency_id")
    )
    frames = []
    for staff_id, agency_id, first, last in desks.iter_rows():
        days = working_days(first, last)
        per_day = rng.poisson(1.2, size=days.size)
        visit_days = np.repeat(days, per_day)
        frames.append(
            pl.DataFrame(
                {
                    "agency_id": np.full(visit_days.size, agency_id, dtype="int32"),
                    "staff_id": np.full(visit_days.size, staff_id, dtype="int32"),
                    "arrived_at": _timestamp(visit_days, minutes_of_day(rng, visit_days.size)),
                    "purpose": np.full(visit_days.size, "guidance"),
                }
            )
        )
    return pl.concat(frames)


def single_server_waits(arrival: np.ndarray, service: np.ndarray, group: np.ndarray) -> np.ndarray:
    """Waiting minutes in a FIFO single-server queue, restarted per group (Lindley, vectorised).

    With P_n the running sum of (previous service − gap to the previous arrival), the wait is
    W_n = P_n − min(0, min_{k≤n} P_k), computed per group with one cumulative minimum.
    """
    if arrival.size == 0:
        return arrival
    new_group = np.r_[True, group[1:] != group[:-1]]
    step = np.r_[0.0, service[:-1] - np.diff(arrival)]
    step[new_group] = 0.0
    running = np.cumsum(step)
    start_index = np.maximum.accumulate(np.where(new_group, np.arange(arrival.size), 0))
    within = running - running[start_index]
    # Shift each later group below every earlier one so the cumulative minimum never leaks.
    group_rank = np.cumsum(new_group)
    shift = group_rank * (np.abs(within).max() * 2 + 1.0)
    lowest = np.minimum.accumulate(within - shift) + shift
    return within - np.minimum(lowest, 0.0)


# --- putting it together --------------------------------------------------------------------


def populations(plan: DemoPlan, agency_ids: dict[str, list[int]]) -> list[Population]:
    """The pilot, its baseline, and the non-pilot agencies' dossiers for a plan."""
    pilot_ids = agency_ids["pilot"]
    pilot_split = _split(PILOT_TARGET["received_total"], [0.3, 0.22, 0.18, 0.12, 0.1, 0.08])
    baseline_split = _split(BASELINE_DOSSIERS, [0.28, 0.24, 0.18, 0.12, 0.1, 0.08])
    others = agency_ids["other"]
    remaining = max(plan.total - sum(pilot_split) - sum(baseline_split) - plan.not_accepted, 0)
    weights = 1.0 / np.arange(1, len(others) + 1) ** 0.6
    other_split = _split(remaining, list(weights / weights.sum()))
    return [
        Population(pilot_ids, pilot_split, PILOT_START, PILOT_END, 0.982, 0.0, 0.0, "postal"),
        Population(
            pilot_ids,
            baseline_split,
            dt.date(BASELINE_YEAR, 1, 1),
            dt.date(BASELINE_YEAR, 12, 31),
            0.74,
            0.045,
            0.14,
            "agency",
            close_all_by=dt.date(BASELINE_YEAR, 12, 31),
        ),
        Population(
            others,
            other_split,
            dt.date(plan.first_year, 1, 1),
            dt.date(plan.last_year, 12, 31),
            0.62,
            0.03,
            0.11,
            "agency",
        ),
    ]


def _split(total: int, weights: list[float]) -> list[int]:
    counts = np.floor(np.array(weights) * total).astype(int)
    counts[0] += total - counts.sum()
    return [int(c) for c in counts]


def build_demo_frames(total: int = DEFAULT_DOSSIERS, seed: int = 2023) -> dict[str, pl.DataFrame]:
    """Every table of the demo database, deterministic for (total, seed)."""
    rng = np.random.default_rng(seed)
    plan = DemoPlan.for_total(total)
    tables = reference_tables(rng, plan)
    agencies = tables["agencies"]
    ids = {
        "pilot": list(range(1, len(PILOT_AGENCIES) + 1)),
        "other": list(range(len(PILOT_AGENCIES) + 1, agencies.height + 1)),
    }
    as_of = dt.date(plan.last_year, 12, 31)
    accepted = []
    for index, population in enumerate(populations(plan, ids)):
        if sum(population.counts) == 0:
            continue
        arrived = arrivals(rng, population, tables["procedures"])
        columns = outcomes(rng, arrived, population)
        columns["processing_days"] = arrived["processing_days"].to_numpy().astype("int64")
        if index == 0:
            columns = calibrate_pilot(rng, columns, arrived["received_day"].to_numpy())
        else:
            columns = close_or_leave_open(rng, columns, population, as_of)
        accepted.append(dossier_frame(rng, arrived, columns, tables["staff"], population))
    dossiers = pl.concat(accepted)
    not_accepted = rejected_at_intake(rng, dossiers, plan.not_accepted)
    tables["dossiers"] = with_codes(pl.concat([dossiers, not_accepted]), agencies)
    tables["counter_visits"] = counter_visits(rng, tables["dossiers"])
    tables["pilots"] = pl.DataFrame(
        {
            "pilot_id": [1],
            "name": ["Thí điểm bưu điện tiếp nhận hồ sơ, trả kết quả 2023"],
            "start_date": [PILOT_START],
            "end_date": [PILOT_END],
            "postal_staff": [1],
        }
    )
    tables["pilot_agencies"] = pl.DataFrame(
        {"pilot_id": [1] * len(ids["pilot"]), "agency_id": ids["pilot"]}
    )
    return tables


def write_database(path: Path, tables: dict[str, pl.DataFrame]) -> None:
    """Write tables to a new database that replaces `path` atomically."""

    def fill(con: db.Connection) -> None:
        for table, frame in tables.items():
            db.insert_frame(con, table, frame)

    db.replace_atomically(path, fill, fresh=True)


def build_demo(path: Path, total: int = DEFAULT_DOSSIERS, seed: int = 2023) -> DemoSummary:
    """Generate the demo and write it to `path`."""
    started = time.perf_counter()
    tables = build_demo_frames(total, seed)
    write_database(path, tables)
    return DemoSummary(
        path,
        tables["dossiers"].height,
        tables["counter_visits"].height,
        time.perf_counter() - started,
    )
