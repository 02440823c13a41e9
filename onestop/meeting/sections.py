"""What each page shows, as data: one builder per page, shared by the pages, the deck, the HTML
report and presentation mode, so that the three renderings never drift apart.

A builder takes a `Context` (where to query, the filter, the language) and returns a `Section`:
headings, charts (ChartSpec), tables, headline figures and sentences in page order, or None when
the data cannot support the section. `SECTIONS` lists them in meeting order; another page joins
the deck with one `register(...)` call. The pilot evaluation's builder returns None when no
pilot is stored or the data cannot be compared, so the pack then has no evaluation at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Protocol

import polars as pl

from onestop import staffing
from onestop.core import i18n
from onestop.core.charts import ChartSpec
from onestop.core.filters import DossierFilter
from onestop.evaluation import compare, output, readings
from onestop.evaluation.charts import monthly_chart
from onestop.reports import form06 as report
from onestop.reports import index766
from onestop.staffing import capacity, capacity_report
from onestop.views import agency_load, overview, throughput, timeliness

# The deck and the report show monthly flows and the ten largest procedures (the pages' defaults).
DECK_GRAIN = "month"
DECK_TOP_PROCEDURES = 10


class Source(Protocol):
    """Where sections read from: `onestop.db.Store`, or the dashboard's cached queries."""

    def query(self, name: str, params: Mapping[str, Any] | None = None) -> pl.DataFrame: ...


# --- what a section holds -----------------------------------------------------------------------


@dataclass(frozen=True)
class Heading:
    """A sub-heading between blocks (a page's st.subheader)."""

    text: str


@dataclass(frozen=True)
class Text:
    """A sentence or two: a caption, a reading of the chart above, a summary."""

    text: str


@dataclass(frozen=True)
class Figure:
    """One headline figure: its label, its value written the language's way, its change."""

    key: str
    label: str
    value: str
    delta: str | None = None


@dataclass(frozen=True)
class Figures:
    """The headline figures of the period (the overview's cards)."""

    items: tuple[Figure, ...]


@dataclass(frozen=True)
class Chart:
    """A chart: `name` is its stable key (widget keys, file names), `spec` says what to draw."""

    name: str
    spec: ChartSpec


@dataclass(frozen=True)
class Table:
    """A table of figures with headings in the language; numbers stay numbers in `frame`."""

    name: str
    title: str
    frame: pl.DataFrame
    labels: Mapping[str, str]
    shares: tuple[str, ...] = ()
    decimals: Mapping[str, int] = field(default_factory=dict)

    def cell_text(self, column: str, value: object, lang: str) -> str:
        """A cell as people read it: 1.700, 98,2%, 12,5, 31/12/2023 or the text itself."""
        if value is None:
            return "—"
        if column in self.shares:
            return i18n.format_share(value, lang)  # type: ignore[arg-type]
        if column in self.decimals:
            return i18n.format_decimal(value, lang, self.decimals[column])  # type: ignore[arg-type]
        if isinstance(value, bool):
            return i18n.t("staffing.yes" if value else "staffing.no", lang)
        if isinstance(value, int):
            return i18n.format_int(value, lang)
        if isinstance(value, float):
            return i18n.format_decimal(value, lang, 2)
        if isinstance(value, dt.date):
            return i18n.format_date(value, lang)
        return str(value)

    def text_rows(self, lang: str) -> list[list[str]]:
        """Every row as the cells' text, in column order."""
        return [
            [
                self.cell_text(column, value, lang)
                for column, value in zip(self.frame.columns, row, strict=True)
            ]
            for row in self.frame.iter_rows()
        ]

    def headers(self) -> list[str]:
        return [self.labels.get(column, column) for column in self.frame.columns]


@dataclass(frozen=True)
class Form06Table:
    """Biểu 06 in its official layout; long forms are split across slides and pages."""

    form: report.Form06


Block = Heading | Text | Figures | Chart | Table | Form06Table


@dataclass(frozen=True)
class Section:
    """One page's content in page order."""

    key: str
    title: str
    blocks: tuple[Block, ...]

    @property
    def charts(self) -> list[Chart]:
        return [block for block in self.blocks if isinstance(block, Chart)]


@dataclass(frozen=True)
class Verdict:
    """The answer to the staffing question for the filter, and the sentences that qualify it."""

    text: str
    details: tuple[str, ...] = ()
    enough: bool | None = None  # True when one staffer suffices; None when there is no answer


@dataclass(frozen=True)
class Slide:
    """One step of a presentation: a figure block, chart or table, the heading it sits under,
    and the sentences that go with it."""

    kicker: str
    block: Figures | Chart | Table | Form06Table
    captions: tuple[str, ...] = ()


def slides(section: Section, form_heading: str = "") -> list[Slide]:
    """A section as presentation steps: one per figures block, chart or table.

    A heading becomes the kicker of the steps below it (once, when a table is titled like
    it); a sentence goes with the step before it, or with the next one when none came before.
    """
    found: list[Slide] = []
    kicker, heading = section.title, None
    pending: list[str] = []
    for block in section.blocks:
        if isinstance(block, Heading):
            heading, kicker = block.text, f"{section.title} · {block.text}"
        elif isinstance(block, Text):
            if found:
                last = found[-1]
                found[-1] = Slide(last.kicker, last.block, (*last.captions, block.text))
            else:
                pending.append(block.text)
        else:
            title = block.title if isinstance(block, Table) else form_heading
            shown = (
                section.title
                if isinstance(block, Table | Form06Table) and heading == title
                else kicker
            )
            found.append(Slide(shown, block, tuple(pending)))
            pending = []
    return found


# --- the context a builder reads from -----------------------------------------------------------


class Context:
    """A source, a filter and a language, with the few results several builders share."""

    def __init__(
        self,
        source: Source,
        chosen: DossierFilter,
        lang: str,
        evaluation_before: tuple[dt.date, dt.date] | None = None,
    ) -> None:
        self.source, self.filter, self.lang = source, chosen, lang
        # The pilot evaluation's period before, as its page chose it (None: the default).
        self.evaluation_before = evaluation_before

    def query(self, name: str, **extra: Any) -> pl.DataFrame:
        """A named query for the filter (extra parameters added)."""
        return self.source.query(name, {**self.filter.params(), **extra})

    def query_plain(self, name: str) -> pl.DataFrame:
        """A named query that takes no filter (agencies, data status, pilot)."""
        return self.source.query(name, {})

    @cached_property
    def form06(self) -> report.Form06:
        return report.Form06(self.filter, self.query("form06_rows"))

    @cached_property
    def staffing_question(self) -> staffing.Question:
        """The staffing page's question for the filter with the page's default what-ifs."""
        return staffing.Question(self.filter)

    @cached_property
    def staffing_answer(self) -> dict:
        """The staffing page's answer for the filter with the page's default what-ifs."""
        question = self.staffing_question
        return staffing.answer(self.source, question, self.lang)  # type: ignore[arg-type]


SectionBuilder = Callable[[Context], Section | None]


@dataclass(frozen=True)
class SectionDef:
    """A registered section: its key (the page's), its title's UI key and its builder."""

    key: str
    title_key: str
    build: SectionBuilder


SECTIONS: list[SectionDef] = []


def register(key: str, title_key: str, build: SectionBuilder, after: str | None = None) -> None:
    """Add a section to the meeting pack, at the end or right after another one."""
    if any(existing.key == key for existing in SECTIONS):
        raise ValueError(f"section {key!r} is registered twice")
    entry = SectionDef(key, title_key, build)
    keys = [existing.key for existing in SECTIONS]
    SECTIONS.insert(keys.index(after) + 1 if after in keys else len(SECTIONS), entry)


def build_sections(context: Context, only: tuple[str, ...] | None = None) -> list[Section]:
    """Every registered section that has something to show, in meeting order."""
    built = []
    for entry in SECTIONS:
        if only is not None and entry.key not in only:
            continue
        section = entry.build(context)
        if section is not None and section.blocks:
            built.append(section)
    return built


def section(key: str, context: Context) -> Section | None:
    """One page's section (presentation mode steps through its charts)."""
    for entry in SECTIONS:
        if entry.key == key:
            return entry.build(context)
    raise KeyError(key)


# --- the verdict --------------------------------------------------------------------------------


def staffing_verdict(context: Context) -> Verdict:
    """The staffing page's answer, with where its load came from and whose load it is."""
    result = context.staffing_answer
    if not result["has_load"]:
        return Verdict(result["answer"])
    enough = result["smallest_staff"]
    return Verdict(
        result["answer"],
        (result["scope"]["sentence"], result["source"]["sentence"]),
        enough == 1 if enough is not None else False,
    )


# The verdict on the title's heels; the overview's own verdict (when it has one) replaces it.
VERDICT: list[Callable[[Context], Verdict | None]] = [staffing_verdict]


def verdict(context: Context) -> Verdict | None:
    return VERDICT[-1](context)


# --- the builders, one per page -----------------------------------------------------------------


def _t(context: Context, key: str, **values: object) -> str:
    return i18n.t(key, context.lang, **values)


def overview_section(context: Context) -> Section | None:
    """The headline figures with their change against the previous period, the summary, and
    the dossiers carried over. The overview page draws this section (one description)."""
    lang = context.lang
    counts = context.form06.total
    if counts["received_total"] == 0:
        return None
    before = context.filter.previous_period()  # None when it would reach back past year 1
    first_received = context.source.query("data_status")["first_received_on"][0]
    previous = (
        # Nothing was received before the first reception: no change to show, nothing to ask.
        None
        if before is None or first_received is None or before.date_to < first_received
        else report.Form06(before, context.source.query("form06_rows", before.params())).total
    )
    figures = tuple(
        Figure(
            key,
            _t(context, f"measure.{key}"),
            overview.card_value(key, counts, lang),
            overview.card_delta(key, counts, previous, lang),
        )
        for key in overview.CARDS
    )

    def show(key: str) -> str:
        return overview.card_value(key, counts, lang)

    summary = _t(
        context,
        "overview.summary",
        start=i18n.format_date(context.filter.date_from, lang),
        end=i18n.format_date(context.filter.date_to, lang),
        received=show("received_total"),
        online=show("received_online"),
        online_share=show("online_share"),
        resolved=show("resolved_total"),
        early=show("resolved_early"),
        on_time=show("resolved_on_time"),
        late=show("resolved_late"),
        in_progress=show("in_progress_total"),
    )
    blocks: list[Block] = [Figures(figures), Text(summary)]
    if counts["carried_over"]:
        carried = i18n.format_int(counts["carried_over"], lang)
        blocks.append(Text(_t(context, "overview.carried_over_note", carried=carried)))
    return Section("overview", _t(context, "page.overview"), tuple(blocks))


def throughput_section(context: Context, grain: str = DECK_GRAIN) -> Section | None:
    """Received and resolved per period by channel, the backlog and the cumulative gap."""
    flow = context.query("dossier_flow_by_period", grain=throughput.grain_param(grain))
    if flow.select("received", "resolved", "carried_over").sum().sum_horizontal()[0] == 0:
        return None
    lang = context.lang
    blocks = (
        Heading(_t(context, "throughput.heading_flow")),
        Chart("throughput_received", throughput.received_spec(flow, grain, lang)),
        Chart("throughput_resolved", throughput.resolved_spec(flow, grain, lang)),
        Heading(_t(context, "throughput.heading_backlog")),
        Chart("throughput_backlog", throughput.backlog_spec(flow, grain, lang)),
        Chart("throughput_cumulative", throughput.cumulative_spec(flow, grain, lang)),
    )
    return Section("throughput", _t(context, "page.throughput"), blocks)


def timeliness_section(context: Context, top: int = DECK_TOP_PROCEDURES) -> Section | None:
    """Shares before, on and after the due date by agency, field, procedure and month."""
    resolved = context.query("resolved_timeliness_by_procedure_month")
    if resolved.is_empty():
        return None
    lang = context.lang
    blocks: list[Block] = []
    for by in timeliness.DIMENSIONS:
        shares = timeliness.timeliness_shares(resolved, by, top if by == "procedure" else None)
        blocks.append(Chart(f"timeliness_by_{by}", timeliness.shares_chart(shares, by, lang)))
    days = context.query("resolved_days_late")
    blocks += [
        Heading(_t(context, "timeliness.days_heading")),
        Chart("timeliness_days_late", timeliness.days_late_chart(days, lang)),
        Text(_t(context, "timeliness.days_caption")),
    ]
    return Section("timeliness", _t(context, "timeliness.page_title"), tuple(blocks))


def _agency_labels(context: Context, names: list[str]) -> dict[str, str]:
    return {name: _t(context, f"agency_load.col_{name}") for name in names}


def agency_load_section(context: Context) -> Section | None:
    """Dossiers per agency, breadth per staffer, the weekday × hour heatmap, the daily rate."""
    agencies = context.query("receptions_by_agency")
    if agencies.is_empty():
        return None
    lang = context.lang
    shares = agency_load.agency_shares(agencies)
    staffers = agency_load.staffer_table(context.query("receptions_by_staffer"), lang)
    by_hour = context.query("receptions_by_weekday_hour")
    grid = agency_load.weekday_hour_grid(by_hour, lang)
    rates = agency_load.per_working_day(
        context.query("receptions_by_staffer_month"),
        context.filter.date_from,
        context.filter.date_to,
    )
    blocks: list[Block] = [
        Chart("agency_dossiers", agency_load.agency_chart(shares, lang)),
        Table(
            "agency_load_agencies",
            _t(context, "agency_load.page_title"),
            shares,
            _agency_labels(
                context, ["agency", "agency_code", "dossiers", "share", "procedures", "fields"]
            ),
            shares=("share",),
        ),
    ]
    if not staffers.is_empty():
        blocks += [
            Heading(_t(context, "agency_load.breadth_heading")),
            Chart("staffer_breadth", agency_load.staffer_breadth_chart(staffers, lang)),
            Table(
                "agency_load_staffers",
                _t(context, "agency_load.breadth_heading"),
                staffers,
                _agency_labels(
                    context,
                    ["staffer", "organisation", "dossiers", "agencies", "procedures", "fields"],
                ),
            ),
        ]
    blocks += [
        Heading(_t(context, "agency_load.heatmap_heading")),
        Chart("receptions_weekday_hour", agency_load.heatmap_chart(grid, lang)),
    ]
    outside = agency_load.receptions_outside_hours(by_hour)
    if outside:
        blocks.append(
            Text(_t(context, "agency_load.outside_hours", count=i18n.format_int(outside, lang)))
        )
    if not rates.is_empty():
        blocks += [
            Heading(_t(context, "agency_load.rate_heading")),
            Chart("staffer_per_working_day", agency_load.per_working_day_chart(rates, lang)),
            Text(_t(context, "agency_load.rate_caption", top=agency_load.TOP_STAFFERS)),
        ]
    return Section("agency_load", _t(context, "agency_load.page_title"), tuple(blocks))


def staffing_table(result: dict, lang: str) -> Table:
    """The scenarios (staff level × model) with the models named in the language."""
    names = {
        model: i18n.t(f"staffing.model_{model.replace('-', '_')}", lang)
        for model in ("simulation", "erlang-c")
    }
    table = staffing.scenario_frame(result["scenarios"]).with_columns(
        model=pl.col("model").replace_strict(names)
    )
    return Table(
        "staffing_scenarios",
        i18n.t("staffing.scenarios", lang),
        table,
        {name: i18n.t(f"staffing.column_{name}", lang) for name in table.columns},
        shares=("utilisation", "p_wait", "p_wait_over_15"),
        decimals={"mean_wait_min": 1, "p95_wait_min": 1},
    )


def capacity_blocks(context: Context) -> list[Block]:
    """How far the page's default staff count stretches (issue 11): the volume it serves
    within the target, the agencies that could be added and the peak month and hour.

    Each chart comes before the sentences that read it, so that a slide carries its own reading.
    """
    found = capacity.capacity(
        context.source,  # type: ignore[arg-type]
        context.staffing_question,
        capacity.DEFAULT_STAFF,
    )
    if not found.has_load:
        return []
    lang = context.lang
    names = capacity_report.agency_names_from(context.query_plain("agencies"))
    blocks: list[Block] = [
        Heading(_t(context, "capacity.title")),
        Chart("capacity_factor", capacity_report.factor_chart(found, lang)),
        Text(capacity_report.factor_sentence(found, lang)),
        *(Text(sentence) for sentence in capacity_report.peak_sentences(found, lang)),
    ]
    if len(found.steps) > 1:
        blocks += [
            Chart("capacity_agencies", capacity_report.agencies_chart(found, names, lang)),
            Text(capacity_report.agencies_sentence(found, names, lang)),
        ]
    added = tuple(step.agency_id for step in found.steps if step.agency_id is not None)
    breadth = capacity.breadth_steps(
        context.source,  # type: ignore[arg-type]
        context.staffing_question,
        added,
    )
    table = capacity_report.steps_table(found, breadth, names, lang)
    blocks.append(
        Table(
            "capacity_agencies_table",
            _t(context, "capacity.table_title"),
            table,
            {name: _t(context, capacity_report.COLUMN_KEYS[name]) for name in table.columns},
            shares=("within", "busy"),
            decimals=CAPACITY_DECIMALS,
        )
    )
    return blocks


# The capacity table's figures as the page writes them.
CAPACITY_DECIMALS = {
    "own_minutes": 0,
    "citizens_per_day": 1,
    "own_procedures": 1,
    "own_fields": 1,
    "procedures": 1,
    "fields": 1,
}


def staffing_section(context: Context) -> Section | None:
    """Waits and utilisation by staff level (both models), the scenario table, and how far
    one staffer stretches."""
    result = context.staffing_answer
    if not result["has_load"]:
        return None
    lang = context.lang
    wait_chart, busy_chart = staffing.staffing_charts(
        result["scenarios"], staffing.ServiceTarget(), lang
    )
    blocks = (
        Text(result["answer"]),
        Chart("staffing_wait", wait_chart),
        Chart("staffing_utilisation", busy_chart),
        Heading(_t(context, "staffing.scenarios")),
        staffing_table(result, lang),
        *capacity_blocks(context),
        Heading(_t(context, "staffing.breadth")),
        Text(result["breadth"]["sentence"]),
    )
    return Section("staffing", _t(context, "staffing.page_title"), blocks)


def evaluation_table(evaluation: compare.Evaluation, lang: str) -> Table:
    """The comparison: each measure before and during, pilot and others, the DiD and its
    interval, written the language's way (+7,8 điểm %)."""
    rows = [output.row_texts(comparison, lang) for comparison in evaluation.measures]
    frame = pl.DataFrame(
        rows, schema={column: pl.String for column in output.COLUMNS}, orient="row"
    )
    return Table(
        "pilot_evaluation",
        i18n.t("evaluation.summary_heading", lang),
        frame,
        {column: i18n.t(f"evaluation.col_{column}", lang) for column in output.COLUMNS},
    )


def evaluation_section(context: Context) -> Section | None:
    """The pilot evaluation, when a pilot is stored and the data allow it: the comparison table,
    then each measure's monthly lines per group (the pilot start marked) with its reading.

    Without a pilot, or when the periods cannot be compared or a group has no data, there is no
    section: the meeting pack then simply has no evaluation (never an empty slide).
    """
    pilot = compare.load_pilot(context.source)  # type: ignore[arg-type]
    if pilot is None:
        return None
    before = context.evaluation_before or (None, None)
    try:
        evaluation = compare.evaluate(context.source, pilot, *before)  # type: ignore[arg-type]
    except compare.PeriodError:
        return None
    if evaluation.missing or not evaluation.measures:
        return None
    lang = context.lang
    blocks: list[Block] = [
        Text(readings.design_sentence(evaluation, lang)),
        evaluation_table(evaluation, lang),
        Text(readings.method_sentence(evaluation, lang)),
        Heading(_t(context, "evaluation.monthly_heading")),
    ]
    for comparison in evaluation.measures:
        spec = monthly_chart(evaluation, comparison.measure, lang)
        if not spec.data["value"].is_not_null().any():
            continue  # the page draws no empty chart either
        blocks += [
            Chart(f"evaluation_{comparison.measure}", spec),
            Text(readings.reading(comparison, lang)),
        ]
        note = readings.caution(comparison, lang) or readings.pre_trend_note(comparison, lang)
        if note:
            blocks.append(Text(note))
    return Section("evaluation", _t(context, "evaluation.page_title"), tuple(blocks))


def indicators_table(context: Context) -> Table:
    """The Decision 766 indicators the data gives: value and points, as the report page shows."""
    procedures = context.source.query(
        "index766_by_procedure", index766.query_params(context.filter)
    )
    results = index766.evaluate(index766.total_counts(context.form06.rows, procedures))
    lang = context.lang
    frame = pl.DataFrame(
        {
            "indicator": [
                _t(context, f"index766.name_{result.indicator.key}") for result in results
            ],
            "value": [index766.format_value(result, lang) for result in results],
            "points": [index766.format_points(result, lang) for result in results],
        }
    )
    labels = {
        "indicator": _t(context, "deck.indicator"),
        "value": _t(context, "deck.indicator_value"),
        "points": _t(context, "deck.indicator_points"),
    }
    return Table("index766_indicators", _t(context, "index766.heading"), frame, labels)


def report_section(context: Context) -> Section | None:
    """Biểu 06 in its official layout, and the Decision 766 indicators."""
    if context.form06.rows.height == 0:
        return None
    blocks = (
        Heading(_t(context, "report.form_heading")),
        Form06Table(context.form06),
        Heading(_t(context, "index766.heading")),
        indicators_table(context),
    )
    return Section("report", _t(context, "report.page_title"), blocks)


register("overview", "page.overview", overview_section)
register("throughput", "page.throughput", throughput_section)
register("timeliness", "timeliness.page_title", timeliness_section)
register("agency_load", "agency_load.page_title", agency_load_section)
register("staffing", "staffing.page_title", staffing_section)
register("evaluation", "evaluation.page_title", evaluation_section)
register("report", "report.page_title", report_section)
