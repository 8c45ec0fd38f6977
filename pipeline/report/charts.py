"""Native Excel charts for a sheet (openpyxl ``LineChart``): the data stay in the cells, the
chart refers to them, so the planner can restyle or copy it in Excel."""

from __future__ import annotations

from dataclasses import dataclass

from openpyxl.chart import LineChart, Reference
from openpyxl.chart.series import SeriesLabel
from openpyxl.utils import get_column_letter


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
        ws.add_chart(chart, f"{get_column_letter(len(columns) + 2)}{header_row}")
