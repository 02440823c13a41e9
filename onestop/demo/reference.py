"""The demo's reference tables: the pilot's six agencies and eight others (more for large demos),
their fields, 10–60 procedures each with a legal processing time, and the counter staff.
"""

from __future__ import annotations

import numpy as np
import polars as pl

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


def _agency_list(non_pilot_agencies: int) -> list[tuple[str, str, list[str], bool]]:
    agencies = [(code, name, fields, True) for code, name, fields in PILOT_AGENCIES]
    agencies += [(code, name, fields, False) for code, name, fields in NON_PILOT_AGENCIES]
    for number in range(len(NON_PILOT_AGENCIES) + 1, non_pilot_agencies + 1):
        agencies.append(
            (f"DV{number:02d}", f"Đơn vị minh họa {number:02d}", ["Lĩnh vực chung"], False)
        )
    return agencies


def reference_tables(rng: np.random.Generator, non_pilot_agencies: int) -> dict[str, pl.DataFrame]:
    """Agencies (the pilot's six, then others), fields, procedures (10–60 per agency) and staff."""
    agency_rows, field_rows, procedure_rows = [], [], []
    staff_rows = [(POSTAL_STAFF_ID, "Nhân viên bưu điện 1", "postal", None)]
    for agency_id, (code, name, fields, _) in enumerate(_agency_list(non_pilot_agencies), start=1):
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
