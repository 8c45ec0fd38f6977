"""The charts of the report, as data, as PNG (matplotlib, for the document) and as native workbook charts.

:func:`chart_specs` picks the figures from the period's figures
(:class:`~pipeline.domain.figures.AngkaPeriode`), the same values the sheets show, once
per run; the document's pictures and the workbook's charts are drawn from the same specs:

- capaian per sasaran in the period's year (beside sheet ``IKU``);
- per key indicator, target and realisasi over the years (sheet ``Tren IKU``);
- pagu and realisasi anggaran per program (sheet ``Realisasi Anggaran``).

:class:`LineChartSpec` is the other kind: a native line chart over a sheet's own rows (the data
stay in the cells, the chart refers to them), used by the monthly sheets.

matplotlib is imported only when a PNG is drawn (its import is a good part of
the document's cost); it draws with the Agg backend and the DejaVu fonts that
ship with it, so nothing depends on the fonts of the machine.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.series import SeriesLabel

from pipeline.domain.figures import AngkaPeriode
from pipeline.domain.formatting import number_id, percent_excel

DPI = 130
PERCENT = "percent"
RUPIAH = "rupiah"
NUMBER = "number"


@dataclass(frozen=True)
class Chart:
    key: str  # stable id, e.g. "iku-S1"
    sheet: str  # the workbook sheet the native chart is placed on
    title: str
    categories: list[str]
    series: list[tuple[str, list[float | None]]]  # (name, one value per category; None = no value)
    unit: str = NUMBER  # PERCENT (percent points), RUPIAH, NUMBER
    horizontal: bool = False
    reference: float | None = None  # a reference line (100 % capaian)
    axis_title: str = ""
    extra: dict = field(default_factory=dict)


def chart_specs(angka: AngkaPeriode) -> list[Chart]:
    """Every chart of the report, in the order the document shows them (the workbook draws the same)."""
    year = angka.period.year
    charts: list[Chart] = []
    sasaran = [(i, i.di(year)) for i in angka.iku if i.is_sasaran]
    if sasaran:
        charts.append(Chart(
            key="capaian-sasaran", sheet="IKU", title=f"Capaian Indikator Sasaran Tahun {year}",
            categories=[str(i.indikator) + (f" {SEMENTARA}" if _provisional(t) else "") for i, t in sasaran],
            series=[("Capaian", [t.capaian if t else None for _, t in sasaran])],
            unit=PERCENT, horizontal=True, reference=100.0, axis_title="Capaian (%)"))
    for i in angka.iku:
        years = [t for t in i.tahun if t.target is not None or t.realisasi is not None]
        if not years:
            continue
        unit = PERCENT if i.persen else NUMBER
        charts.append(Chart(
            key=f"iku-{i.kode}", sheet="Tren IKU", title=f"Target dan Realisasi {i.indikator}",
            categories=[str(t.tahun) + (f" {SEMENTARA}" if _provisional(t) else "") for t in years],
            series=[("Target", [_number(t.target) for t in years]), ("Realisasi", [_number(t.realisasi) for t in years])],
            unit=unit, axis_title="Persen (%)" if unit == PERCENT else str(i.satuan or "")))
    programs = [b for b in angka.realisasi_anggaran.baris if b.level == "program"]
    if programs:
        charts.append(Chart(
            key="anggaran-program", sheet="Realisasi Anggaran",
            title=f"Pagu dan Realisasi Anggaran per Program Tahun {year}",
            categories=[_program_label(str(b.uraian)) for b in programs],
            series=[("Pagu", [_number(b.pagu) for b in programs]), ("Realisasi", [_number(b.realisasi) for b in programs])],
            unit=RUPIAH, horizontal=True, axis_title="Rupiah"))
    return charts


SEMENTARA = "(sementara)"


def _provisional(t) -> bool:
    """A year's realisasi resting on unfinished data (``IkuTahun.sementara``): its label says so."""
    return t is not None and getattr(t, "sementara", None) is not None and t.realisasi is not None


def _number(value) -> float | None:
    return None if value is None else float(value)


def _program_label(uraian: str) -> str:
    """A program's name without the word Program, in the office's own capitalisation (UMKM stays UMKM)."""
    text = " ".join(uraian.split())
    if text.upper().startswith("PROGRAM "):
        text = text[len("PROGRAM "):]
    return text


# --- PNG -------------------------------------------------------------------------------------------


def _label(value: float, unit: str) -> str:
    if unit == PERCENT:
        return percent_excel(value)  # the document's rounding (as Excel shows it)
    if unit == RUPIAH:
        return _rupiah_short(value)
    return number_id(value, 0 if float(value).is_integer() else 2)


def _rupiah_short(value: float) -> str:
    for size, word in ((1e12, "T"), (1e9, "M"), (1e6, "jt")):
        if abs(value) >= size:
            return f"{number_id(value / size, 2)} {word}"
    return number_id(value, 0)


def axis_limits(chart: Chart) -> tuple[float, float]:
    """The value axis of a chart: from 0, or below the lowest value when one is negative (a negative
    growth or capaian is drawn, not cut off), to above the highest value and the reference line."""
    values = [v for _, series in chart.series for v in series if v is not None]
    top = max([0.0, *values])
    bottom = min([0.0, *values])
    if chart.horizontal:
        high = max(top, chart.reference or 0) * 1.25 or 1
        low = bottom * 1.35 if bottom < 0 else 0  # room for the value labels left of a negative bar
    else:
        high = top * 1.2 or (1 if bottom >= 0 else 0.1 * abs(bottom))
        low = bottom * 1.3 if bottom < 0 else 0
    return low, high


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width)) or text


HORIZONTAL_WIDTH_CM = 24.0  # a bar-per-row chart is drawn wide and low: it fits a landscape page under its text
VERTICAL_WIDTH_CM = 16.0


def render_png(chart: Chart, width_cm: float | None = None) -> bytes:
    """The chart as a PNG (about 150 dpi at ``width_cm``; default: wide for a horizontal chart)."""
    if width_cm is None:
        width_cm = HORIZONTAL_WIDTH_CM if chart.horizontal else VERTICAL_WIDTH_CM
    # the object API with the Agg canvas: no pyplot, no GUI backend, no global state
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FuncFormatter

    n = len(chart.categories)
    k = len(chart.series)
    height_cm = max(6.0, 0.6 * n * k + 3.0) if chart.horizontal else 8.0
    fig = Figure(figsize=(width_cm / 2.54, height_cm / 2.54), dpi=DPI)
    FigureCanvasAgg(fig)
    ax = fig.add_subplot()
    if chart.horizontal:  # fixed margins: the layout engines measure every text and cost more than drawing
        fig.subplots_adjust(left=min(0.3, 5.0 / width_cm), right=0.95, top=1 - 1.2 / height_cm, bottom=1.3 / height_cm)
    else:
        fig.subplots_adjust(left=0.1, right=0.97, top=0.88, bottom=0.16)
    colors = ["#9DB4D3", "#1F4E79", "#C55A11"]
    bar = 0.8 / max(k, 1)
    for i, (name, values) in enumerate(chart.series):
        positions = [j + (i - (k - 1) / 2) * bar for j in range(n)]
        shown = [(p, v) for p, v in zip(positions, values, strict=True) if v is not None]
        if not shown:
            continue
        xs, vs = zip(*shown, strict=True)
        draw = ax.barh if chart.horizontal else ax.bar
        bars = draw(xs, vs, bar * 0.95, label=name, color=colors[i % len(colors)])
        for rect, v in zip(bars, vs, strict=True):
            text = _label(v, chart.unit)
            if chart.horizontal:  # the label beyond the bar's end, on its side of zero
                ax.annotate(text, (v, rect.get_y() + rect.get_height() / 2), xytext=(3 if v >= 0 else -3, 0),
                            textcoords="offset points", va="center", ha="left" if v >= 0 else "right", fontsize=6.5)
            else:
                ax.annotate(text, (rect.get_x() + rect.get_width() / 2, v), xytext=(0, 2 if v >= 0 else -2),
                            textcoords="offset points", ha="center", va="bottom" if v >= 0 else "top", fontsize=6.5)
    missing = [j for j in range(n) if all(values[j] is None for _, values in chart.series)]
    labels = [_wrap(c, 28 if chart.horizontal else 14) for c in chart.categories]
    formatter = FuncFormatter(lambda v, _pos: _label(v, chart.unit))
    if chart.horizontal:
        ax.set_yticks(range(n), labels, fontsize=7)
        ax.invert_yaxis()
        ax.xaxis.set_major_formatter(formatter)
        low, high = axis_limits(chart)
        ax.set_xlim(low, high)
        if low < 0:
            ax.axvline(0, color="#404040", linewidth=0.6)
        if chart.reference is not None:
            ax.axvline(chart.reference, color="#7F7F7F", linestyle="--", linewidth=0.8)
        ax.set_xlabel(chart.axis_title, fontsize=7.5)
    else:
        ax.set_xticks(range(n), labels, fontsize=7.5)
        ax.yaxis.set_major_formatter(formatter)
        low, high = axis_limits(chart)
        ax.set_ylim(low, high)
        if low < 0:
            ax.axhline(0, color="#404040", linewidth=0.6)
        ax.set_ylabel(chart.axis_title, fontsize=7.5)
    for j in missing:
        if chart.horizontal:
            ax.annotate("N/A", (0, j), xytext=(3, 0), textcoords="offset points", va="center", fontsize=6.5)
        else:
            ax.annotate("N/A", (j, 0), xytext=(0, 2), textcoords="offset points", ha="center", fontsize=6.5)
    ax.tick_params(labelsize=7)
    ax.spines[["top", "right"]].set_visible(False)
    ax.set_title(_wrap(chart.title, 80), fontsize=9)
    if k > 1:
        ax.legend(fontsize=7, frameon=False)
    out = io.BytesIO()
    fig.savefig(out, format="png", pil_kwargs={"compress_level": 1})
    return out.getvalue()


# --- native line charts over a table's rows -------------------------------------------------------------

ROW_HEIGHT_CM = 0.53  # a default row (15 pt)


def below_table(ws, height_cm: float) -> str:
    """The anchor of the next chart of a sheet: column A, below the table and below the charts placed
    before it (a chart beside a table is cut off or shrinks the table when the sheet is printed)."""
    import math

    row = getattr(ws, "_lkjip_next_chart_row", None) or ws.max_row + 3
    ws._lkjip_next_chart_row = row + math.ceil(height_cm / ROW_HEIGHT_CM) + 2
    return f"A{row}"


@dataclass
class LineChartSpec:
    """A line chart over rows ``first_row``..``last_row`` (0-based record indexes) of a table:
    one line per column of ``series_columns``, the x axis from ``category_column``."""

    title: str
    category_column: str
    series_columns: list[str]
    first_row: int
    last_row: int
    y_title: str = ""
    x_title: str = ""

    def draw(self, ws, columns: list[str], header_row: int) -> None:
        chart = LineChart()
        chart.title = self.title
        chart.y_axis.title = self.y_title
        chart.x_axis.title = self.x_title
        chart.y_axis.number_format = "#,##0"
        chart.height, chart.width = 9, 22
        # openpyxl >= 3.1 hides axes unless told otherwise
        chart.x_axis.delete = False
        chart.y_axis.delete = False
        top, bottom = header_row + 1 + self.first_row, header_row + 1 + self.last_row
        for name in self.series_columns:
            col = columns.index(name) + 1
            chart.add_data(Reference(ws, min_col=col, min_row=top, max_row=bottom), titles_from_data=False)
            chart.series[-1].tx = SeriesLabel(v=name)
        cat = columns.index(self.category_column) + 1
        chart.set_categories(Reference(ws, min_col=cat, min_row=top, max_row=bottom))
        ws.add_chart(chart, below_table(ws, chart.height))
