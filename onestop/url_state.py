"""The dashboard's filter as URL query parameters: parsing, validation and writing back.

Pure (no Streamlit): a copied link must open the same view, and whatever a link holds —
malformed dates, unknown codes, SQL fragments — is dropped with a notice, never raised and never
passed on as text. Only ids found in the catalogue of known codes reach the queries.

Parameters: `from`, `to` (YYYY-MM-DD), `agency` (agency code, repeatable, or `all`), `channel`
(online|in_person|postal, repeatable), `field` and `procedure` (codes, repeatable) and `receiver`
(postal|agency). Absent parameters take the default view: the pilot's agencies over its period.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from onestop.calendar import month_end
from onestop.filters import CHANNELS, RECEIVERS, DossierFilter

PARAMS = ("from", "to", "agency", "channel", "field", "procedure", "receiver")
ALL_AGENCIES = "all"
CHANNEL_CODES = {name: code for code, name in CHANNELS.items()}
# Dates outside this span are treated as malformed: they would only ever show an empty view and
# the previous-period arithmetic must stay within Python's date range.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
MAX_VALUES = 1000  # more repeats than there are procedures is not a real link
PRESETS = ("this_month", "this_quarter", "this_year", "pilot", "custom")


@dataclass(frozen=True)
class Catalog:
    """What a link may name: the known codes and the defaults of the view."""

    agencies: Mapping[str, int]  # code -> agency_id
    fields: Mapping[str, int]  # code -> field_id
    procedures: Mapping[str, int]  # code -> procedure_id
    pilot_agency_ids: tuple[int, ...]
    default_period: tuple[dt.date, dt.date]
    latest_received: dt.date  # "this month" is the month of this date, not of today's clock

    def default_filter(self) -> DossierFilter:
        """The view a link without parameters opens."""
        return DossierFilter(*self.default_period, tuple(sorted(self.pilot_agency_ids)))


@dataclass(frozen=True)
class Notice:
    """A parameter whose value was dropped, and why (a key of the `filters.notice_*` strings)."""

    param: str
    reason: str  # "invalid", "unknown", "order" or "too_many"


def _single(values: Sequence[str]) -> str | None:
    cleaned = [value.strip() for value in values if value and value.strip()]
    return cleaned[-1] if cleaned else None


def _date(value: str | None) -> dt.date | None:
    if value is None or len(value) != 10:
        return None
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if EARLIEST <= parsed <= LATEST else None


def _period(
    raw: Mapping[str, Sequence[str]], catalog: Catalog, notices: list[Notice]
) -> tuple[dt.date, dt.date]:
    default_from, default_to = catalog.default_period
    dates = {}
    for name, default in (("from", default_from), ("to", default_to)):
        text = _single(raw.get(name, ()))
        parsed = _date(text)
        if text is not None and parsed is None:
            notices.append(Notice(name, "invalid"))
        dates[name] = parsed or default
    if dates["from"] > dates["to"]:
        notices.append(Notice("from", "order"))
        return default_from, default_to
    return dates["from"], dates["to"]


def _codes(
    name: str,
    values: Sequence[str],
    known: Mapping[str, int],
    notices: list[Notice],
) -> tuple[int, ...]:
    """The ids of the known codes among values; each unknown or surplus value noted once."""
    cleaned = [value.strip() for value in values if value and value.strip()]
    if len(cleaned) > MAX_VALUES:
        notices.append(Notice(name, "too_many"))
        cleaned = cleaned[:MAX_VALUES]
    ids = {known[value] for value in cleaned if value in known}
    if any(value not in known for value in cleaned):
        notices.append(Notice(name, "unknown"))
    return tuple(sorted(ids))


def _agencies(values: Sequence[str], catalog: Catalog, notices: list[Notice]) -> tuple[int, ...]:
    cleaned = [value.strip() for value in values if value and value.strip()]
    if not cleaned:
        return tuple(sorted(catalog.pilot_agency_ids))
    if ALL_AGENCIES in cleaned:
        return ()
    ids = _codes("agency", cleaned, catalog.agencies, notices)
    return ids or tuple(sorted(catalog.pilot_agency_ids))


def _receiver(values: Sequence[str], notices: list[Notice]) -> str | None:
    value = _single(values)
    if value is not None and value not in RECEIVERS:
        notices.append(Notice("receiver", "unknown"))
        return None
    return value


def parse(raw: Mapping[str, Sequence[str]], catalog: Catalog) -> tuple[DossierFilter, list[Notice]]:
    """The filter a link asks for, and a notice for every value that had to be dropped."""
    notices: list[Notice] = []
    date_from, date_to = _period(raw, catalog, notices)
    chosen = DossierFilter(
        date_from,
        date_to,
        agency_ids=_agencies(raw.get("agency", ()), catalog, notices),
        channels=_codes("channel", raw.get("channel", ()), CHANNEL_CODES, notices),
        field_ids=_codes("field", raw.get("field", ()), catalog.fields, notices),
        procedure_ids=_codes("procedure", raw.get("procedure", ()), catalog.procedures, notices),
        receiver=_receiver(raw.get("receiver", ()), notices),
    )
    return chosen, notices


def _codes_of(ids: Sequence[int], known: Mapping[str, int]) -> list[str]:
    by_id = {value: code for code, value in known.items()}
    return sorted(by_id[i] for i in ids if i in by_id)


def to_params(chosen: DossierFilter, catalog: Catalog) -> dict[str, list[str]]:
    """The shortest query parameters that reopen this filter (defaults are left out)."""
    params: dict[str, list[str]] = {}
    if (chosen.date_from, chosen.date_to) != catalog.default_period:
        params["from"] = [chosen.date_from.isoformat()]
        params["to"] = [chosen.date_to.isoformat()]
    agencies = tuple(sorted(chosen.agency_ids))
    if agencies != tuple(sorted(catalog.pilot_agency_ids)):
        params["agency"] = _codes_of(agencies, catalog.agencies) if agencies else [ALL_AGENCIES]
    if chosen.channels:
        params["channel"] = sorted(CHANNELS[code] for code in chosen.channels)
    if chosen.field_ids:
        params["field"] = _codes_of(chosen.field_ids, catalog.fields)
    if chosen.procedure_ids:
        params["procedure"] = _codes_of(chosen.procedure_ids, catalog.procedures)
    if chosen.receiver:
        params["receiver"] = [chosen.receiver]
    return params


# --- period presets --------------------------------------------------------------------------


def preset_period(preset: str, catalog: Catalog) -> tuple[dt.date, dt.date] | None:
    """The calendar period a preset names, relative to the latest received date; None for custom.

    "This month" is the whole calendar month holding the latest received dossier: a demo or an
    old export then still opens on a period with data, whatever today's date is.
    """
    anchor = catalog.latest_received
    if preset == "this_month":
        return anchor.replace(day=1), month_end(anchor)
    if preset == "this_quarter":
        first_month = 3 * ((anchor.month - 1) // 3) + 1
        start = anchor.replace(month=first_month, day=1)
        return start, month_end(start.replace(month=first_month + 2))
    if preset == "this_year":
        return anchor.replace(month=1, day=1), anchor.replace(month=12, day=31)
    if preset == "pilot":
        return catalog.default_period
    return None


def matching_preset(period: tuple[dt.date, dt.date], catalog: Catalog) -> str:
    """The preset whose period this is (the pilot first), else "custom"."""
    for preset in ("pilot", "this_month", "this_quarter", "this_year"):
        if preset_period(preset, catalog) == period:
            return preset
    return "custom"
