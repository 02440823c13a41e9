"""The meeting deck: a 16:9 PowerPoint file of native, editable charts built from ChartSpecs.

Slides: a title slide (centre, period, filters, data date, the demo mark), the staffing verdict,
the headline figures, one slide per chart of every section, tables (Biểu 06 split across slides
when long). Charts are PowerPoint charts holding the real series values (bar, column, stacked,
line, area, pie), so people can restyle them or read the numbers in PowerPoint's data sheet;
only a heatmap, which PowerPoint lacks, becomes a picture (Kaleido). Without Chromium the
heatmap's slide holds its figures as a coloured table and the result names what was left out.
Every slide carries the same footer: period, filters and source.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from pptx import Presentation
from pptx.chart.data import CategoryChartData, XyChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LABEL_POSITION, XL_LEGEND_POSITION
from pptx.enum.dml import MSO_LINE
from pptx.enum.lang import MSO_LANGUAGE_ID
from pptx.enum.shapes import MSO_CONNECTOR
from pptx.enum.text import MSO_ANCHOR, PP_ALIGN
from pptx.oxml.ns import qn
from pptx.util import Emu, Inches, Pt

from onestop.core import charts
from onestop.core.chart_table import (
    ChartSeries,
    Series,
    category_keys,
    chart_frame,
    chart_series,
)
from onestop.core.charts import ChartSpec
from onestop.meeting import images, sections
from onestop.meeting.content import ReportContent
from onestop.meeting.sections import Chart, Figures, Form06Table, Section, Table
from onestop.reports.form06 import FORM06_COUNTS, FORM06_GROUPS, display_rows

SLIDE_WIDTH, SLIDE_HEIGHT = Inches(13.333), Inches(7.5)
MARGIN = Inches(0.5)
CONTENT_WIDTH = SLIDE_WIDTH - 2 * MARGIN
KICKER_TOP, TITLE_TOP, BODY_TOP = Inches(0.25), Inches(0.55), Inches(1.55)
CAPTION_TOP, FOOTER_TOP = Inches(6.35), Inches(6.95)
CAPTION_CHARS_PER_LINE = 125  # of 13 pt Arial across the content width (a safe estimate)
BODY_HEIGHT = CAPTION_TOP - BODY_TOP
FONT = "Arial"  # has every Vietnamese glyph, and every PowerPoint and LibreOffice has it or a twin
INK, MUTED, ACCENT = (
    RGBColor(0x1B, 0x2A, 0x3A),
    RGBColor(0x5A, 0x67, 0x75),
    RGBColor(0x00, 0x72, 0xB2),
)
HEADER_FILL, STRIPE_FILL = RGBColor(0xE8, 0xEF, 0xF7), RGBColor(0xF7, 0xF9, 0xFC)
DEMO_FILL = RGBColor(0xFF, 0xE8, 0xC7)
FOOTER_NAME, NUMBER_NAME = "onestop-footer", "onestop-slide-number"
TABLE_ROWS_PER_SLIDE = 12  # rows of 14 pt text that fit between the title and the caption
FORM06_ROWS_PER_SLIDE = 11  # below the form's three header rows
HEATMAP_PIXELS = (1200, 560)

# Number formats of axes and labels; the `[$-42A]` prefix asks for Vietnamese separators
# (1.700; 98,2%) where the viewer honours it, as LibreOffice does.
_FORMATS = {
    "vi": {"count": "[$-42A]#,##0", "share": "[$-42A]0%", "decimal": "[$-42A]#,##0.0"},
    "en": {"count": "#,##0", "share": "0%", "decimal": "#,##0.0"},
}
_LABEL_FORMATS = {
    "vi": {"count": "[$-42A]#,##0", "share": "[$-42A]0.0%", "decimal": "[$-42A]#,##0.0"},
    "en": {"count": "#,##0", "share": "0.0%", "decimal": "#,##0.0"},
}


@dataclass
class DeckResult:
    """The deck's bytes, how many slides it has, and the images it could not draw."""

    data: bytes
    slides: int
    images_left_out: list[str] = field(default_factory=list)


class _Deck:
    def __init__(self, content: ReportContent) -> None:
        self.content = content
        self.lang = content.lang
        self.prs = Presentation()
        self.prs.slide_width, self.prs.slide_height = SLIDE_WIDTH, SLIDE_HEIGHT
        self.layout = self.prs.slide_layouts[5]  # "Title Only": titles show in the outline
        self.left_out: list[str] = []
        self.language = (
            MSO_LANGUAGE_ID.VIETNAMESE if self.lang == "vi" else MSO_LANGUAGE_ID.ENGLISH_US
        )

    # --- text ------------------------------------------------------------------------------

    def text_box(
        self,
        slide,
        text: str,
        left: Emu,
        top: Emu,
        width: Emu,
        height: Emu,
        size: int,
        *,
        bold: bool = False,
        colour: RGBColor = INK,
        align: PP_ALIGN = PP_ALIGN.LEFT,
        name: str | None = None,
        anchor: MSO_ANCHOR = MSO_ANCHOR.TOP,
    ):
        box = slide.shapes.add_textbox(left, top, width, height)
        if name:
            box.name = name
        frame = box.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = anchor
        for index, line in enumerate(text.split("\n")):
            paragraph = frame.paragraphs[0] if index == 0 else frame.add_paragraph()
            paragraph.alignment = align
            self.style_run(paragraph.add_run(), line, size, bold=bold, colour=colour)
        return box

    def style_run(self, run, text: str, size: int, *, bold=False, colour=INK) -> None:
        run.text = text
        run.font.size, run.font.bold, run.font.name = Pt(size), bold, FONT
        run.font.color.rgb = colour
        run.font.language_id = self.language

    def new_slide(self, title: str, kicker: str = ""):
        slide = self.prs.slides.add_slide(self.layout)
        holder = slide.shapes.title
        holder.left, holder.top, holder.width, holder.height = (
            MARGIN,
            TITLE_TOP,
            CONTENT_WIDTH,
            BODY_TOP - TITLE_TOP - Inches(0.05),
        )
        frame = holder.text_frame
        frame.word_wrap = True
        frame.vertical_anchor = MSO_ANCHOR.TOP
        paragraph = frame.paragraphs[0]
        paragraph.alignment = PP_ALIGN.LEFT
        self.style_run(paragraph.add_run(), title, 26 if len(title) < 90 else 22, bold=True)
        if kicker:
            self.text_box(
                slide,
                kicker,
                MARGIN,
                KICKER_TOP,
                CONTENT_WIDTH,
                Inches(0.3),
                13,
                colour=ACCENT,
                bold=True,
            )
        return slide

    def captions(self, slide, texts: list[str]) -> None:
        """The sentences that read a slide, one paragraph each, in one box above the footer.

        The box grows upwards with its text; a chart or picture above it gives up the room
        (a table's rows already fit the body), so nothing is printed over anything else.
        """
        if not texts:
            return
        lines = sum(max(1, -(-len(text) // CAPTION_CHARS_PER_LINE)) for text in texts)
        size = 13 if lines <= 4 else 11
        height = Emu(int(Inches(0.1) + lines * Pt(size * 1.25)))
        top = Emu(max(FOOTER_TOP - height, BODY_TOP + Inches(2.0)))
        room = top - Inches(0.05)
        for shape in slide.shapes:
            drawn = shape.has_chart or shape.shape_type == 13  # 13: a picture
            if drawn and shape.top + shape.height > room:
                shape.height = Emu(max(room - shape.top, Inches(2.0)))
            elif shape.has_table and shape.top + shape.height > room - Inches(0.6):
                # Rows of a table give up height (a heading row grows with its text anyway:
                # keep it its share and more).
                rows = list(shape.table.rows)
                height = Emu(max(int((room - shape.top) / (len(rows) + 2)), Inches(0.3)))
                for row in rows:
                    row.height = height
                shape.height = Emu(height * len(rows))
        self.text_box(
            slide,
            "\n".join(texts),
            MARGIN,
            top,
            CONTENT_WIDTH,
            FOOTER_TOP - top,
            size,
            colour=MUTED,
        )
        notes = slide.notes_slide.notes_text_frame
        notes.text = "\n".join([notes.text, *texts]).strip()

    # --- slides ----------------------------------------------------------------------------

    def title_slide(self) -> None:
        content = self.content
        slide = self.new_slide(content.title)
        holder = slide.shapes.title
        holder.top, holder.height = Inches(1.3), Inches(1.4)
        lines = [content.centre] + ([content.pilot] if content.pilot else [])
        self.text_box(
            slide,
            "\n".join(lines),
            MARGIN,
            Inches(0.45),
            CONTENT_WIDTH,
            Inches(0.8),
            18,
            colour=ACCENT,
            bold=True,
        )
        facts = [f"{label}: {value}" for label, value in content.filters]
        facts.append(content.text("deck.data_date", date=content.data_date))
        facts.append(content.text("deck.made_on", date=_date(content.made_on, self.lang)))
        self.text_box(slide, "\n".join(facts), MARGIN, Inches(2.9), CONTENT_WIDTH, Inches(2.4), 20)
        if content.is_demo:
            box = self.text_box(
                slide,
                f"{content.text('app.demo_badge')}\n{content.text('deck.demo_note')}",
                MARGIN,
                Inches(5.4),
                CONTENT_WIDTH,
                Inches(0.9),
                16,
                bold=False,
                colour=RGBColor(0x7A, 0x3E, 0x00),
            )
            box.name = "onestop-demo-mark"
            box.fill.solid()
            box.fill.fore_color.rgb = DEMO_FILL
            box.text_frame.paragraphs[0].runs[0].font.bold = True

    def verdict_slide(self) -> None:
        verdict = self.content.verdict
        if verdict is None:
            return
        slide = self.new_slide(self.content.text("deck.verdict_heading"))
        colour = {True: RGBColor(0x0B, 0x6E, 0x4F), False: RGBColor(0xA3, 0x3B, 0x00)}.get(
            verdict.enough, INK
        )
        self.text_box(
            slide,
            verdict.text,
            MARGIN,
            BODY_TOP,
            CONTENT_WIDTH,
            Inches(2.2),
            30,
            bold=True,
            colour=colour,
        )
        if verdict.details:
            self.text_box(
                slide,
                "\n".join(verdict.details),
                MARGIN,
                Inches(4.0),
                CONTENT_WIDTH,
                Inches(2.2),
                18,
                colour=MUTED,
            )

    def figures_slide(self, figures: Figures, kicker: str) -> object:
        slide = self.new_slide(self.content.text("deck.figures_heading"), kicker)
        columns, gap = 4, Inches(0.2)
        width = (CONTENT_WIDTH - gap * (columns - 1)) // columns
        height = Inches(1.95)
        for index, figure in enumerate(figures.items):
            row, column = divmod(index, columns)
            left = MARGIN + column * (width + gap)
            top = BODY_TOP + row * (height + gap)
            card = slide.shapes.add_shape(1, left, top, width, height)  # 1: rectangle
            card.name = f"onestop-figure-{figure.key}"
            card.fill.solid()
            card.fill.fore_color.rgb = STRIPE_FILL
            card.line.color.rgb = HEADER_FILL
            frame = card.text_frame
            frame.word_wrap = True
            frame.vertical_anchor = MSO_ANCHOR.MIDDLE
            label = frame.paragraphs[0]
            self.style_run(label.add_run(), figure.label, 15, colour=MUTED)
            value = frame.add_paragraph()
            self.style_run(value.add_run(), figure.value, 40, bold=True)
            if figure.delta:
                delta = frame.add_paragraph()
                self.style_run(delta.add_run(), figure.delta, 14, colour=MUTED)
            for paragraph in frame.paragraphs:
                paragraph.alignment = PP_ALIGN.CENTER
        return slide

    def chart_slides(self, chart: Chart, kicker: str) -> list:
        """One slide per chart; a horizontal bar chart of more categories than a slide can name
        (thirty-odd fields) continues on the next slides, its bars in the same order."""
        spec = chart.spec
        if spec.kind == "heatmap":
            slide = self.new_slide(spec.title, kicker)
            self.heatmap(slide, chart)
            return [slide]
        drawn = chart_series(spec, self.lang)
        parts = [drawn]
        if spec.horizontal and len(drawn.categories) > LABELLED_CATEGORIES:
            parts = [
                _categories_part(drawn, indices)
                for indices in _chunks(list(range(len(drawn.categories))), LABELLED_CATEGORIES)
            ]
        slides = []
        for page, part in enumerate(parts, start=1):
            title = spec.title
            if len(parts) > 1:
                title = self.content.text(
                    "deck.continued", title=spec.title, page=page, pages=len(parts)
                )
            slide = self.new_slide(title, kicker)
            self.native_chart(slide, spec, part)
            slides.append(slide)
        return slides

    def native_chart(self, slide, spec: ChartSpec, drawn: ChartSeries) -> None:
        scatter = _numeric_lines(spec)
        if scatter:
            data = _xy_data(spec, drawn, _FORMATS[self.lang][spec.value_format])
        else:
            data = CategoryChartData(number_format=_FORMATS[self.lang][spec.value_format])
            data.categories = drawn.categories
            for series in drawn.series:
                data.add_series(series.name, series.values)
        chart_type = XL_CHART_TYPE.XY_SCATTER_LINES if scatter else _chart_type(spec)
        frame = slide.shapes.add_chart(
            chart_type, MARGIN, BODY_TOP, CONTENT_WIDTH, BODY_HEIGHT, data
        )
        frame.name = f"onestop-chart-{spec.kind}"
        chart = frame.chart
        chart.font.size, chart.font.name = Pt(14), FONT
        if spec.x_marker is not None and not scatter:
            pin_plot_area(chart, PLOT_BOX)
        chart.has_title = False  # the slide's title states the finding
        count = len(drawn.categories)
        tick_size = 13 if count <= 10 else 11 if count <= 16 else 9 if count <= 24 else 7
        chart.has_legend = len(drawn.series) > 1 or spec.kind == "pie"
        if chart.has_legend:
            chart.legend.position = XL_LEGEND_POSITION.TOP
            chart.legend.include_in_layout = False
        plot = chart.plots[0]
        for index, series in enumerate(drawn.series):
            colour = _colour(spec, series.key, index)
            shape = plot.series[index]
            if spec.kind in ("line",):
                shape.format.line.color.rgb = colour
                shape.format.line.width = Pt(2.75)
                shape.smooth = False
                shape.marker.format.fill.solid()
                shape.marker.format.fill.fore_color.rgb = colour
            elif spec.kind == "pie":
                for point_index in range(len(series.values)):
                    point = shape.points[point_index]
                    point.format.fill.solid()
                    point.format.fill.fore_color.rgb = _colour(
                        spec, _category_key(spec, point_index), point_index
                    )
            else:
                shape.format.fill.solid()
                shape.format.fill.fore_color.rgb = colour
        if spec.kind in ("bar", "stacked_bar", "histogram"):
            plot.gap_width = 10 if spec.kind == "histogram" else 60
            if spec.kind == "stacked_bar":
                plot.overlap = 100
        # Past LABELLED_CATEGORIES the bars are thinner than a label: the numbers would overprint
        # each other (the fields' shares, 30-odd bars), so the axis carries the values alone.
        if (spec.show_values and count <= LABELLED_CATEGORIES) or spec.kind == "pie":
            plot.has_data_labels = True
            labels = plot.data_labels
            labels.number_format = _LABEL_FORMATS[self.lang][spec.value_format]
            labels.number_format_is_linked = False
            labels.font.size = Pt(min(12, tick_size))
            if spec.kind == "pie":
                labels.show_percentage = spec.value_format != "share"
                labels.position = XL_LABEL_POSITION.OUTSIDE_END
            elif spec.kind == "stacked_bar":
                labels.position = XL_LABEL_POSITION.CENTER
                _hide_small_labels(plot, drawn)
            else:
                labels.position = XL_LABEL_POSITION.OUTSIDE_END
        if spec.kind == "pie":
            return
        category_axis, value_axis = chart.category_axis, chart.value_axis
        category_axis.tick_labels.font.size = Pt(tick_size)
        if scatter:
            # The x axis is a scale (a volume factor), numbered the language's way.
            category_axis.tick_labels.number_format = _FORMATS[self.lang]["decimal"]
            category_axis.tick_labels.number_format_is_linked = False
            category_axis.has_major_gridlines = False
        value_axis.tick_labels.font.size = Pt(13)
        value_axis.tick_labels.number_format = _FORMATS[self.lang][spec.value_format]
        value_axis.tick_labels.number_format_is_linked = False
        value_axis.has_major_gridlines = True
        value_axis.major_gridlines.format.line.color.rgb = RGBColor(0xDD, 0xE3, 0xEA)
        if spec.kind == "stacked_bar" and spec.value_format == "share":
            value_axis.minimum_scale, value_axis.maximum_scale = 0.0, 1.0
        if spec.horizontal:
            # PowerPoint draws the first category at the bottom; the screen has it on top.
            category_axis.reverse_order = True
        for axis, label in ((category_axis, spec.x_label), (value_axis, spec.y_label)):
            axis.has_title = True
            title_frame = axis.axis_title.text_frame
            title_frame.text = label
            run = title_frame.paragraphs[0].runs[0]
            run.font.size, run.font.bold, run.font.name = Pt(13), False, FONT
            run.font.color.rgb = MUTED

    def heatmap(self, slide, chart: Chart) -> None:
        spec = chart.spec
        figure = charts.to_plotly(spec, self.lang)
        # The slide's own title states the finding; the picture needs none.
        figure.update_layout(title=None, margin={"t": 20, "l": 10, "r": 10, "b": 10})
        try:
            image = images.png(figure, *HEATMAP_PIXELS)
        except images.ImageUnavailable:
            self.left_out.append(spec.title)
            self.text_box(
                slide,
                self.content.text("deck.image_missing"),
                MARGIN,
                BODY_TOP,
                CONTENT_WIDTH,
                Inches(0.45),
                14,
                colour=RGBColor(0xA3, 0x3B, 0x00),
            )
            self.grid_table(slide, spec)
            return
        width = CONTENT_WIDTH
        height = int(width * HEATMAP_PIXELS[1] / HEATMAP_PIXELS[0])
        if height > BODY_HEIGHT:
            height = BODY_HEIGHT
            width = int(height * HEATMAP_PIXELS[0] / HEATMAP_PIXELS[1])
        picture = slide.shapes.add_picture(io.BytesIO(image), MARGIN, BODY_TOP, width, height)
        picture.name = "onestop-heatmap"
        picture._element.nvPicPr.cNvPr.set("descr", spec.title)  # alt text for screen readers

    def grid_table(self, slide, spec: ChartSpec) -> None:
        """The heatmap's figures as a table whose cells are shaded by value."""
        frame = chart_frame(spec, self.lang)
        top = BODY_TOP + Inches(0.5)
        rows = [list(frame.columns)] + [
            [str(row[0]), *(_short(value, self.lang) for value in row[1:])]
            for row in frame.iter_rows()
        ]
        table = self.add_table(slide, rows, top, CAPTION_TOP - top, first_width=1.6)
        values = [value for row in frame.iter_rows() for value in row[1:] if value is not None]
        largest = max(values) if values else 0
        for row_index, row in enumerate(frame.iter_rows(), start=1):
            for column_index, value in enumerate(row[1:], start=1):
                share = (value or 0) / largest if largest else 0
                cell = table.cell(row_index, column_index)
                cell.fill.solid()
                cell.fill.fore_color.rgb = _blue(share)
                if share > 0.6:
                    cell.text_frame.paragraphs[0].runs[0].font.color.rgb = RGBColor(255, 255, 255)

    def add_table(
        self,
        slide,
        rows: list[list[str]],
        top: Emu,
        height: Emu,
        *,
        first_width: float | None = None,
        widths: list[int] | None = None,
        size: int = 14,
        header_rows: int = 1,
    ):
        count_rows, count_columns = len(rows), len(rows[0])
        row_height = min(Inches(0.42), int(height / max(count_rows, 1)))
        shape = slide.shapes.add_table(
            count_rows, count_columns, MARGIN, top, CONTENT_WIDTH, row_height * count_rows
        )
        shape.name = "onestop-table"
        table = shape.table
        widths = widths or _column_widths(rows, first_width)
        for index, width in enumerate(widths):
            table.columns[index].width = width
        for row_index, row in enumerate(rows):
            table.rows[row_index].height = row_height
            for column_index, text in enumerate(row):
                cell = table.cell(row_index, column_index)
                cell.margin_left = cell.margin_right = Inches(0.06)
                cell.margin_top = cell.margin_bottom = Inches(0.02)
                cell.vertical_anchor = MSO_ANCHOR.MIDDLE
                paragraph = cell.text_frame.paragraphs[0]
                header = row_index < header_rows
                numeric = column_index > 0 and _looks_numeric(text)
                paragraph.alignment = (
                    PP_ALIGN.CENTER if header else PP_ALIGN.RIGHT if numeric else PP_ALIGN.LEFT
                )
                self.style_run(paragraph.add_run(), text, size, bold=header)
                cell.fill.solid()
                cell.fill.fore_color.rgb = (
                    HEADER_FILL
                    if header
                    else STRIPE_FILL
                    if row_index % 2
                    else RGBColor(255, 255, 255)
                )
        return table

    def table_slides(self, block: Table, kicker: str) -> list:
        rows = block.text_rows(self.lang)
        header = block.headers()
        chunks = _chunks(rows, TABLE_ROWS_PER_SLIDE) or [[]]
        slides = []
        for page, chunk in enumerate(chunks, start=1):
            title = block.title
            if len(chunks) > 1:
                title = self.content.text(
                    "deck.continued", title=block.title, page=page, pages=len(chunks)
                )
            slide = self.new_slide(title, kicker)
            if chunk:
                rows = [header, *chunk]
                self.add_table(slide, rows, BODY_TOP, BODY_HEIGHT, size=_table_size(rows))
            slides.append(slide)
        return slides

    def form06_slides(self, block: Form06Table, kicker: str) -> list:
        content, form = self.content, block.form
        lines = display_rows(form, content.text("report.grand_total"))
        chunks = _chunks(lines, FORM06_ROWS_PER_SLIDE)
        groups = [content.text("report.col_stt"), content.text("report.col_field")]
        names = ["", ""]
        for group_key, columns in FORM06_GROUPS:
            for index, (_, label_key) in enumerate(columns):
                groups.append(content.text(group_key) if index == 0 else "")
                names.append(content.text(label_key))
        numbers = [f"({number})" for number in range(1, len(FORM06_COUNTS) + 3)]
        slides = []
        for page, chunk in enumerate(chunks, start=1):
            title = content.text("report.form_heading")
            if len(chunks) > 1:
                title = content.text("deck.continued", title=title, page=page, pages=len(chunks))
            slide = self.new_slide(title, kicker)
            body = [
                [
                    line.number,
                    line.label,
                    *(_int(line.counts[name], self.lang) for name in FORM06_COUNTS),
                ]
                for line in chunk
            ]
            table = self.add_table(
                slide,
                [groups, names, numbers, *body],
                BODY_TOP,
                BODY_HEIGHT,
                widths=_form06_widths(),
                size=11,
                header_rows=3,
            )
            _merge_form06_header(table)
            for row_index, line in enumerate(chunk, start=3):
                if line.kind != "field":
                    for cell in table.rows[row_index].cells:
                        for run in cell.text_frame.paragraphs[0].runs:
                            run.font.bold = True
                if line.kind == "total":
                    for cell in table.rows[row_index].cells:
                        cell.fill.solid()
                        cell.fill.fore_color.rgb = HEADER_FILL
            slides.append(slide)
        return slides

    def section_slides(self, section: Section) -> None:
        for step in sections.slides(section, self.content.text("report.form_heading")):
            block, kicker = step.block, step.kicker
            if isinstance(block, Figures):
                made = [self.figures_slide(block, kicker)]
            elif isinstance(block, Chart):
                made = self.chart_slides(block, kicker)
            elif isinstance(block, Table):
                made = self.table_slides(block, kicker)
            else:
                made = self.form06_slides(block, kicker)
            self.captions(made[-1], list(step.captions))
            if isinstance(block, Chart) and block.spec.x_marker is not None:
                self.marker_line(made[-1], block.spec)

    def marker_line(self, slide, spec: ChartSpec) -> None:
        """The spec's vertical marker (the pilot start) as a dashed line across the plot, with
        its label, at the category it marks (the plot area is pinned where the line is drawn)."""
        frame = next(shape for shape in slide.shapes if shape.has_chart)
        keys = category_keys(spec)
        value, label = spec.x_marker  # type: ignore[misc]
        later = [index for index, key in enumerate(keys) if key >= value]
        if not keys or not later:
            return
        index = later[0]
        # On the category's own slot centre, or between two slots when it falls between.
        slot = index + 0.5 if keys[index] == value else index
        x, y, w, h = PLOT_BOX
        left = Emu(int(frame.left + frame.width * (x + w * slot / len(keys))))
        top = Emu(int(frame.top + frame.height * y))
        bottom = Emu(int(frame.top + frame.height * (y + h)))
        line = slide.shapes.add_connector(MSO_CONNECTOR.STRAIGHT, left, top, left, bottom)
        line.name = MARKER_NAME
        line.line.color.rgb = MUTED
        line.line.width = Pt(1.75)
        line.line.dash_style = MSO_LINE.DASH
        self.text_box(
            slide,
            label,
            Emu(left + Inches(0.06)),
            Emu(top - Inches(0.02)),
            Inches(3.2),
            Inches(0.3),
            12,
            bold=True,
            colour=MUTED,
            name=f"{MARKER_NAME}-label",
        )

    def footers(self) -> None:
        total = len(self.prs.slides)
        for number, slide in enumerate(self.prs.slides, start=1):
            self.text_box(
                slide,
                self.content.footer,
                MARGIN,
                FOOTER_TOP,
                CONTENT_WIDTH - Inches(1.0),
                Inches(0.4),
                10,
                colour=MUTED,
                name=FOOTER_NAME,
                anchor=MSO_ANCHOR.MIDDLE,
            )
            self.text_box(
                slide,
                self.content.text("deck.slide_number", number=number, total=total),
                SLIDE_WIDTH - MARGIN - Inches(1.0),
                FOOTER_TOP,
                Inches(1.0),
                Inches(0.4),
                10,
                colour=MUTED,
                align=PP_ALIGN.RIGHT,
                name=NUMBER_NAME,
                anchor=MSO_ANCHOR.MIDDLE,
            )

    def build(self) -> DeckResult:
        self.title_slide()
        self.verdict_slide()
        for section in self.content.sections:
            self.section_slides(section)
        self.footers()
        properties = self.prs.core_properties
        properties.title = self.content.title
        properties.subject = self.content.footer
        properties.language = "vi-VN" if self.lang == "vi" else "en-US"
        buffer = io.BytesIO()
        self.prs.save(buffer)
        return DeckResult(buffer.getvalue(), len(self.prs.slides), self.left_out)


def build_deck(content: ReportContent) -> DeckResult:
    """The deck for a report's content; `images_left_out` names the charts drawn as tables."""
    return _Deck(content).build()


# --- helpers ---------------------------------------------------------------------------------


def _chunks(items: list, size: int) -> list[list]:
    """Items in pages of at most `size`, as even as possible (no page of one lonely row)."""
    if not items:
        return []
    pages = -(-len(items) // size)
    even = -(-len(items) // pages)
    return [items[start : start + even] for start in range(0, len(items), even)]


# The most categories a bar chart labels with its values (see native_chart).
LABELLED_CATEGORIES = 24

# A stacked segment narrower than this share of its bar has no room for its label (the screen
# hides such labels too: Plotly's uniformtext "hide").
SMALL_SEGMENT = 0.05


def _categories_part(drawn: ChartSeries, indices: list[int]) -> ChartSeries:
    """Some of a chart's categories, with every series' values for them."""
    return ChartSeries(
        drawn.category_label,
        [drawn.categories[index] for index in indices],
        [
            Series(series.key, series.name, [series.values[index] for index in indices])
            for series in drawn.series
        ],
    )


# The plot's inner rectangle on a chart with a marker, as fractions of the chart's frame (x, y,
# width, height): room above for the legend, below for slanted month labels and the axis title.
PLOT_BOX = (0.08, 0.1, 0.9, 0.62)
MARKER_NAME = "onestop-marker"


def pin_plot_area(chart, box: tuple[float, float, float, float]) -> None:
    """Fix where the plot's inner rectangle sits (`<c:plotArea><c:layout><c:manualLayout>`), so
    a line drawn over the chart meets the category it marks.

    python-pptx has no call for a plot area's layout: the second use of its internals, checked
    by tests/test_deck_evaluation.py::test_the_pilot_start_is_a_dashed_line_on_its_month.
    """
    plot_area = chart._chartSpace.chart.plotArea
    layout = plot_area.find(qn("c:layout"))
    if layout is None:
        layout = plot_area.makeelement(qn("c:layout"), {})
        plot_area.insert(0, layout)  # the schema puts the layout first
    for child in list(layout):
        layout.remove(child)
    manual = layout.makeelement(qn("c:manualLayout"), {})
    layout.append(manual)
    x, y, w, h = box
    for tag, value in (
        ("layoutTarget", "inner"),
        ("xMode", "edge"),
        ("yMode", "edge"),
        ("x", x),
        ("y", y),
        ("w", w),
        ("h", h),
    ):
        manual.append(manual.makeelement(qn(f"c:{tag}"), {"val": str(value)}))


def delete_label(point) -> None:
    """Remove one point's data label (`<c:dLbl><c:idx/><c:delete val="1"/></c:dLbl>`).

    python-pptx has no public call for it and a blank custom label is not enough: LibreOffice
    then shows the value anyway. This is the one use of python-pptx internals, checked by
    tests/test_deck.py::test_small_stacked_segments_have_no_label.
    """
    label = point.data_label._get_or_add_dLbl()
    for child in list(label)[1:]:  # keep c:idx, the point's number
        label.remove(child)
    label.append(label.makeelement(qn("c:delete"), {"val": "1"}))


def _hide_small_labels(plot, drawn) -> None:
    totals = [
        sum(series.values[index] or 0 for series in drawn.series)
        for index in range(len(drawn.categories))
    ]
    for series_index, series in enumerate(drawn.series):
        for index, value in enumerate(series.values):
            if totals[index] and (value or 0) / totals[index] < SMALL_SEGMENT:
                delete_label(plot.series[series_index].points[index])


def _numeric_lines(spec: ChartSpec) -> bool:
    """A line over a numeric scale (volume factors 0.25 … 2.83 … 4): drawn as an XY chart, so
    that the points sit at their distance apart, as on the screen, not at evenly spaced
    categories."""
    dtype = spec.data.schema[spec.x]
    return spec.kind == "line" and dtype.is_float()


def _xy_data(spec: ChartSpec, drawn: ChartSeries, number_format: str) -> XyChartData:
    data = XyChartData(number_format=number_format)
    keys = category_keys(spec)
    for series in drawn.series:
        points = data.add_series(series.name)
        for x, y in zip(keys, series.values, strict=True):
            if y is not None:
                points.add_data_point(float(x), y)
    return data


def _chart_type(spec: ChartSpec):
    if spec.kind == "pie":
        return XL_CHART_TYPE.PIE
    if spec.kind == "line":
        return XL_CHART_TYPE.LINE_MARKERS
    if spec.kind == "area":
        return XL_CHART_TYPE.AREA
    if spec.kind == "stacked_bar":
        return XL_CHART_TYPE.BAR_STACKED if spec.horizontal else XL_CHART_TYPE.COLUMN_STACKED
    return XL_CHART_TYPE.BAR_CLUSTERED if spec.horizontal else XL_CHART_TYPE.COLUMN_CLUSTERED


def _colour(spec: ChartSpec, key: str | None, index: int) -> RGBColor:
    code = spec.colours.get(str(key)) if key is not None else None
    code = code or charts.SERIES_COLOURS[index % len(charts.SERIES_COLOURS)]
    return RGBColor.from_string(code.lstrip("#").upper())


def _category_key(spec: ChartSpec, index: int) -> str:
    return str(spec.data[spec.x].unique(maintain_order=True).to_list()[index])


def _blue(share: float) -> RGBColor:
    """Plotly's "Blues" scale, roughly: white for none, deep blue for the largest cell."""
    low, high = (0xF7, 0xFB, 0xFF), (0x08, 0x30, 0x6B)
    return RGBColor(*(round(a + (b - a) * share) for a, b in zip(low, high, strict=True)))


def _int(value: int, lang: str) -> str:
    from onestop.core import i18n

    return i18n.format_int(value, lang)


def _short(value: float | None, lang: str) -> str:
    from onestop.core import i18n

    if value is None:
        return "—"
    return (
        i18n.format_int(value, lang)
        if float(value).is_integer()
        else i18n.format_decimal(value, lang)
    )


def _date(value, lang: str) -> str:
    from onestop.core import i18n

    return i18n.format_date(value, lang)


def _looks_numeric(text: str) -> bool:
    """A figure, right-aligned: 1.700, 98,2%, —, or a signed change with its unit (+7,8 điểm %,
    −0,8 ngày, 5,7 ngày)."""
    stripped = text.replace(".", "").replace(",", "").replace("%", "").replace("-", "").strip()
    if stripped.isdigit() or text == "—":
        return True
    first = text.lstrip("+−-")
    return bool(first) and first[0].isdigit() and len(text.split()) <= 4


def _column_widths(rows: list[list[str]], first_width: float | None) -> list[int]:
    """Widths proportional to each column's longest text (within limits), filling the slide.

    A column is at least as wide as the longest word of its heading, so that a heading wraps
    between words ("Người dân/ngày"), never inside one ("Ngư ời").
    """
    weights = [max(5, length) for length in _column_lengths(rows)]
    if first_width is not None:
        fixed = Inches(first_width)
        rest = CONTENT_WIDTH - fixed
        total = sum(weights[1:])
        return [fixed, *(int(rest * weight / total) for weight in weights[1:])]
    total = sum(weights)
    return [int(CONTENT_WIDTH * weight / total) for weight in weights]


def _table_size(rows: list[list[str]]) -> int:
    """The text size at which a table's widest rows fit across the slide: 14 pt, smaller for
    tables of many columns (the evaluation's eight, the capacity steps' ten)."""
    widest = sum(_column_lengths(rows))
    # About 110 characters of 14 pt text fit across the content width, with cell margins.
    return 14 if widest <= 90 else 12 if widest <= 110 else 11


def _column_lengths(rows: list[list[str]]) -> list[int]:
    """Each column's room in characters: its longest cell (up to 40, one more for the cell's
    margins), at least its heading's longest word."""
    return [
        max(
            min(max(len(row[index]) for row in rows[1:] or rows), 40) + 1,
            max((len(word) + 1 for word in rows[0][index].split()), default=0),
        )
        for index in range(len(rows[0]))
    ]


def _form06_widths() -> list[int]:
    """STT narrow, the field's name wide, the eleven counts alike."""
    number, label = Inches(0.55), Inches(3.2)
    count = (CONTENT_WIDTH - number - label) // len(FORM06_COUNTS)
    return [number, label, *([count] * len(FORM06_COUNTS))]


def _merge_form06_header(table) -> None:
    """The form's header: STT and Lĩnh vực span two rows, each group spans its columns."""
    table.cell(0, 0).merge(table.cell(1, 0))
    table.cell(0, 1).merge(table.cell(1, 1))
    column = 2
    for _, columns in FORM06_GROUPS:
        table.cell(0, column).merge(table.cell(0, column + len(columns) - 1))
        column += len(columns)
