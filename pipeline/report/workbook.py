"""Write the consolidated workbook with openpyxl: values only, formatted for a planner.

Each sheet: title lines (instansi, period), one header row (bold, frozen, with a
filter), one record per row.  Money has thousands separators, percentages are
fractions with a percent format, column widths fit the text.  No formulas:
any text that Excel would take for a formula (``=``, ``+``, ``-``, ``@``) is
written as a string cell, and control characters Excel refuses are removed.
"""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from pipeline.report.sheet import Percent, Rupiah, SheetTable

MONEY_FORMAT = "#,##0"
NUMBER_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
PERCENT_FORMAT = "0.00%"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
DATE_FORMAT = "dd/mm/yyyy"
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_EXCEL_ESCAPE = re.compile(r"_(x[0-9A-Fa-f]{4}_)")
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
MAX_WIDTH = 60
# printed on A4 landscape at one page width: columns adding up to more than this many characters print
# below about 75 % (text under 8 pt); the widest text columns then wrap instead
PRINT_WIDTH = 190
MIN_WRAP_WIDTH = 16
OWN_PRINT_LAYOUT = {"Evaluasi Renja"}  # the E.81 sheet lays itself out as the form (report/renja)


def clean_text(text: str) -> str:
    """Text as Excel will show it: control characters Excel refuses in a cell are
    removed; a carriage return is kept the way Excel stores it (``_x000D_``; the
    XML would turn a raw one into a plain line break), and a literal ``_xHHHH_``
    is escaped so Excel does not decode it."""
    text = _EXCEL_ESCAPE.sub(r"_x005F_\1", _ILLEGAL.sub("", text))
    return text.replace("\r", "_x000D_")


def _put(ws, row: int, col: int, value) -> int:
    """Write one value with its format; returns the width it needs."""
    cell = ws.cell(row=row, column=col)
    if value is None:
        return 0
    if isinstance(value, Percent):
        cell.value = round(float(value) / 100, 10)
        cell.number_format = PERCENT_FORMAT
        return 10
    if isinstance(value, Rupiah):
        cell.value = int(round(float(value)))
        cell.number_format = MONEY_FORMAT
        return len(f"{int(round(float(value))):,}") + 2
    if isinstance(value, bool):
        value = "Ya" if value else "Tidak"
    if isinstance(value, int):
        cell.value = value
        cell.number_format = INTEGER_FORMAT
        return len(f"{value:,}") + 2
    if isinstance(value, float):
        cell.value = value
        cell.number_format = NUMBER_FORMAT
        return len(f"{value:,.2f}") + 2
    if isinstance(value, datetime):
        cell.value = value.replace(tzinfo=None)
        cell.number_format = DATETIME_FORMAT
        return 17
    if isinstance(value, date):
        cell.value = value
        cell.number_format = DATE_FORMAT
        return 12
    text = clean_text(str(value))
    cell.value = text
    cell.data_type = TYPE_STRING  # never a formula, whatever the text starts with
    if text == "N/A":
        cell.alignment = Alignment(horizontal="right")
    longest = max((len(line) for line in text.splitlines()), default=0)
    if longest > MAX_WIDTH:
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    return longest + 2


def _lines(value, width: float) -> int:
    """How many lines a wrapped text needs in a column of ``width`` characters."""
    if not isinstance(value, str):
        return 1
    return sum(max(1, -(-len(line) // max(int(width) - 2, 1))) for line in value.splitlines() or [""])


def _is_text_column(table: SheetTable, index: int) -> bool:
    """A column of text (it can wrap), not of numbers or dates."""
    return any(isinstance(r[index], str) and r[index] != "N/A" for r in table.rows) and not any(
        isinstance(r[index], (int, float, datetime, date)) and not isinstance(r[index], bool) for r in table.rows)


def _fit_print_width(widths: list[float], text: list[bool]) -> list[float]:
    """Narrow the widest text columns (their cells wrap) until the sheet fits :data:`PRINT_WIDTH`
    characters, none below :data:`MIN_WRAP_WIDTH`: printed at one A4 landscape width it stays legible."""
    widths = list(widths)
    while sum(widths) > PRINT_WIDTH:
        candidates = [i for i, w in enumerate(widths) if text[i] and w > MIN_WRAP_WIDTH]
        if not candidates:
            break
        widest = max(candidates, key=lambda i: widths[i])
        widths[widest] = max(MIN_WRAP_WIDTH, widths[widest] - 1)
    return widths


def _sheet(wb: Workbook, table: SheetTable) -> None:
    ws = wb.create_sheet(title=table.name[:31])
    row = 1
    for line in table.title:
        _put(ws, row, 1, line)
        ws.cell(row=row, column=1).font = Font(bold=row == 1, size=12 if row == 1 else 11)
        row += 1
    if table.title:
        row += 1  # one empty line between title block and header
    header_row = row
    widths = [len(c) + 2 for c in table.columns]
    for col, name in enumerate(table.columns, start=1):
        cell = ws.cell(row=header_row, column=col)
        cell.value = clean_text(name)
        cell.data_type = TYPE_STRING
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for record in table.rows:
        row += 1
        for col, value in enumerate(record, start=1):
            widths[col - 1] = max(widths[col - 1], _put(ws, row, col, value))
            fmt = table.formats.get(table.columns[col - 1])
            if fmt and not isinstance(value, str):
                ws.cell(row=row, column=col).number_format = fmt
    final = [table.widths.get(name, min(max(widths[i], 8), MAX_WIDTH)) for i, name in enumerate(table.columns)]
    if table.name not in OWN_PRINT_LAYOUT:
        final = _fit_print_width(final, [_is_text_column(table, i) for i in range(len(final))])
    for col, width in enumerate(final, start=1):
        ws.column_dimensions[get_column_letter(col)].width = width
    # rows whose long texts wrap get the height they need (openpyxl does not measure text)
    for offset, record in enumerate(table.rows, start=1):
        lines = max((_lines(v, final[i]) for i, v in enumerate(record)), default=1)
        if lines > 1:
            ws.row_dimensions[header_row + offset].height = 15 * min(lines, 10)
            for col in range(1, len(record) + 1):
                cell = ws.cell(row=header_row + offset, column=col)
                cell.alignment = Alignment(wrap_text=True, vertical="top",
                                           horizontal=cell.alignment.horizontal)
    for chart in table.charts:
        chart.draw(ws, table.columns, header_row)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    if table.rows:
        ws.auto_filter.ref = f"A{header_row}:{get_column_letter(len(table.columns))}{row}"
    ws.sheet_view.zoomScale = 90
    # printable as the planner would print it: A4 landscape, all columns on one page width
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{header_row}:{header_row}"  # the header row on every printed page
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top = ws.page_margins.bottom = 0.6
    ws.oddFooter.center.text = "&A – halaman &P dari &N"
    ws.print_options.gridLines = False


def write_workbook(tables: list[SheetTable], path: Path, charts: list | None = None) -> None:
    """Write the sheets, in order, to ``path`` (xlsx), with the native ``charts`` on their sheets."""
    wb = Workbook()
    wb.remove(wb.active)
    for table in tables:
        _sheet(wb, table)
    if charts:
        from pipeline.report.workbook_charts import add_charts

        before = {ws.title: list(ws._charts) for ws in wb.worksheets}
        try:
            add_charts(wb, charts)
        except Exception:  # a chart is an extra: it never costs the planner the workbook
            for ws in wb.worksheets:
                ws._charts = before[ws.title]
    wb.properties.creator = "lkjip"
    save_workbook(wb, path)


def save_workbook(wb: Workbook, path: Path) -> None:
    """``wb.save(path)``, built in memory and written in one go: a full disk fails in
    this one write, with no half-closed zip archive left behind to fail again (and
    print a traceback) when it is garbage-collected."""
    buffer = io.BytesIO()
    wb.save(buffer)
    with open(path, "wb") as fh:
        fh.write(buffer.getbuffer())
