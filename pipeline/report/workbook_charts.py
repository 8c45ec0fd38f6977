"""The report's charts as native Excel charts (openpyxl), on the sheets they belong to.

The chart data are written into the chart itself (literal values, ``numLit`` /
``strLit``) rather than as references to cells: the sheets keep ``N/A`` for a
missing figure, which Excel would plot as 0, and a chart must show no bar
there.  The workbook stays values-only (no formulas).
"""

from __future__ import annotations

from openpyxl.chart import BarChart
from openpyxl.chart.data_source import AxDataSource, NumData, NumDataSource, NumVal, StrData, StrVal
from openpyxl.chart.label import DataLabelList
from openpyxl.chart.series import Series, SeriesLabel

from pipeline.report.charts import PERCENT, RUPIAH, Chart, below_table

COLORS = ("9DB4D3", "1F4E79", "C55A11")


def _series(name: str, values: list[float | None], fmt: str, color: str) -> Series:
    points = [NumVal(idx=i, v=v) for i, v in enumerate(values) if v is not None]
    series = Series(val=NumDataSource(numLit=NumData(pt=points, ptCount=len(values), formatCode=fmt)),
                    tx=SeriesLabel(v=name))
    series.graphicalProperties.solidFill = color
    series.graphicalProperties.line.solidFill = color
    return series


def native_chart(chart: Chart) -> BarChart:
    fmt = {PERCENT: "0.00", RUPIAH: "#,##0"}.get(chart.unit, "#,##0.##")
    bar = BarChart()
    bar.type = "bar" if chart.horizontal else "col"
    bar.grouping = "clustered"
    bar.title = chart.title
    bar.y_axis.title = chart.axis_title
    bar.y_axis.numFmt = fmt
    bar.y_axis.majorGridlines = None
    bar.x_axis.delete = False
    bar.y_axis.delete = False
    if chart.horizontal:
        bar.x_axis.scaling.orientation = "maxMin"  # first category on top, as in the table
    categories = AxDataSource(strLit=StrData(pt=[StrVal(idx=i, v=c) for i, c in enumerate(chart.categories)],
                                             ptCount=len(chart.categories)))
    for i, (name, values) in enumerate(chart.series):
        series = _series(name, values, fmt, COLORS[i % len(COLORS)])
        series.cat = categories
        bar.series.append(series)
    bar.dataLabels = DataLabelList(showVal=True)
    if len(chart.series) > 1:
        bar.legend.position = "b"
    else:
        bar.legend = None
    bar.width = 18
    bar.height = max(7.5, 0.9 * len(chart.categories) * len(chart.series) + 3) if chart.horizontal else 8.5
    return bar


def add_charts(wb, charts: list[Chart]) -> None:
    """Place each chart below its sheet's table, one below the other: the sheet prints on A4
    landscape with its table at a legible scale and the charts on the pages after it."""
    for chart in charts:
        if chart.sheet not in wb.sheetnames:
            continue
        ws = wb[chart.sheet]
        bar = native_chart(chart)
        ws.add_chart(bar, below_table(ws, bar.height))
