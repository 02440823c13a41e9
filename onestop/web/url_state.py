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
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

import polars as pl

from onestop.core import filters
from onestop.core.calendar import month_end
from onestop.core.codes import CHANNELS, RECEIVERS
from onestop.core.filters import DossierFilter, pilot_filter

PARAMS = ("from", "to", "agency", "channel", "field", "procedure", "receiver")
ALL_AGENCIES = "all"  # a link's filters.ALL for agencies
CHANNEL_CODES = {name: code for code, name in CHANNELS.items()}
# The plausible span of a period. A link's date outside it is treated as malformed (it would only
# ever show an empty view) unless the data itself reaches there: see Catalog.date_bounds.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2100, 12, 31)
MAX_VALUES = 1000  # more repeats than there are procedures is not a real link
# Streamlit ignores a whole query string longer than these (streamlit.runtime.state.query_params,
# sanitize_query_string) before any script sees it, so a page can only learn of it in the browser.
STREAMLIT_MAX_FIELDS = 1000
STREAMLIT_MAX_LENGTH = 512 * 1024
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
    # The first and last received dates in the data, stray ones included (None when empty).
    data_span: tuple[dt.date | None, dt.date | None] = (None, None)

    def default_filter(self) -> DossierFilter:
        """The view a link without parameters opens."""
        return DossierFilter(*self.default_period, tuple(sorted(self.pilot_agency_ids)))

    def date_bounds(self) -> tuple[dt.date, dt.date]:
        """The first and last date a period may name: EARLIEST to LATEST, widened to the data's
        received dates (stray ones too), the default period and every preset's period.

        A stray date in the data (1900, 2999, year 23) then widens the range instead of putting
        the default view or a preset outside the date picker's bounds, where Streamlit raises.
        """
        dates = [EARLIEST, LATEST, *self.default_period, self.latest_received]
        dates.extend(day for day in self.data_span if day is not None)
        for preset in PRESETS:
            dates.extend(preset_period(preset, self) or ())
        return min(dates), max(dates)


def build_catalog(query: Callable[..., pl.DataFrame]) -> Catalog:
    """The catalogue of one database, from its named queries (`query(name, params)` runs one).

    The default view is the pilot's agencies over the pilot's period; without a pilot, every
    agency over the span of received dates between EARLIEST and LATEST (the whole span when no
    date lies there). "This month" and the other presets count from the end of that span.
    """
    agencies = query("agencies")
    fields = query("fields")
    procedures = query("procedures")
    span = query("received_date_span", {"date_from": EARLIEST, "date_to": LATEST}).row(
        0, named=True
    )
    first = span["first_plausible_on"] or span["first_received_on"]
    last = span["last_plausible_on"] or span["last_received_on"]
    pilot = pilot_filter(query("pilot_definition"), agencies)
    if pilot is not None:
        default = (pilot.date_from, pilot.date_to)
    elif first is not None:
        default = (first, last)
    else:  # no received dossier yet: any period shows zeros, so take the plausible one
        default = (EARLIEST, LATEST)
    return Catalog(
        agencies=dict(zip(agencies["code"], agencies["agency_id"], strict=True)),
        fields=dict(zip(fields["code"], fields["field_id"], strict=True)),
        procedures=dict(zip(procedures["code"], procedures["procedure_id"], strict=True)),
        pilot_agency_ids=() if pilot is None else pilot.agency_ids,
        default_period=default,
        latest_received=last or default[1],
        data_span=(span["first_received_on"], span["last_received_on"]),
    )


@dataclass(frozen=True)
class Notice:
    """A parameter whose value was dropped, and why (a key of the `filters.notice_*` strings)."""

    param: str
    reason: str  # "invalid", "unknown", "order" or "too_many"


def single_value(values: Sequence[str]) -> str | None:
    """A single-valued parameter's value: the last one given, stripped (None when blank)."""
    cleaned = [value.strip() for value in values if value and value.strip()]
    return cleaned[-1] if cleaned else None


def link_date(value: str | None, bounds: tuple[dt.date, dt.date]) -> dt.date | None:
    """A link's YYYY-MM-DD date within bounds, else None (malformed, impossible or too far)."""
    if value is None or len(value) != 10:
        return None
    try:
        parsed = dt.date.fromisoformat(value)
    except ValueError:
        return None
    return parsed if bounds[0] <= parsed <= bounds[1] else None


def _period(
    raw: Mapping[str, Sequence[str]], catalog: Catalog, notices: list[Notice]
) -> tuple[dt.date, dt.date]:
    default_from, default_to = catalog.default_period
    dates = {}
    bounds = catalog.date_bounds()
    for name, default in (("from", default_from), ("to", default_to)):
        text = single_value(raw.get(name, ()))
        parsed = link_date(text, bounds)
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
        return filters.ALL
    ids = _codes("agency", cleaned, catalog.agencies, notices)
    return ids or tuple(sorted(catalog.pilot_agency_ids))


def _receiver(values: Sequence[str], notices: list[Notice]) -> str | None:
    value = single_value(values)
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
        params["agency"] = (
            [ALL_AGENCIES] if chosen.every_agency else _codes_of(agencies, catalog.agencies)
        )
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
