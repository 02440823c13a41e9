"""The domain's code tables, each defined once (DOMAIN.md §2): dossier statuses, submission
channels, receivers, weekdays, and the counter's tasks with their usual minutes.

SQL cannot import Python: queries/ write these codes as literals (the counting rules in
queries/macros/classified_dossiers.sql), and tests/test_codes.py checks every such literal
against the tables here.
"""

from __future__ import annotations

# --- dossier statuses (the national portal's ten codes) ---------------------------------------

REGISTERED = 1  # mới đăng ký
ACCEPTED = 2  # được tiếp nhận
NOT_ACCEPTED = 3  # không được tiếp nhận
PROCESSING = 4  # đang xử lý
SUPPLEMENTATION = 5  # yêu cầu bổ sung: waiting for the citizen, never overdue
FINANCIAL_OBLIGATION = 6  # yêu cầu thực hiện nghĩa vụ tài chính
WITHDRAWN = 7  # công dân yêu cầu rút hồ sơ
STOPPED = 8  # dừng xử lý
DONE = 9  # đã xử lý xong
RETURNED = 10  # đã trả kết quả
STATUSES = tuple(range(REGISTERED, RETURNED + 1))

# Never received, so never counted (Biểu 06 counts received dossiers only).
NOT_RECEIVED_STATUSES = (REGISTERED, NOT_ACCEPTED)
# Still open: such a dossier has no end date, whatever its date columns say.
OPEN_STATUSES = (ACCEPTED, PROCESSING, SUPPLEMENTATION, FINANCIAL_OBLIGATION)
# Closed: resolved once its end date has come (an end date is then required on import).
CLOSED_STATUSES = (WITHDRAWN, STOPPED, DONE, RETURNED)
# Processed to the end: only these are early or late by their end date (withdrawn and stopped
# dossiers count as on time).
PROCESSED_STATUSES = (DONE, RETURNED)

# --- submission channels (KenhThucHien) -------------------------------------------------------

IN_PERSON = 1
ONLINE = 2
POSTAL = 3  # bưu chính công ích
CHANNELS = {IN_PERSON: "in_person", ONLINE: "online", POSTAL: "postal"}
# On paper: Biểu 06 col 5 ("in person or postal"), and what the counter digitises.
PAPER_CHANNELS = (IN_PERSON, POSTAL)

# Who received a dossier at the counter: the postal staffer or the agency's own civil servant.
RECEIVERS = ("postal", "agency")

# --- weekdays -----------------------------------------------------------------------------------

# One numbering everywhere: Monday = 0 … Sunday = 6, as Python's date.weekday(). The SQL side
# writes `isodow(x) - 1` (tests/test_codes.py checks), numpy days go through calendar.weekday_of.
MONDAY, FRIDAY, SATURDAY, SUNDAY = 0, 4, 5, 6
WEEKDAYS = tuple(range(MONDAY, SUNDAY + 1))

# --- the counter's tasks ------------------------------------------------------------------------

# Why a citizen comes to the counter, and the desk work dossiers bring between citizens.
PURPOSES = ("guidance", "submission", "pickup")
DESK_KINDS = ("online_check", "digitise")
# Usual minutes per task: the demo's queue tickets are drawn around them, and staffing uses them
# when the data has no timed visits (editable on the page and on the command line).
DEFAULT_TASK_MINUTES = {
    "guidance": 6.0,
    "submission": 12.0,
    "pickup": 4.0,
    "online_check": 5.0,
    "digitise": 10.0,
}
# The share of returned results collected at the counter: the demo draws that many pickups, and
# staffing assumes it when there are no queue tickets to count them.
PICKUP_SHARE = 0.35
