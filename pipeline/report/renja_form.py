"""Tabel E.81 as its own workbook, in the layout of the form (Permendagri 86/2017) that goes to
Bappeda: landscape A4, a merged two-row header (the column names over K / Rp) with a row of
column numbers under it, the average and predikat and the factor rows below the table."""

from __future__ import annotations

from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from pipeline.report.renja import E81, e81_columns, footer_lines, row_values
from pipeline.report.sheet import Percent, Rupiah
from pipeline.report.workbook import MONEY_FORMAT, NUMBER_FORMAT, PERCENT_FORMAT, clean_text, save_workbook

SHEET = "Tabel E.81"
FORM_HEADINGS = {
    1: "No", 2: "Sasaran", 3: "Program/Kegiatan/Sub Kegiatan", 4: "Indikator Kinerja Program (outcome)/Kegiatan (output)",
}
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_SASARAN_FILL = PatternFill("solid", fgColor="FFF2CC")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
WIDTHS = {1: 8, 2: 30, 3: 13, 4: 18, 5: 42, 6: 36, 7: 11, 31: 30}  # sheet column -> width; others 14


_TOP = Alignment(vertical="top")


def _put(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row=row, column=col)
    cell.border = _BORDER
    cell.alignment = _TOP
    if value is None:
        return
    if isinstance(value, Percent):
        cell.value, cell.number_format = round(float(value) / 100, 10), PERCENT_FORMAT
    elif isinstance(value, Rupiah):
        cell.value, cell.number_format = int(round(float(value))), MONEY_FORMAT
    elif isinstance(value, bool):
        cell.value = "Ya" if value else "Tidak"
    elif isinstance(value, int):
        cell.value, cell.number_format = value, "#,##0"
    elif isinstance(value, float):
        cell.value, cell.number_format = value, NUMBER_FORMAT
    else:
        cell.value = clean_text(str(value))
        cell.data_type = TYPE_STRING
        cell.alignment = _WRAP


SUB_HEADINGS = {"Program/Kegiatan/Sub Kegiatan": "Uraian", "Indikator Kinerja": "Indikator"}


def _lines(value, width: int) -> int:
    """Lines a wrapped text needs in a column of ``width`` characters (openpyxl does not measure)."""
    if not isinstance(value, str) or not value:
        return 1
    return sum(max(1, -(-len(line) // max(width - 3, 1))) for line in value.splitlines())


def header_rows(e81: E81) -> tuple[list[tuple[int, int, str, int]], dict[int, str]]:
    """The form's header: (first sheet column, last, name, form column number) of each form column,
    and the second row's sub-heading of each sheet column (K / Rp, or Level / Kode / Uraian ...;
    none where the name spans both rows)."""
    cols = e81_columns(e81)
    by_number: dict[int, list[int]] = {}
    for i, (number, _, _) in enumerate(cols, start=1):
        by_number.setdefault(number, []).append(i)
    top = []
    for number, idx in sorted(by_number.items()):
        heading = FORM_HEADINGS.get(number) or cols[idx[0] - 1][1]
        top.append((min(idx), max(idx), heading, number))
    second = {}
    for i, (number, heading, kr) in enumerate(cols, start=1):
        if kr:
            second[i] = kr
        elif len(by_number[number]) > 1:
            second[i] = SUB_HEADINGS.get(heading, heading)
    return top, second


def write_evaluasi_workbook(e81: E81, instansi: str, path: Path) -> None:
    """Write the E.81 form workbook of ``e81`` to ``path``."""
    wb = Workbook()
    ws = wb.active
    ws.title = SHEET
    cols = e81_columns(e81)
    width = len(cols)
    period = e81.period
    quarter = e81.triwulan
    lines = [
        "EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH LINGKUP PROVINSI",
        f"Perangkat Daerah: {instansi}",
        f"Periode Pelaksanaan: Triwulan {quarter} Tahun {period.year}"
        + ("" if e81.akhir_triwulan else f" (s.d. {period.label_id()})"),
        f"Renstra {e81.tahun_awal}-{e81.tahun_akhir}",
    ]
    for r, text in enumerate(lines, start=1):
        ws.cell(r, 1, text).font = Font(bold=True, size=12 if r == 1 else 11)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        ws.cell(r, 1).alignment = Alignment(horizontal="center")
    head = len(lines) + 2
    top, second = header_rows(e81)
    for first, last, name, number in top:
        ws.cell(head, first, name)
        if first == last:
            ws.merge_cells(start_row=head, start_column=first, end_row=head + 1, end_column=last)
        else:
            ws.merge_cells(start_row=head, start_column=first, end_row=head, end_column=last)
        ws.cell(head + 2, first, number)
        if first != last:
            ws.merge_cells(start_row=head + 2, start_column=first, end_row=head + 2, end_column=last)
    for col, sub in second.items():
        ws.cell(head + 1, col, sub)
    ws.row_dimensions[head].height = 42
    for r in (head, head + 1, head + 2):
        for c in range(1, width + 1):
            cell = ws.cell(r, c)
            cell.font = Font(bold=True, italic=r == head + 2)
            cell.fill = _HEAD_FILL
            cell.alignment = _CENTER
            cell.border = _BORDER
    row = head + 2
    for record in e81.rows:
        row += 1
        values = row_values(e81, record)
        if record.level != "sasaran":
            values[1] = None  # as on the form: the sasaran is named once, on its own row
        lines = max(_lines(v, WIDTHS.get(c, 14)) for c, v in enumerate(values, start=1))
        if lines > 1:
            ws.row_dimensions[row].height = 13 * min(lines, 12)
        for c, value in enumerate(values, start=1):
            _put(ws, row, c, value)
            if record.level == "sasaran":
                ws.cell(row, c).fill = _SASARAN_FILL
                ws.cell(row, c).font = Font(bold=True)
            elif record.level == "program":
                ws.cell(row, c).font = Font(bold=True)
    row += 1
    for label, text in footer_lines(e81):
        row += 1
        ws.cell(row, 1, label).font = Font(bold=True)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=5)
        cell = ws.cell(row, 6, clean_text(text) if text else "")
        cell.data_type = TYPE_STRING
        cell.alignment = _WRAP
        ws.merge_cells(start_row=row, start_column=6, end_row=row, end_column=width)
        if text and "\n" in text:
            ws.row_dimensions[row].height = 15 * min(text.count("\n") + 1, 10)
    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = WIDTHS.get(c, 14)
    ws.freeze_panes = ws.cell(head + 3, 6)
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.print_title_rows = f"{head}:{head + 2}"
    wb.properties.creator = "lkjip"
    save_workbook(wb, path)
