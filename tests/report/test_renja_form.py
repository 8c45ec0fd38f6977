"""The E.81 form workbook prints as it is handed in (docs/outputs.md, "Tabel E.81"): the level in the
title, both tindak lanjut rows, the signature blocks, landscape A3 (or F4), header rows repeated,
one font, every column on the page width at a scale where no text is under 7 pt.

On the session's sample run (``sample_report``), and on a small E.81 written here for F4 and for
budgets too large for rupiah.  The PDF of the form is checked in ``test_renja_form_pdf.py``.
"""

from __future__ import annotations

import dataclasses

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from pipeline.domain.figures import E81, E81Row
from pipeline.domain.periods import Period
from pipeline.domain.sepanjang_tahun import FAKTOR
from pipeline.report import renja_form as rf

A3_LANDSCAPE_WIDTH = 420 / 25.4 * 72  # pt
F4_LANDSCAPE_WIDTH = 330 / 25.4 * 72
A3, FOLIO = 8, 14  # openpyxl paperSize: A3, Folio (F4)


@pytest.fixture(scope="module")
def form(sample_report):
    wb = load_workbook(sample_report.parent / "evaluasi-renja-2024-12.xlsx")
    return wb


def _texts(ws) -> list[tuple[int, int, str]]:
    return [(c.row, c.column, str(c.value)) for row in ws.iter_rows() for c in row if c.value is not None]


def _header_row(ws) -> int:
    return next(r for r, c, text in _texts(ws) if c == 1 and text == "No")


def test_title_names_the_province(form):
    ws = form.active
    assert ws["A1"].value == "EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH LINGKUP PROVINSI"
    assert ws["A2"].value == "Perangkat Daerah: Dinas Koperasi, Usaha Kecil dan Menengah Provinsi Bali"
    assert ws["A3"].value == "Periode Pelaksanaan: Triwulan IV Tahun 2024"


def test_rows_below_the_table_and_both_signature_blocks(form):
    ws = form.active
    labels = {text: r for r, c, text in _texts(ws) if c == 1}
    wanted = ["Rata-rata capaian kinerja Renstra (kolom 14, K)", "Predikat kinerja", *[label for _, label in FAKTOR]]
    rows = [labels[w] for w in wanted]
    assert rows == sorted(rows) and rows[-1] - rows[0] == len(wanted) - 1  # in the form's order, one after another
    assert "Tindak lanjut yang diperlukan dalam triwulan berikutnya" in labels
    assert "Tindak lanjut yang diperlukan dalam Renja berikutnya" in labels
    # the sample has no Target Renstra: no average, so no predikat (said, not invented)
    text_column = next(c for r, c, text in _texts(ws) if r == labels["Predikat kinerja"] and c > 1)
    assert ws.cell(labels["Predikat kinerja"], text_column).value == "N/A"
    below = [(r, c, text) for r, c, text in _texts(ws) if r > rows[-1]]
    by_text = {text: (r, c) for r, c, text in below}
    assert by_text["Disusun"][1] < by_text["Dievaluasi"][1]  # Disusun left, Dievaluasi right
    assert by_text["Disusun"][0] == by_text["Dievaluasi"][0]
    # the sample's referensi names no head of office: his jabatan generic, lines for name and NIP
    assert "Kepala Perangkat Daerah" in by_text and "Dinas Koperasi, Usaha Kecil dan Menengah Provinsi Bali" in by_text
    assert "Kepala Bappeda Provinsi" in by_text
    assert sum(1 for text in by_text if text.startswith("NIP. ....")) == 1  # both blocks: NIP lines ...
    assert sum(1 for r, c, text in below if text.startswith("NIP. ")) == 2  # (one text, twice)
    assert sum(1 for r, c, text in below if text.startswith("( ....")) == 2


def test_page_setup_a3_landscape_print_titles(form):
    ws = form.active
    head = _header_row(ws)
    assert ws.page_setup.orientation == "landscape"
    assert int(ws.page_setup.paperSize) == A3
    assert ws.print_title_rows.replace("$", "") == f"{head}:{head + 2}"
    assert [c.value for c in ws[head + 2] if c.value is not None] == list(range(1, 16))  # column numbers
    assert not ws.sheet_properties.pageSetUpPr.fitToPage  # an explicit scale, checked below


def test_one_font_throughout(form):
    ws = form.active
    fonts = {ws.cell(r, c).font.name for r, c, _ in _texts(ws)}
    assert fonts == {rf.FONT}
    assert form._fonts[0].name == rf.FONT  # the default font (and width unit) too
    bold = {ws.cell(r, c).font.name for r, c, _ in _texts(ws) if ws.cell(r, c).font.b}
    assert bold == {rf.FONT}


def _printed_sizes_and_width(ws) -> tuple[float, float, float]:
    scale = ws.page_setup.scale
    smallest = min(ws.cell(r, c).font.sz for r, c, _ in _texts(ws)) * scale / 100
    columns = range(1, ws.max_column + 1)
    units = sum(ws.column_dimensions[get_column_letter(c)].width for c in columns)
    # the wider of Excel's and LibreOffice's drawing of a width unit
    drawn = units * max(rf.EXCEL_PT_PER_UNIT, rf.LO_PT_PER_UNIT) * scale / 100
    printable = (A3_LANDSCAPE_WIDTH if int(ws.page_setup.paperSize) == A3 else F4_LANDSCAPE_WIDTH) \
        - (ws.page_margins.left + ws.page_margins.right) * 72
    return smallest, drawn, printable


def test_every_column_on_the_page_width_and_no_text_under_7_pt(form):
    ws = form.active
    smallest, drawn, printable = _printed_sizes_and_width(ws)
    assert smallest >= 7.0, smallest
    assert drawn <= printable, (drawn, printable)
    assert ws.max_column == 27  # 1 No, 2 Sasaran, 3 Kode + Uraian, 4 Indikator + Satuan, 5-14 K and Rp, 15


def test_no_text_cut_off(form):
    """Every cell's text fits its column (figures on one line) or its row's height (words wrapped)."""
    ws = form.active
    head = _header_row(ws)
    merged = {(r, c) for m in ws.merged_cells.ranges for r, c in m.cells}
    for r, c, text in _texts(ws):
        cell = ws.cell(r, c)
        if r <= head + 2 or (r, c) in merged:
            continue  # title, header, the rows below: merged
        width = ws.column_dimensions[get_column_letter(c)].width * rf.EXCEL_PT_PER_UNIT - rf.CELL_PADDING
        size, bold = cell.font.sz, bool(cell.font.b)
        if cell.alignment.wrap_text:
            lines = rf.wrapped_lines(text, width, size, bold)
            assert lines * size * 1.15 <= ws.row_dimensions[r].height, (cell.coordinate, text)
        else:
            shown = rf.shown(cell.value, cell.number_format == rf.THOUSANDS_FORMAT).text or text
            assert rf.text_width(shown, size, bold) <= width + 0.01, (cell.coordinate, shown)


def test_consolidated_sheet_keeps_its_table_with_the_form_words(sample_report):
    ws = load_workbook(sample_report)["Evaluasi Renja"]
    rows = [[c.value for c in row] for row in ws.iter_rows()]
    head = next(i for i, row in enumerate(rows) if row[0] == "(1) No")
    assert rows[head][2] == "(3) Level"  # one header row, then the records
    footer = {row[1]: row[4] for row in rows[head + 1:] if row[2] in (None, "") and row[1]}
    assert list(footer) == ["Rata-rata capaian kinerja Renstra (kolom 14, K)", "Predikat kinerja",
                            *[label for _, label in FAKTOR]]


# --- a small E.81: F4 paper, a kabupaten, very large budgets --------------------------------------------


def _e81(kertas: str, money: float) -> E81:
    rows = [E81Row("1", "Meningkatnya Derajat Kesehatan Masyarakat", "sasaran", "S1",
                   "Meningkatnya Derajat Kesehatan Masyarakat", "Angka Kematian Ibu", "per 100.000 KH",
                   k={5: 70.0, 7: 90.0}, rp={5: money * 5, 6: money * 3, 7: money, 12: money * 0.9, 13: money * 3.9},
                   is_level=True)]
    for i in range(1, 4):
        rows.append(E81Row(f"1.{i}", rows[0].sasaran, "sub_kegiatan", f"1.02.02.2.0{i}.00{i}5",
                           "Pengelolaan Pelayanan Kesehatan Orang Terduga Tuberkulosis dan Penyakit Menular Lainnya",
                           "Persentase Orang Terduga Tuberkulosis yang Mendapatkan Pelayanan Sesuai Standar", "%",
                           k={c: 95.5 for c in range(5, 14)} | {14: 99.2},
                           rp={c: money / 3 for c in range(5, 14)} | {14: 97.4},
                           bidang="Bidang Pencegahan dan Pengendalian Penyakit", is_level=True))
    faktor = tuple((label, "Koordinasi lintas sektor berjalan baik") for _, label in FAKTOR)
    return E81(Period(2025, 12), 2025, 2029, tuple(rows), 99.2, "Sangat Tinggi", faktor, triwulan="IV",
               akhir_triwulan=True, lingkup="KABUPATEN", instansi="Dinas Kesehatan Kabupaten Banyumas",
               kepala="dr. Hadi Sutrisno, M.Kes.", nip="197205141999031006", jabatan="Kepala Dinas",
               kota="Purwokerto", kertas=kertas)


@pytest.mark.parametrize(("money", "thousands", "kode_column"), [
    (4_250_000.0, False, True),
    (425_000_000.0, True, True),  # too wide in rupiah at 7 pt: shown in thousands, the title says so
    (425_000_000_000.0, True, False),  # and then the code in the uraian column
])
def test_small_form_on_a3(tmp_path, money, thousands, kode_column):
    path = tmp_path / "e81.xlsx"
    e81 = _e81("A3", money)
    rf.write_evaluasi_workbook(e81, e81.instansi, path)
    ws = load_workbook(path).active
    assert ws["A1"].value == "EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH LINGKUP KABUPATEN"
    assert int(ws.page_setup.paperSize) == A3 and ws.print_title_cols is None
    smallest, drawn, printable = _printed_sizes_and_width(ws)
    assert smallest >= 7.0 and drawn <= printable, (smallest, drawn, printable)
    texts = {text for _, _, text in _texts(ws)}
    assert ("Anggaran (Rp) dalam ribuan rupiah" in texts) is thousands
    head = _header_row(ws)
    assert (ws.cell(head + 1, 3).value == "Kode") is kode_column
    first = ws.cell(head + 4, 3 if kode_column else 3)  # the first sub kegiatan's code, or its uraian's first line
    assert first.value.split("\n")[0] == "1.02.02.2.01.0015"
    rp = ws.cell(head + 3, ws.max_column - 19)  # the sasaran's Target Renstra Rp: the rupiah kept in the cell
    assert rp.value == round(money * 5)
    assert rp.number_format == (rf.THOUSANDS_FORMAT if thousands else "#,##0")
    assert {"dr. Hadi Sutrisno, M.Kes.", "NIP. 197205141999031006", "Kepala Dinas", "Purwokerto, tanggal "
            + "." * 25, "Kepala Bappeda Kabupaten", "Predikat kinerja", "Sangat Tinggi"} <= texts
    name = next(ws.cell(r, c) for r, c, text in _texts(ws) if text == "dr. Hadi Sutrisno, M.Kes.")
    assert name.font.b and name.font.u == "single"


def test_f4_legible_first(tmp_path):
    """F4 (Kertas: F4) cannot hold a full year's 20 K and Rp columns at 7 pt: the text stays legible,
    the last columns print on a page across that repeats No, Sasaran and the uraian."""
    e81 = dataclasses.replace(_e81("F4", 4_250_000_000.0), lingkup=None, kepala=None, nip=None, jabatan=None,
                              kota=None)
    path = tmp_path / "e81.xlsx"
    rf.write_evaluasi_workbook(e81, e81.instansi, path)
    ws = load_workbook(path).active
    assert int(ws.page_setup.paperSize) == FOLIO and ws.page_setup.orientation == "landscape"
    smallest, drawn, printable = _printed_sizes_and_width(ws)
    assert smallest >= 7.0 and drawn > printable
    assert ws.print_title_cols.replace("$", "") == "A:C"
    # small budgets fit F4's width
    rf.write_evaluasi_workbook(_e81("F4", 1_000_000.0), e81.instansi, path)
    small = load_workbook(path).active
    smallest, drawn, printable = _printed_sizes_and_width(small)
    assert int(small.page_setup.paperSize) == FOLIO and smallest >= 7.0 and drawn <= printable
    assert small.print_title_cols is None
    assert ws["A1"].value == "EVALUASI TERHADAP HASIL RENJA PERANGKAT DAERAH LINGKUP PROVINSI/KABUPATEN/KOTA"
    texts = [text for _, _, text in _texts(ws)]
    assert "Kepala Perangkat Daerah" in texts and "Kepala Bappeda" in texts
    assert sum(1 for t in texts if t.startswith("( ....")) == 2
