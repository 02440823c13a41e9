"""Every database the tests use is built here, from rows, through one function (build_db); so
are the import files (rows → CSV). Test modules import from here, never from each other.

- the small database: two agencies, two fields, two staff and the dossiers a test gives
  (`dossier()` rows, see conftest's `small_db` fixture);
- the Biểu 06 month: one dossier for each class of March 2023, hand-counted (FORM06_*);
- the hostile database: every supplied name is markup, Markdown or a formula (HOSTILE_*);
- import files of the national portal (family A) and of provincial spreadsheets (family B).
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import polars as pl

from onestop.core import db

ROOT = Path(__file__).resolve().parent.parent


def page_path(name: str) -> str:
    """A page file's absolute path: AppTest.from_file resolves relative to the caller."""
    return str(ROOT / "pages" / name)


# --- building a database from rows --------------------------------------------------------------

# Column types of the tables tests fill; rows may leave any column out (the schema's default).
SCHEMAS: dict[str, dict[str, Any]] = {
    "dossiers": {
        "code": pl.String,
        "agency_id": pl.Int32,
        "field_id": pl.Int32,
        "procedure_id": pl.Int32,
        "channel": pl.Int8,
        "status": pl.Int8,
        "submitted_at": pl.Datetime("us"),
        "received_at": pl.Datetime("us"),
        "due_at": pl.Datetime("us"),
        "ended_at": pl.Datetime("us"),
        "returned_at": pl.Datetime("us"),
        "received_by": pl.Int32,
        "digitised": pl.Boolean,
        "supplement_count": pl.Int16,
        "supplement_days": pl.Int16,
    },
    "procedures": {"field_id": pl.Int32, "agency_id": pl.Int32, "processing_days": pl.Int32},
    "staff": {"agency_id": pl.Int32},
    "counter_visits": {
        "visit_id": pl.Int64,
        "agency_id": pl.Int32,
        "staff_id": pl.Int32,
        "purpose": pl.String,
        "ticket_issued_at": pl.Datetime("us"),
        "called_at": pl.Datetime("us"),
        "finished_at": pl.Datetime("us"),
    },
}
# The columns of a `dossier()` row, typed.
DOSSIER_SCHEMA = {
    name: SCHEMAS["dossiers"][name]
    for name in (
        "code", "agency_id", "field_id", "channel", "status", "received_at", "due_at",
        "ended_at", "returned_at", "received_by",
    )
}  # fmt: skip
# Reference tables before dossiers and visits, so that every foreign key finds its row.
TABLE_ORDER = (
    "agencies", "fields", "procedures", "staff", "pilots", "pilot_agencies", "dossiers",
    "counter_visits",
)  # fmt: skip

Rows = pl.DataFrame | Sequence[Mapping[str, object]]


def _frame(table: str, rows: Rows) -> pl.DataFrame:
    """Rows as a frame typed by SCHEMAS (only the columns the rows hold)."""
    if isinstance(rows, pl.DataFrame):
        return rows
    known = SCHEMAS.get(table, {})
    present = {name for row in rows for name in row}
    if present <= known.keys():  # every column typed: the rows may hold only some of them
        return pl.DataFrame(rows, schema={n: t for n, t in known.items() if n in present})
    return pl.DataFrame(rows, schema_overrides={n: t for n, t in known.items() if n in present})


@contextlib.contextmanager
def using_database(path: Path) -> Iterator[Path]:
    """Point the dashboard (ONESTOP_DB) at path for the duration: for fixtures wider than a
    test, where pytest's monkeypatch cannot reach."""
    previous = os.environ.get(db.DB_ENV_VAR)
    os.environ[db.DB_ENV_VAR] = str(path)
    try:
        yield path
    finally:
        if previous is None:
            os.environ.pop(db.DB_ENV_VAR, None)
        else:
            os.environ[db.DB_ENV_VAR] = previous


def build_db(path: Path, **tables: Rows | None) -> Path:
    """A real database file (schema from the migrations) holding the given rows, per table name:
    `build_db(path, agencies=…, fields=…, dossiers=[dossier("A"), …])`. Empty tables stay empty."""
    unknown = set(tables) - set(TABLE_ORDER)
    if unknown:
        raise ValueError(f"no such tables: {sorted(unknown)}")
    con = db.connect_for_writing(path)
    try:
        for table in TABLE_ORDER:
            rows = tables.get(table)
            if rows is not None and len(rows):
                db.insert_frame(con, table, _frame(table, rows))
    finally:
        con.close()
    return path


# --- the small database -------------------------------------------------------------------------

AGENCIES = pl.DataFrame(
    {"agency_id": [1, 2], "code": ["STP", "SXD"], "name": ["Sở Tư pháp", "Sở Xây dựng"]}
)
FIELDS = pl.DataFrame({"field_id": [1, 2], "code": ["HT", "XD"], "name": ["Hộ tịch", "Xây dựng"]})
STAFF = pl.DataFrame(
    {
        "staff_id": [1, 2],
        "name": ["Nhân viên bưu điện 1", "Công chức một cửa 1"],
        "organisation": ["postal", "agency"],
    }
)


def dossier(code: str, **values: object) -> dict[str, object]:
    """A dossier row: received online 2023-03-01, due 03-10, ended 03-05, returned 03-06."""
    row: dict[str, object] = {
        "code": code,
        "agency_id": 1,
        "field_id": 1,
        "channel": 2,
        "status": 10,
        "received_at": dt.datetime(2023, 3, 1, 9, 0),
        "due_at": dt.datetime(2023, 3, 10, 17, 0),
        "ended_at": dt.datetime(2023, 3, 5, 10, 0),
        "returned_at": dt.datetime(2023, 3, 6, 10, 0),
        "received_by": 1,
    }
    row.update(values)
    return row


# Two procedures, one per agency, for the tests that ask per procedure.
PROCEDURES = pl.DataFrame(
    {
        "procedure_id": [1, 2],
        "code": ["1.001", "2.001"],
        "name": ["Đăng ký khai sinh", "Cấp giấy phép xây dựng"],
        "field_id": [1, 2],
        "agency_id": [1, 2],
    }
)


def build_small_db(
    path: Path, dossiers: list[dict[str, object]], *, procedures: bool = False
) -> Path:
    """Two agencies, two fields, two staff and the given dossiers (the columns of `dossier()`);
    with procedures, also PROCEDURES and the rows' procedure_id."""
    columns = [*DOSSIER_SCHEMA, *(["procedure_id"] if procedures else [])]
    return build_db(
        path,
        agencies=AGENCIES,
        fields=FIELDS,
        staff=STAFF,
        procedures=PROCEDURES if procedures else None,
        dossiers=[{name: row.get(name) for name in columns} for row in dossiers],
    )


# --- the Biểu 06 month ---------------------------------------------------------------------------

FORM06_PERIOD = (dt.date(2023, 3, 1), dt.date(2023, 3, 31))

# code, agency, field, procedure, channel, status, received, due, ended, returned, digitised,
# supplement_days — and why it is there. Dates are 2023 unless given as (year, month, day).
FORM06_DOSSIERS = [
    # Sở Alpha / Hộ tịch
    ("D01", 1, 1, 1, 2, 10, (3, 1), (3, 8), (3, 6), None, True, 0),  # online, early
    ("D02", 1, 1, 1, 1, 9, (3, 2), (3, 9), (3, 9), None, True, 0),  # in person, on due date
    ("D03", 1, 1, 1, 3, 10, (3, 3), (3, 10), None, (3, 14), False, 0),  # postal, late (by NgayTra)
    ("D04", 1, 1, 1, 2, 7, (3, 6), (3, 13), (3, 7), None, False, 0),  # withdrawn: col 9
    ("D05", 1, 1, 1, 1, 10, (2, 20), (3, 3), (3, 2), None, True, 0),  # carried over, early
    ("D06", 1, 1, 1, 1, 10, (2, 10), (2, 24), (2, 20), None, True, 0),  # ended before: out
    ("D07", 1, 1, 1, 2, 1, (3, 5), (3, 12), None, None, False, 0),  # status 1: out
    ("D08", 1, 1, 1, 2, 3, (3, 5), (3, 12), None, None, False, 0),  # status 3: out
    ("D09", 1, 1, 1, 2, 4, (4, 2), (4, 12), None, None, False, 0),  # received after `to`: out
    # Sở Alpha / Công chứng
    ("D10", 1, 2, 1, 2, 4, (3, 20), (4, 5), None, None, True, 0),  # in progress, within
    ("D11", 1, 2, 1, 1, 4, (3, 1), (3, 15), None, None, False, 0),  # in progress, overdue
    ("D12", 1, 2, 1, 2, 5, (3, 2), (3, 10), None, None, False, 0),  # supplementation: within
    ("D13", 1, 2, 1, 2, 10, (3, 10), (3, 20), (4, 3), None, False, 0),  # ends after `to`: overdue
    ("D14", 1, 2, 1, 3, 2, (3, 13), (3, 31), (3, 15), None, False, 0),  # open, due = `to`: within
    # Sở Beta / Xây dựng
    ("D15", 2, 3, 2, 3, 9, (3, 15), (3, 29), (3, 29), None, True, 0),  # postal, on due date
    ("D16", 2, 3, 2, 2, 8, (3, 16), (3, 30), (3, 17), None, False, 0),  # stopped: col 9
    ("D17", 2, 3, 2, 2, 10, (3, 20), (3, 24), (3, 28), None, True, 1),  # late, 1 day waiting
    ("D18", 2, 3, 2, 1, 4, (2, 1), (2, 20), None, None, False, 0),  # carried over, overdue
]


def _when(value: tuple[int, ...] | None) -> dt.datetime | None:
    if value is None:
        return None
    year, month, day = value if len(value) == 3 else (2023, *value)
    return dt.datetime(year, month, day, 9, 30)


def build_form06_db(path: Path, dossiers: list[tuple] = FORM06_DOSSIERS) -> Path:
    """Two agencies (Sở Alpha, Sở Beta), their fields and procedures, one postal staffer and
    the given dossiers (tuples as in FORM06_DOSSIERS)."""
    rows = [
        {
            "code": code,
            "agency_id": agency,
            "field_id": field,
            "procedure_id": procedure,
            "channel": channel,
            "status": status,
            "received_at": _when(received),
            "due_at": _when(due),
            "ended_at": _when(ended),
            "returned_at": _when(returned),
            "received_by": 1,
            "digitised": digitised,
            "supplement_days": waiting,
        }
        for (code, agency, field, procedure, channel, status, received, due, ended, returned,
             digitised, waiting) in dossiers
    ]  # fmt: skip
    return build_db(
        path,
        agencies=[
            {"agency_id": 1, "code": "SA", "name": "Sở Alpha"},
            {"agency_id": 2, "code": "SB", "name": "Sở Beta"},
        ],
        fields=pl.DataFrame(
            {
                "field_id": [1, 2, 3],
                "code": ["SA-LV01", "SA-LV02", "SB-LV01"],
                "name": ["Hộ tịch", "Công chứng", "Xây dựng"],
            }
        ),
        procedures=pl.DataFrame(
            {
                "procedure_id": [1, 2],
                "code": ["1.001", "2.001"],
                "name": ["Đăng ký khai sinh", "Cấp giấy phép xây dựng"],
                "field_id": [1, 3],
                "agency_id": [1, 2],
                "processing_days": [5, 10],
            }
        ),
        staff=[{"staff_id": 1, "name": "Nhân viên bưu điện 1", "organisation": "postal"}],
        dossiers=rows,
    )


# --- the hostile database -------------------------------------------------------------------------
# Agency, field, procedure, staff and pilot names hold what an export or an attacker could put
# there (cases from ../shared/hostile/xss.csv and formula.csv, copied inline). The dossiers span
# six months with every timeliness class, channel and receiver, so every page draws its charts,
# tables and sentences from these names.

LINK = '<a href="https://evil.example/phish">CLICKME</a>'
SCRIPT = "<script>window.__xss=1</script>SCRIPTED"
IMAGE = '<img src=x onerror="window.__xss=2">IMAGED'
MARKDOWN = "**MDBOLD** [MDLINK](https://evil.example/md) :red[MDRED] $x^2$"
FORMULA = '=HYPERLINK("https://evil.example","x")'
PLUS = "+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
MINUS = "-2+3+cmd|' /C calc'!A0"
BOLD = "<b>BOLDX</b> & \"quoted\" 'single' %{y}"
TAB = "\t=1+1"

HOSTILE_AGENCIES = pl.DataFrame(
    {
        "agency_id": [1, 2, 3],
        "code": ["EV1", "=EV2", "@EV3"],
        "name": [LINK, SCRIPT, FORMULA],
    }
)
HOSTILE_FIELDS = pl.DataFrame(
    {"field_id": [1, 2, 3], "code": ["F1", "F2", "F3"], "name": [MARKDOWN, BOLD, PLUS]}
)
HOSTILE_PROCEDURES = pl.DataFrame(
    {
        "procedure_id": [1, 2, 3, 4],
        "code": ["P1", "P2", "P3", "P4"],
        "name": [AT, MINUS, IMAGE, TAB],
        "field_id": [1, 2, 3, 1],
        "agency_id": [1, 2, 3, 1],
        "processing_days": [5, 10, 3, 7],
    }
)
HOSTILE_STAFF = pl.DataFrame(
    {
        "staff_id": [1, 2, 3],
        "name": [f"Bưu điện {LINK}", f"Một cửa {MARKDOWN}", FORMULA],
        "organisation": ["postal", "agency", "agency"],
        "agency_id": [None, 2, 3],
    }
)
HOSTILE_PILOT = pl.DataFrame(
    {
        "pilot_id": [1],
        "name": [f"Thí điểm {LINK} {MARKDOWN}"],
        "start_date": [dt.date(2023, 1, 1)],
        "end_date": [dt.date(2023, 6, 30)],
        "postal_staff": [1],
    }
)
HOSTILE_PILOT_AGENCIES = pl.DataFrame({"pilot_id": [1, 1, 1], "agency_id": [1, 2, 3]})

# Every supplied text, as a user would read it on any page.
HOSTILE_TEXTS = [LINK, SCRIPT, IMAGE, MARKDOWN, FORMULA, PLUS, AT, MINUS, BOLD, TAB]
# Markup a renderer would obey: Plotly's subset of HTML, and tags a browser would run or link.
ACTIVE_TAG = re.compile(r"<\s*/?\s*(a|script|img|b|i|u|em|sup|sub|span|br)\b", re.IGNORECASE)


def _hostile_dossiers() -> pl.DataFrame:
    """Sixty dossiers over January–June 2023: early, on time, late, open, overdue, every channel."""
    rows = []
    for number in range(60):
        procedure = number % 4 + 1
        agency = HOSTILE_PROCEDURES["agency_id"][procedure - 1]
        field = HOSTILE_PROCEDURES["field_id"][procedure - 1]
        received = dt.datetime(2023, 1, 2, 8) + dt.timedelta(days=3 * number, hours=number % 9)
        due = received + dt.timedelta(days=10)
        outcome = number % 5  # 0 early, 1 on the due date, 2 late, 3 open, 4 open and overdue
        ended = {
            0: received + dt.timedelta(days=4),
            1: due,
            2: due + dt.timedelta(days=3 + number % 4),
        }.get(outcome)
        if outcome == 4:
            due = received + dt.timedelta(days=2)
        rows.append(
            {
                "code": f"H-{number:03d}",
                "procedure_id": procedure,
                "agency_id": agency,
                "field_id": field,
                "channel": number % 3 + 1,
                "status": 10 if ended else 4,
                "submitted_at": received - dt.timedelta(hours=1),
                "received_at": received,
                "due_at": due,
                "ended_at": ended,
                "returned_at": ended + dt.timedelta(days=1) if ended else None,
                "received_by": number % 3 + 1,
            }
        )
    return pl.DataFrame(rows)


def build_hostile_db(path: Path) -> Path:
    """The hostile database at path (a real DuckDB file with the current schema)."""
    return build_db(
        path,
        agencies=HOSTILE_AGENCIES,
        fields=HOSTILE_FIELDS,
        procedures=HOSTILE_PROCEDURES,
        staff=HOSTILE_STAFF,
        pilots=HOSTILE_PILOT,
        pilot_agencies=HOSTILE_PILOT_AGENCIES,
        dossiers=_hostile_dossiers(),
    )


# --- import files -------------------------------------------------------------------------------

FAMILY_A = [
    "MaHoSo", "MaTTHC", "TenTTHC", "MaLinhVuc", "TenLinhVuc", "KenhThucHien", "ChuHoSo",
    "LoaiDoiTuong", "NgayNopHoSo", "NgayTiepNhan", "NgayHenTra", "TrangThaiHoSo",
    "NgayKetThucXuLy", "NgayTra", "NgayTuChoi", "DonViXuLy",
]  # fmt: skip
FAMILY_B = [
    "Mã hồ sơ", "Mã thủ tục", "Tên thủ tục hành chính", "Mã lĩnh vực", "Lĩnh vực", "Kênh nộp",
    "Chủ hồ sơ", "Địa chỉ", "Số điện thoại", "Số CCCD", "Ngày nộp", "Ngày tiếp nhận",
    "Ngày hẹn trả", "Ngày kết thúc xử lý", "Ngày trả kết quả", "Trạng thái", "Đơn vị xử lý",
    "Người tiếp nhận",
]  # fmt: skip
PERSONAL = {
    "ChuHoSo": "Nguyễn Văn Riêngtư",
    "Chủ hồ sơ": "Trần Thị Bímật",
    "Địa chỉ": "Số 99 phố Kínđáo",
    "Số điện thoại": "0912345678",
    "Số CCCD": "001234567890",
    "Người tiếp nhận": "Lê Văn Cánbộ",
}


def row_a(code: str = "STP-230301-0001", **values: str) -> dict[str, str]:
    """A valid family-A row: result returned, received 2023-03-01 09:00."""
    row = {
        "MaHoSo": code,
        "MaTTHC": "1.000894",
        "TenTTHC": "Đăng ký khai sinh",
        "MaLinhVuc": "HT",
        "TenLinhVuc": "Hộ tịch",
        "KenhThucHien": "2",
        "ChuHoSo": PERSONAL["ChuHoSo"],
        "LoaiDoiTuong": "Công dân",
        "NgayNopHoSo": "20230301080000",
        "NgayTiepNhan": "20230301090000",
        "NgayHenTra": "20230310170000",
        "TrangThaiHoSo": "10",
        "NgayKetThucXuLy": "20230305100000",
        "NgayTra": "20230306100000",
        "NgayTuChoi": "",
        "DonViXuLy": "Sở Tư pháp",
    }
    row.update(values)
    return row


def row_b(code: str = "SXD-230601-0001", **values: object) -> dict[str, object]:
    """A valid family-B row with text dates: processing, received 01/06/2023 08:30."""
    row: dict[str, object] = {
        "Mã hồ sơ": code,
        "Mã thủ tục": "1.009972",
        "Tên thủ tục hành chính": "Cấp giấy phép xây dựng",
        "Mã lĩnh vực": "HDXD",
        "Lĩnh vực": "Hoạt động xây dựng",
        "Kênh nộp": "Trực tuyến",
        "Chủ hồ sơ": PERSONAL["Chủ hồ sơ"],
        "Địa chỉ": PERSONAL["Địa chỉ"],
        "Số điện thoại": PERSONAL["Số điện thoại"],
        "Số CCCD": PERSONAL["Số CCCD"],
        "Ngày nộp": "01/06/2023",
        "Ngày tiếp nhận": "01/06/2023 08:30",
        "Ngày hẹn trả": "15/06/2023 17:00:00",
        "Ngày kết thúc xử lý": "",
        "Ngày trả kết quả": "",
        "Trạng thái": "Đang xử lý",
        "Đơn vị xử lý": "Sở Xây dựng",
        "Người tiếp nhận": PERSONAL["Người tiếp nhận"],
    }
    row.update(values)
    return row


def write_csv(
    path: Path,
    rows: list[dict],
    headers: list[str] | None = None,
    delimiter: str = ",",
    bom: bool = False,
    newline: str = "\n",
) -> Path:
    headers = headers or list(rows[0])
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as handle:
        writer = csv.writer(handle, delimiter=delimiter, lineterminator=newline)
        writer.writerow(headers)
        for row in rows:
            writer.writerow([row.get(name, "") for name in headers])
    return path
