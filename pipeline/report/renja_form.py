"""Tabel E.81 as its own workbook, in the layout of the form (Permendagri 86/2017) that goes to
Bappeda, printed as it is handed in.

- The title names the level (``LINGKUP PROVINSI`` / ``KABUPATEN`` / ``KOTA``), the office, the
  period; a merged two-row header (the form's column names over K / Rp, or over Kode / Uraian and
  Indikator / Satuan) and a row of the column numbers 1-15, repeated on every page.
- The rows, then the average of column 14 (K) with the form's predikat, the rows Faktor pendorong,
  Faktor penghambat and both Tindak lanjut, then the signature blocks ``Disusun`` (the head of the
  OPD) and ``Dievaluasi`` (Bappeda, lines left for the name and NIP).
- Print: landscape on A3, or F4 (Folio, 215 x 330 mm: Excel's paper size 14 "Folio 8.5 x 13 in",
  216 x 330 mm) where the referensi says ``Kertas: F4``; one font (Arial: Liberation Sans where
  LibreOffice prints it, same widths) throughout, the workbook's default font too.

A limit: F4 is 90 mm narrower than A3.  A form with every quarter filled and budgets in the
billions needs about 1.000 pt of columns at 7 pt; F4 landscape has 878.  Legibility comes first:
the text stays at 7 pt or more and the last columns print on a page of their own across, which
repeats No, Sasaran and the uraian (``print_title_cols``).  A3, the default, holds them all.

How it is made legible: every width is measured. Each cell's text is measured with Arial's
character widths; a column of figures (No, Kode, K, Rp) is as wide as its widest figure, a column
of words (Sasaran, Uraian, Indikator, Satuan, Unit) at least as wide as its longest word; the
explicit print scale is the largest (at most 100 %) at which every column fits the page width
while no text is smaller than :data:`MIN_PRINTED_PT` at that scale (``size x scale / 100``). When
the figures in rupiah would not fit (a full year of large budgets), Rp is shown in thousands (the
number format ``#,##0,``: the cell keeps the rupiah) and the title says so; when even that does
not fit, the code moves from its own column to the first line of the uraian.  Every row's height is set from
the measured number of wrapped lines (LibreOffice does not fit a row to its text when it opens a
file, and neither program fits a merged row), counted at the narrower width, so no text is cut off.  Widths are counted the way both Excel
(7 px = 5.25 pt per width unit) and LibreOffice (the default font's digit, 5.55 pt for Arial 10)
lay them out: a row fits the page at the wider, text fits its cell at the narrower.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell.cell import TYPE_STRING
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.utils.indexed_list import IndexedList

from pipeline.report.renja import E81, e81_columns, footer_lines, row_values
from pipeline.report.sheet import Percent, Rupiah
from pipeline.report.workbook import MONEY_FORMAT, NUMBER_FORMAT, PERCENT_FORMAT, clean_text, save_workbook

SHEET = "Tabel E.81"
FONT = "Arial"
SIZE = 8  # the table's text (pt, at 100 %)
TITLE_SIZE = 12
SUBTITLE_SIZE = 10
MIN_PRINTED_PT = 7.0  # no text smaller than this on paper
PRINT_MARGIN_PT = 0.15  # kept above it: a PDF's glyphs measure about 1 % smaller than size x scale
THOUSANDS_FORMAT = "#,##0,"  # rupiah shown in thousands; the cell keeps the rupiah
FORM_HEADINGS = {
    1: "No", 2: "Sasaran", 3: "Program/Kegiatan/Sub Kegiatan", 4: "Indikator Kinerja Program (outcome)/Kegiatan (output)",
}
SUB_HEADINGS = {"Program/Kegiatan/Sub Kegiatan": "Uraian", "Indikator Kinerja": "Indikator"}
LEVEL_COLUMN = 3  # the consolidated sheet's `Level` column (index 2 of row_values): not on the form
KODE_COLUMN = 4  # its `Kode` column: on the form, unless the page is too narrow (then in the uraian)

# paper (landscape): openpyxl paperSize, width of the long side in points
PAPER = {"A3": (8, 420 / 25.4 * 72), "F4": (14, 330.2 / 25.4 * 72)}
MARGIN_SIDE, MARGIN_TOP, MARGIN_HEADER = 0.4, 0.5, 0.25  # inches

EXCEL_PT_PER_UNIT = 5.25  # Excel: a width unit is the default font's digit, 7 px (Arial 10)
LO_PT_PER_UNIT = 5.55  # LibreOffice: Arial 10's digit, 5.55 pt
CELL_PADDING = 4.5  # pt, both sides together, at 100 % (Excel: 2 px a side and 1 for the grid line)
FIT_SAFETY = 0.97  # the columns fill at most this share of the page width (widths are rounded when drawn)
WRAP_SAFETY = 0.94  # text wraps into this share of the cell's inner width (rendering differs)
LINE = 1.2  # line height / font size (a wrapped line of Arial 8: 9,2 pt in LibreOffice, about 9,4 in Excel)

# Arial's advance widths (thousandths of an em) of the characters 32..126, regular and bold
# (Liberation Sans, metric-compatible with Arial)
_REGULAR = (278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556,
            556, 556, 556, 556, 556, 278, 278, 584, 584, 584, 556, 1015, 667, 667, 722, 722, 667, 611, 778, 722, 278,
            500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 278, 278, 278, 469,
            556, 333, 556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500,
            278, 556, 500, 722, 500, 500, 500, 334, 260, 334, 584)
_BOLD = (278, 333, 474, 556, 556, 889, 722, 238, 333, 333, 389, 584, 278, 333, 278, 278, 556, 556, 556, 556, 556, 556,
         556, 556, 556, 556, 333, 333, 584, 584, 584, 611, 975, 722, 722, 722, 722, 667, 611, 778, 722, 278, 556, 722,
         611, 833, 722, 778, 667, 778, 722, 667, 611, 722, 667, 944, 667, 667, 611, 333, 278, 333, 584, 556, 333,
         556, 611, 556, 611, 556, 333, 611, 611, 278, 278, 556, 278, 889, 611, 611, 611, 611, 389, 556, 333, 611,
         556, 778, 556, 556, 500, 389, 280, 389, 584)
_OTHER = 1000  # any other character: an em (wider than any Latin letter)

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEAD_FILL = PatternFill("solid", fgColor="DDEBF7")
_SASARAN_FILL = PatternFill("solid", fgColor="FFF2CC")
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)
_TOP = Alignment(vertical="top")
_RIGHT = Alignment(horizontal="right", vertical="top")

# the form's columns of words: (minimum, preferred) width in pt at 100 %
_WORD_COLUMNS = {"Sasaran": (60, 110), "Program/Kegiatan/Sub Kegiatan": (90, 170), "Indikator Kinerja": (80, 130),
                 "Satuan": (36, 55), "Unit Penanggung Jawab": (55, 80)}


def font(size: float = SIZE, bold: bool = False, italic: bool = False, underline: bool = False) -> Font:
    """The one font of the form."""
    return Font(name=FONT, size=size, bold=bold, italic=italic, underline="single" if underline else None)


def text_width(text: str, size: float = SIZE, bold: bool = False) -> float:
    """Width in points of ``text`` set in Arial ``size`` pt (one line)."""
    table = _BOLD if bold else _REGULAR
    units = sum(table[ord(ch) - 32] if 32 <= ord(ch) < 127 else _OTHER for ch in text)
    return units * size / 1000


def wrapped_lines(text: str, width: float, size: float = SIZE, bold: bool = False) -> int:
    """Lines ``text`` takes wrapped at spaces into ``width`` points (a word wider than the line is
    broken inside it); each line break of the text starts a line."""
    width = max(width * WRAP_SAFETY, 1.0)
    space = text_width(" ", size, bold)
    total = 0
    for paragraph in str(text).split("\n"):
        lines, used = 1, 0.0
        for word in paragraph.split():
            w = text_width(word, size, bold)
            if w > width:  # broken inside the word
                if used:
                    lines += 1
                pieces = math.ceil(w / width)
                lines += pieces - 1
                used = w - (pieces - 1) * width
            elif not used:
                used = w
            elif used + space + w <= width:
                used += space + w
            else:
                lines, used = lines + 1, w
        total += lines
    return total


def longest_word(text: str, size: float = SIZE, bold: bool = False) -> float:
    return max((text_width(w, size, bold) for w in str(text).split()), default=0.0)


# --- what a cell shows -------------------------------------------------------------------------


@dataclass(frozen=True)
class Shown:
    """A cell of the form: its value, number format, and the text it displays (measured)."""

    value: object
    number_format: str = "General"
    text: str = ""
    is_text: bool = False


def _thousands(n: float) -> str:
    return f"{n:,.0f}"


def shown(value, thousands: bool = False) -> Shown:
    """The cell of ``value`` (as :func:`pipeline.report.renja.row_values` gives it)."""
    if value is None:
        return Shown(None)
    if isinstance(value, Percent):
        return Shown(round(float(value) / 100, 10), PERCENT_FORMAT, f"{float(value):,.2f}%")
    if isinstance(value, Rupiah):
        amount = int(round(float(value)))
        if thousands:
            return Shown(amount, THOUSANDS_FORMAT, _thousands(amount / 1000))
        return Shown(amount, MONEY_FORMAT, f"{amount:,}")
    if isinstance(value, bool):
        return Shown("Ya" if value else "Tidak", text="Ya" if value else "Tidak", is_text=True)
    if isinstance(value, int):
        return Shown(value, "#,##0", f"{value:,}")
    if isinstance(value, float):
        return Shown(value, NUMBER_FORMAT, f"{value:,.2f}")
    text = clean_text(str(value))
    return Shown(text, text=str(value), is_text=True)


# --- the form's columns ------------------------------------------------------------------------


def form_columns(e81: E81, kode_column: bool = True) -> list[tuple[int, str, str]]:
    """(form column, heading, K/Rp or "") of every sheet column of the form: the consolidated
    sheet's columns without `Level` (the numbering and the bold rows show it); without `Kode` when
    ``kode_column`` is false (the code is then the first line of the uraian)."""
    return [c for i, c in enumerate(e81_columns(e81), start=1)
            if i != LEVEL_COLUMN and (kode_column or i != KODE_COLUMN)]


def form_values(e81: E81, record, kode_column: bool = True) -> list:
    values = row_values(e81, record)
    if record.level != "sasaran":
        values[1] = None  # as on the form: the sasaran is named once, on its own row
    else:
        values[4] = None  # ... in its column (2), not again as the row's uraian
    if not kode_column:
        values[4] = "\n".join(v for v in (values[3], values[4]) if v)
        del values[KODE_COLUMN - 1]
    del values[LEVEL_COLUMN - 1]
    return values


def form_rows(e81: E81, kode_column: bool = True) -> list[tuple[list, bool]]:
    """Each row's form values and whether it is bold (a sasaran or a program)."""
    return [(form_values(e81, r, kode_column), r.level in ("sasaran", "program")) for r in e81.rows]


def header_rows(e81: E81, kode_column: bool = True) -> tuple[list[tuple[int, int, str, int]], dict[int, str]]:
    """The form's header: (first sheet column, last, name, form column number) of each form column,
    and the second row's sub-heading of each sheet column (K / Rp, or Kode / Uraian ...; none where
    the name spans both rows)."""
    cols = form_columns(e81, kode_column)
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


# --- the page -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PageLayout:
    """The computed print layout: paper, scale (percent), each sheet column's width (pt at 100 %
    as Excel draws it), and whether Rp is shown in thousands."""

    kertas: str
    scale: int
    widths: tuple[float, ...]
    thousands: bool
    kode_column: bool = True
    fits: bool = True  # every column on the page width (else the last ones run onto a page of their own)

    @property
    def printable_width(self) -> float:
        return PAPER[self.kertas][1] - 2 * MARGIN_SIDE * 72

    def units(self, col: int) -> float:
        """The sheet width (Excel's units) of sheet column ``col`` (1-based), rounded up."""
        return math.ceil(self.widths[col - 1] / EXCEL_PT_PER_UNIT * 100) / 100


def min_scale() -> int:
    """The smallest print scale (percent) at which the table's text stays legible (90 for 8 pt)."""
    return math.ceil((MIN_PRINTED_PT + PRINT_MARGIN_PT) / SIZE * 100)


def page_layout(e81: E81, kertas: str) -> PageLayout:
    """Widths and the print scale of the form of ``e81`` on ``kertas``: the first of rupiah, Rp in
    thousands, and also the code inside the uraian column that fits at a legible scale."""
    printable = PAPER[kertas][1] - 2 * MARGIN_SIDE * 72
    for thousands, kode_column in ((False, True), (True, True), (True, False)):
        found = _fit(e81, printable, kertas, thousands, kode_column)
        if found is not None:
            return found
    # nothing fits at a legible scale: legible first (the columns then run onto a second page across)
    return _fit(e81, printable, kertas, True, False, force=True)


def _fit(e81: E81, printable: float, kertas: str, thousands: bool, kode_column: bool,
         force: bool = False) -> PageLayout | None:
    cols = form_columns(e81, kode_column)
    top, second = header_rows(e81, kode_column)
    records = form_rows(e81, kode_column)
    flexible = {i: _WORD_COLUMNS[h] for i, (_, h, kr) in enumerate(cols) if not kr and h in _WORD_COLUMNS}

    def fixed_widths() -> list[float]:
        widths = [0.0] * len(cols)
        for values, bold in records:
            for i, value in enumerate(values):
                cell = shown(value, thousands)
                if i in flexible:
                    widths[i] = max(widths[i], longest_word(cell.text, SIZE, bold) + CELL_PADDING)
                elif cell.text:
                    widths[i] = max(widths[i], text_width(cell.text, SIZE, bold) + CELL_PADDING)
        for i, sub in second.items():  # K / Rp, Kode / Uraian ...
            widths[i - 1] = max(widths[i - 1], text_width(sub, SIZE, True) + CELL_PADDING)
        for first, last, name, number in top:  # a heading's longest word across its columns, its number
            need = max(longest_word(name, SIZE, True), text_width(str(number), SIZE, True)) + CELL_PADDING
            span = sum(widths[first - 1:last])
            if span < need:
                for i in range(first - 1, last):
                    widths[i] += (need - span) / (last - first + 1)
        return widths

    lo = LO_PT_PER_UNIT / EXCEL_PT_PER_UNIT / FIT_SAFETY  # LibreOffice draws every width this much wider
    base = fixed_widths()
    least = [max(base[i], flexible[i][0]) if i in flexible else base[i] for i in range(len(cols))]
    wished = [max(least[i], flexible[i][1]) if i in flexible else base[i] for i in range(len(cols))]
    for scale in range(100, min_scale() - 1, -1):
        room = printable / (scale / 100) / lo
        if sum(wished) <= room:  # the largest scale at which the wished widths fit; the rest to the words
            spare = room - sum(wished)
            grow = sum(wished[i] for i in flexible)
            widths = [w + (spare * w / grow if i in flexible and grow else 0.0) for i, w in enumerate(wished)]
            widths = [min(w, 2 * wished[i]) if i in flexible else w for i, w in enumerate(widths)]
            return PageLayout(kertas, scale, tuple(widths), thousands, kode_column)
    scale = min_scale()
    room = printable / (scale / 100) / lo
    if sum(least) <= room:  # the words narrower, down to their least
        gap = sum(wished) - room
        give = sum(wished[i] - least[i] for i in flexible)
        widths = [w - (gap * (w - least[i]) / give if i in flexible and give else 0.0) for i, w in enumerate(wished)]
        return PageLayout(kertas, scale, tuple(widths), thousands, kode_column)
    return PageLayout(kertas, scale, tuple(least), thousands, kode_column, fits=False) if force else None


# --- the workbook ---------------------------------------------------------------------------------


def _style(cell, *, bold=False, italic=False, size=SIZE, border=True, align=None, fill=None, underline=False):
    cell.font = font(size, bold=bold, italic=italic, underline=underline)
    if border:
        cell.border = _BORDER
    if align is not None:
        cell.alignment = align
    if fill is not None:
        cell.fill = fill


def _put(ws, row: int, col: int, value, thousands: bool, bold: bool, fill, wrap: bool) -> None:
    """One cell of the table; ``wrap``: a column of words (the others are as wide as their widest text)."""
    cell = ws.cell(row=row, column=col)
    s = shown(value, thousands)
    if s.value is not None:
        cell.value = s.value
        if s.is_text:
            cell.data_type = TYPE_STRING
        else:
            cell.number_format = s.number_format
    align = _WRAP if wrap else (_RIGHT if s.text == "N/A" else _TOP)
    _style(cell, bold=bold, align=align, fill=fill)


def _height(lines: int, size: float = SIZE) -> float:
    return round(lines * size * LINE + 4, 1)


def _new_workbook() -> Workbook:
    """A workbook whose default font (the `Normal` style, the width unit) is the form's font."""
    wb = Workbook()
    base = Font(name=FONT, size=10, family=2)
    wb._fonts = IndexedList([base])  # the default cell format's font (index 0)
    wb._named_styles["Normal"].font = base
    return wb


def _signature_texts(e81: E81) -> tuple[list[tuple[str, dict]], list[tuple[str, dict]]]:
    """The lines of the blocks `Disusun` (the head of the OPD) and `Dievaluasi` (Bappeda); the
    values the referensi does not give are dotted lines to write on."""
    dots = "." * 40
    jabatan = e81.jabatan or "Kepala Perangkat Daerah"
    disusun = [("Disusun", {"bold": True}),
               (f"{e81.kota or '.' * 20}, tanggal {'.' * 25}", {}),
               (jabatan, {"bold": True})]
    if e81.instansi and e81.instansi.casefold() not in jabatan.casefold():
        disusun.append((e81.instansi, {"bold": True}))
    disusun += [("", {}), ("", {}), ("", {}),
                (e81.kepala or f"( {dots} )", {"bold": True, "underline": bool(e81.kepala)}),
                (f"NIP. {e81.nip}" if e81.nip else f"NIP. {dots}", {})]
    level = {"PROVINSI": "Provinsi", "KABUPATEN": "Kabupaten", "KOTA": "Kota", "KABUPATEN/KOTA": "Kabupaten/Kota"}
    bappeda = "Kepala Bappeda" + (f" {level[e81.lingkup]}" if e81.lingkup in level else "")
    dievaluasi = [("Dievaluasi", {"bold": True}),
                  (f"{'.' * 20}, tanggal {'.' * 25}", {}),
                  (bappeda, {"bold": True})]
    if len(disusun) > 8:
        dievaluasi.append(("", {}))
    dievaluasi += [("", {}), ("", {}), ("", {}), (f"( {dots} )", {"bold": True}), (f"NIP. {dots}", {})]
    return disusun, dievaluasi


def title_lines(e81: E81, instansi: str, thousands: bool) -> list[str]:
    period = e81.period
    lines = [
        f"EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH LINGKUP {e81.lingkup or 'PROVINSI/KABUPATEN/KOTA'}",
        f"Perangkat Daerah: {instansi}",
        f"Periode Pelaksanaan: Triwulan {e81.triwulan} Tahun {period.year}"
        + ("" if e81.akhir_triwulan else f" (s.d. {period.label_id()})"),
        f"Renstra {e81.tahun_awal}-{e81.tahun_akhir}",
    ]
    if thousands:
        lines.append("Anggaran (Rp) dalam ribuan rupiah")
    return lines


def write_evaluasi_workbook(e81: E81, instansi: str, path: Path) -> None:
    """Write the E.81 form workbook of ``e81`` to ``path``."""
    wb = _new_workbook()
    ws = wb.active
    ws.title = SHEET
    layout = page_layout(e81, e81.kertas if e81.kertas in PAPER else "A3")
    cols = form_columns(e81, layout.kode_column)
    width = len(cols)
    records = form_rows(e81, layout.kode_column)
    inner = [w - CELL_PADDING for w in layout.widths]  # text room of each column (pt, as Excel draws it)
    words = {i for i, (_, h, kr) in enumerate(cols, start=1) if not kr and h in _WORD_COLUMNS}  # they wrap

    lines = title_lines(e81, instansi or e81.instansi, layout.thousands)
    for r, text in enumerate(lines, start=1):
        cell = ws.cell(r, 1, text)
        _style(cell, bold=True, size=TITLE_SIZE if r == 1 else SUBTITLE_SIZE, border=False,
               align=Alignment(horizontal="center", vertical="center", wrap_text=True))
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=width)
        size = TITLE_SIZE if r == 1 else SUBTITLE_SIZE
        ws.row_dimensions[r].height = _height(wrapped_lines(text, sum(inner) * 0.9, size, True), size)

    head = len(lines) + 2
    top, second = header_rows(e81, layout.kode_column)
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
    for r in (head, head + 1, head + 2):
        for c in range(1, width + 1):
            _style(ws.cell(r, c), bold=True, italic=r == head + 2, align=_CENTER, fill=_HEAD_FILL)
    # the names over K / Rp in the first row, a name without sub-headings over both rows
    over = max(wrapped_lines(name, sum(inner[first - 1:last]) + CELL_PADDING * (last - first), SIZE, True)
               for first, last, name, _ in top if first != last)
    both = max(wrapped_lines(name, inner[first - 1], SIZE, True) for first, last, name, _ in top if first == last)
    ws.row_dimensions[head].height = _height(max(over, both - 1))
    ws.row_dimensions[head + 1].height = _height(1)
    ws.row_dimensions[head + 2].height = _height(1)

    row = head + 2
    for record, (values, bold) in zip(e81.rows, records, strict=True):
        row += 1
        fill = _SASARAN_FILL if record.level == "sasaran" else None
        needed = 1
        for c, value in enumerate(values, start=1):
            _put(ws, row, c, value, layout.thousands, bold, fill, wrap=c in words)
            s = shown(value, layout.thousands)
            if c in words and s.text:
                needed = max(needed, wrapped_lines(s.text, inner[c - 1], SIZE, bold))
        ws.row_dimensions[row].height = _height(needed)

    # below the table: the average and predikat, the factors and both tindak lanjut rows
    label_end = next(i for i, (number, _, _) in enumerate(cols, start=1) if number == 5) - 1
    label_room = sum(inner[:label_end]) + CELL_PADDING * (label_end - 1)
    text_room = sum(inner[label_end:]) + CELL_PADDING * (width - label_end - 1)
    row += 1
    for label, text in footer_lines(e81):
        row += 1
        _style(ws.cell(row, 1, label), bold=True, align=_WRAP)
        cell = ws.cell(row, label_end + 1, clean_text(text) if text else "")
        cell.data_type = TYPE_STRING
        for c in range(1, width + 1):
            if c != 1 and c != label_end + 1:
                _style(ws.cell(row, c))
        _style(cell, align=_WRAP)
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=label_end)
        ws.merge_cells(start_row=row, start_column=label_end + 1, end_row=row, end_column=width)
        ws.row_dimensions[row].height = _height(max(wrapped_lines(label, label_room, SIZE, True),
                                                    wrapped_lines(text or "", text_room, SIZE)))

    # the signature blocks: Disusun on the left half, Dievaluasi on the right
    row += 2
    middle = width // 2
    disusun, dievaluasi = _signature_texts(e81)
    for block, (first, last) in ((disusun, (1, middle)), (dievaluasi, (middle + 1, width))):
        for k, (text, style) in enumerate(block):
            r = row + k
            cell = ws.cell(r, first, text or None)
            _style(cell, border=False, align=Alignment(horizontal="center", vertical="center"), size=SUBTITLE_SIZE,
                   **style)
            ws.merge_cells(start_row=r, start_column=first, end_row=r, end_column=last)
    for k in range(max(len(disusun), len(dievaluasi))):
        ws.row_dimensions[row + k].height = _height(1, SUBTITLE_SIZE)

    for c in range(1, width + 1):
        ws.column_dimensions[get_column_letter(c)].width = layout.units(c)
    ws.freeze_panes = ws.cell(head + 3, label_end + 1)
    paper, _ = PAPER[layout.kertas]
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = paper
    ws.sheet_properties.pageSetUpPr.fitToPage = False
    ws.page_setup.scale = layout.scale
    ws.page_margins.left = ws.page_margins.right = MARGIN_SIDE
    ws.page_margins.top = ws.page_margins.bottom = MARGIN_TOP
    ws.page_margins.header = ws.page_margins.footer = MARGIN_HEADER
    ws.print_options.horizontalCentered = True
    ws.print_title_rows = f"{head}:{head + 2}"
    if not layout.fits:  # the columns run onto a second page across: it repeats No, Sasaran and the uraian
        ws.print_title_cols = f"A:{get_column_letter(next(i for i, (n, _, _) in enumerate(cols, start=1) if n == 4) - 1)}"
    ws.oddFooter.center.text = "Halaman &P dari &N"
    ws.oddFooter.center.font = f"{FONT},Regular"
    ws.oddFooter.center.size = 9
    wb.properties.creator = "lkjip"
    save_workbook(wb, path)
