"""The document as the published report lays it out, and what it must not leave out.

Two documents: the bundled sample's December draft (the session's ``sample_report``) and the Jawa
Timur office's June draft (:mod:`pipeline.samples.office`, one run here) in which the Bidang
Kewirausahaan sent its May file and no June file: its program must still be in Tabel 3.7 and 3.8,
with its figures N/A and a note, and Tabel 3.8's JUMLAH must still be Tabel 2.3's total.  The June
draft rests on data of a year still running (ODK Tahun Buku 2025, Statistik 2025): those figures are
marked *(sementara)*.  Every assertion reads the WRITTEN .docx / .xlsx.
"""

from __future__ import annotations

import zipfile
from datetime import datetime
from pathlib import Path

import pytest
from _docx_tables import captioned_tables

from pipeline.samples import office as o

docx = pytest.importorskip("docx")

PERIOD = "2025-06"
MISSING_PROGRAM = "PROGRAM PENGEMBANGAN UMKM"
MISSING_SUB = "Fasilitasi Pemberdayaan Usaha Mikro"


def _tables(path: Path) -> dict[str, list[list[str]]]:
    """Each captioned table ("Tabel 3.2 ...", "Lampiran 1.1 ...") as rows of cell texts, headers included."""
    return captioned_tables(docx.Document(str(path)))


def _text(path: Path) -> str:
    return "\n".join(" ".join(p.text.split()) for p in docx.Document(str(path)).paragraphs)


def _row(rows: list[list[str]], needle: str) -> list[str]:
    return next(r for r in rows if any(needle in cell for cell in r))


@pytest.fixture(scope="module")
def june(tmp_path_factory):
    """The office's June run: Kewirausahaan sent May's file, not June's."""
    from pipeline.cli import main
    from pipeline.samples.writer import write_realisasi

    root = tmp_path_factory.mktemp("office-june")
    inputs = root / "inputs"
    o.generate_office(inputs)
    write_realisasi(inputs / "realisasi" / "Realisasi Mei 2025 Kewirausahaan.xlsx", [o.program("2.17.07")],
                    title=("PEMERINTAH PROVINSI JAWA TIMUR", "DINAS KOPERASI DAN USAHA KECIL MENENGAH",
                           "LAPORAN REALISASI FISIK DAN KEUANGAN", "BIDANG KEWIRAUSAHAAN", "Bulan: Mei 2025", None),
                    saved=datetime(2025, 6, 5, 2, 0))
    assert not [p for p in (inputs / "realisasi").rglob("*.xlsx") if "Juni" in p.name and "Kewirausahaan" in p.name]
    assert main(["run", "--inputs", str(inputs), "--outputs", str(root / "outputs"), "--period", PERIOD]) == 0
    folder = root / "outputs" / PERIOD
    return folder / f"laporan-kinerja-{PERIOD}.docx", folder / f"laporan-kinerja-{PERIOD}.xlsx"


# --- nothing silently left out -------------------------------------------------------------------------


def test_a_program_missing_from_the_months_files_is_in_tabel_3_7_and_3_8(june):
    document, _ = june
    tables = _tables(document)
    program = _row(tables["3.8"], MISSING_PROGRAM)
    assert program[2:] == ["1.200.000.000", "N/A", "N/A"]  # its pagu as its May file stated it
    assert "Tidak ada dalam berkas Juni 2025" in program[1] and "Bidang Kewirausahaan" in program[1]
    sub = _row(tables["3.8"], MISSING_SUB)
    assert sub[2:] == ["1.200.000.000", "N/A", "N/A"]
    in_3_7 = _row(tables["3.7"], MISSING_PROGRAM)
    assert in_3_7[6] == "100,00%"  # its target as last stated; what it reached in June is not known
    assert in_3_7[7:10] == ["N/A", "N/A", "N/A"] and "Tidak ada dalam berkas Juni 2025" in in_3_7[4]
    assert "belum mengirim berkas" in _row(tables["3.7"], MISSING_SUB)[4]
    assert "PROGRAM PENGEMBANGAN UMKM (Bidang Kewirausahaan)" in _text(document)


def test_tabel_3_8_total_is_tabel_2_3s_total_and_the_sentence_of_2_2(june):
    document, _ = june
    tables = _tables(document)
    alokasi = _row(tables["2.3"], "Alokasi anggaran")
    jumlah = tables["3.8"][-1]
    assert jumlah[1] == "JUMLAH" and jumlah[2] == alokasi[3] == "12.670.000.000"
    assert jumlah[3:] == ["N/A", "N/A"]  # the missing program's realisasi is not known
    reported = _row(tables["3.8"], "Jumlah yang dilaporkan")
    assert reported[2:] == ["11.470.000.000", "5.571.500.000", "48,57%"]
    assert _row(tables["3.8"], "Belum dilaporkan")[2] == "1.200.000.000"
    text = _text(document)
    assert "yang didukung oleh dana sebesar Rp 12.670.000.000" in text
    assert "tidak sama dengan total anggaran Tabel 2.3" not in text


# --- provisional figures --------------------------------------------------------------------------------


def test_the_mid_year_document_marks_sementara(june):
    document, workbook = june
    tables = _tables(document)
    volume = _row(tables["3.2"], "Persentase Peningkatan Volume Usaha Koperasi")
    rasio = _row(tables["3.2"], "Rasio Kewirausahaan")
    tidak_sehat = _row(tables["3.2"], "Persentase Koperasi Tidak Sehat")
    for row in (volume, rasio):  # computed from ODK Tahun Buku 2025 / Statistik 2025, both s.d. Juni
        assert row[7].endswith("(sementara)") and row[8].endswith("(sementara)"), row
    assert "(sementara)" not in " ".join(tidak_sehat)  # stated by the planner: final
    assert _row(tables["3.5"], "Rasio Kewirausahaan")[4].endswith("(sementara)")
    years = tables["3.3"][1]
    assert years[3:5] == ["2024", "2025"] and years[8:10] == ["2024", "2025"]
    trend = _row(tables["3.3"], "Rasio Kewirausahaan")
    assert trend[9].endswith("(sementara)") and "(sementara)" not in trend[8]  # 2025 running, 2024 final
    text = _text(document)
    assert "Angka bertanda (sementara) dihitung dari data tahun berjalan yang belum lengkap (Tahun Buku 2025" in text
    with zipfile.ZipFile(workbook) as zf:  # the charts' labels (the document's pictures are drawn from the same specs)
        charts = " ".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/charts/chart"))
    assert "Rasio Kewirausahaan (sementara)" in charts and "2025 (sementara)" in charts


# --- the published layout --------------------------------------------------------------------------------


def test_rows_letters_and_column_numbers_as_published(sample_report):
    tables = _tables(sample_report.with_suffix(".docx"))
    tujuan = "Persentase KUMKM Menuju Digital"  # the tujuan's indicator: no target in 2024, so no row of its own
    for number in ("2.1", "2.2", "3.2", "3.3", "3.4", "3.5"):
        assert not [r for r in tables[number] if tujuan in r], number
    assert tables["2.1"][2] == [f"({i})" for i in range(1, 10)]
    assert [r[0] for r in tables["2.1"][3:]] == ["1", "2"]
    assert tables["2.2"][1] == [str(i) for i in range(1, 7)]
    assert tables["2.4"][1] == [str(i) for i in range(1, 6)]
    assert tables["3.2"][2] == [str(i) for i in range(1, 10)]
    assert [r[0] for r in tables["3.2"][3:]] == ["a", "b"]
    for number in ("3.4", "3.5"):
        assert [r[0] for r in tables[number][1:]] == ["a", "b"], number


def _header_cells(path: Path, header: bool = True):
    """(text, width in cm, font size in pt, left+right padding in cm) of every header cell of every table
    of the document (with ``header`` False: of every other cell)."""
    from docx.shared import Length

    document = docx.Document(str(path))
    qn = docx.oxml.ns.qn
    for table in document.tables:
        mar = table._tbl.tblPr.find(qn("w:tblCellMar"))
        padding = (sum(int(mar.find(qn(f"w:{side}")).get(qn("w:w"))) for side in ("left", "right")) / 567
                   if mar is not None else 0.38)
        grid = [Length(int(c.get(docx.oxml.ns.qn("w:w")) or 0) * 635).cm
                for c in table._tbl.tblGrid.iterchildren(docx.oxml.ns.qn("w:gridCol"))]
        for tr in table._tbl.tr_lst:
            is_header = tr.trPr is not None and tr.trPr.find(docx.oxml.ns.qn("w:tblHeader")) is not None
            if is_header != header:
                continue
            col = 0
            for tc in tr.tc_lst:
                span = tc.grid_span
                text = "".join(t.text or "" for t in tc.iter(docx.oxml.ns.qn("w:t")))
                sizes = [int(sz.get(docx.oxml.ns.qn("w:val"))) / 2 for sz in tc.iter(docx.oxml.ns.qn("w:sz"))]
                yield text, sum(grid[col:col + span]), min(sizes) if sizes else 8.5, padding
                col += span


def test_header_words_fit_their_columns(sample_report, june):
    from pipeline.report.templates.build_template import text_width_cm

    checked = 0
    for path in (sample_report.with_suffix(".docx"), june[0]):
        for text, width, size, padding in _header_cells(path):
            for word in text.split():
                need = text_width_cm(word, size)
                assert need <= width - padding, (path.name, text, word, width, size)
                checked += 1
    assert checked > 200  # every table's headers were read
    marks = 0
    for text, width, size, padding in _header_cells(june[0], header=False):  # a provisional figure's mark too
        if "(sementara)" in text:
            assert text_width_cm("(sementara)", size, bold=False) <= width - padding, (text, width, size)
            marks += 1
    assert marks >= 8


def test_lampiran_perjanjian_kinerja_and_iku_document(june):
    document, _ = june
    tables = _tables(document)
    pk = tables["L1.1"]
    assert _row(pk, "Rasio Kewirausahaan")[1:] == ["Meningkatnya Wirausaha yang Produktif", "Rasio Kewirausahaan",
                                                  "%", "3,20%"]
    programs = tables["L1.2"]
    assert _row(programs, MISSING_PROGRAM)[2] == "1.200.000.000"
    assert _row(programs, "PENUNJANG URUSAN")[3] == "Program penunjang"
    assert programs[-1][1:3] == ["JUMLAH", "12.670.000.000"]
    iku = tables["L2.1"]
    tidak_sehat = _row(iku, "Persentase Koperasi Tidak Sehat")
    assert tidak_sehat[3] == "Koperasi tidak sehat / koperasi yang dinilai x 100%"
    assert tidak_sehat[5:7] == ["%", "Negatif"]
    assert tidak_sehat[7:9] == ["10,00%", "N/A"]  # 2025, 2026 (no target given for 2026)
    assert iku[1][7:12] == ["2025", "2026", "2027", "2028", "2029"]
    assert _row(iku, "Rasio Kewirausahaan")[7:9] == ["3,20%", "3,40%"]


# --- charts ------------------------------------------------------------------------------------------------


def test_charts_keep_the_offices_capitalisation_and_show_negatives(june):
    from pipeline.report.charts import PERCENT, Chart, axis_limits, render_png

    _, workbook = june
    with zipfile.ZipFile(workbook) as zf:
        charts = " ".join(zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/charts/chart"))
    assert "PENGEMBANGAN UMKM" in charts and "umkm" not in charts
    chart = Chart("capaian-sasaran", "IKU", "Capaian", ["Volume Usaha", "Rasio"], [("Capaian", [-1013.96, 96.88])],
                  unit=PERCENT, horizontal=True, reference=100.0)
    low, high = axis_limits(chart)
    assert low < -1013.96 and high > 100.0
    assert render_png(chart).startswith(b"\x89PNG")


# --- the workbook prints ------------------------------------------------------------------------------------


def test_every_sheet_prints_on_a4_landscape_with_charts_below_the_table(june):
    from openpyxl import load_workbook

    from pipeline.report.workbook import OWN_PRINT_LAYOUT, PRINT_WIDTH

    _, workbook = june
    wb = load_workbook(workbook)
    charts = 0
    for ws in wb.worksheets:
        assert ws.page_setup.orientation == "landscape" and str(ws.page_setup.paperSize) == str(ws.PAPERSIZE_A4), ws.title
        assert ws.sheet_properties.pageSetUpPr.fitToPage and ws.page_setup.fitToWidth == 1, ws.title
        assert ws.print_title_rows, ws.title
        if ws.title not in OWN_PRINT_LAYOUT:
            widths = [ws.column_dimensions[c].width or 13 for c in
                      (ws.cell(1, i).column_letter for i in range(1, ws.max_column + 1))]
            assert sum(widths) <= PRINT_WIDTH + 60, ws.title  # numbers do not wrap: a little over is allowed
        last = max((r for r in range(1, ws.max_row + 1) if any(ws.cell(r, c).value is not None
                                                              for c in range(1, ws.max_column + 1))), default=0)
        for chart in ws._charts:
            charts += 1
            anchor = chart.anchor._from
            assert anchor.col == 0 and anchor.row + 1 > last, (ws.title, anchor.row, last)
    assert charts >= 4


def test_when_the_totals_differ_the_document_says_both_and_the_difference():
    """A program no file has ever stated (its pagu unknown): Tabel 3.8's JUMLAH is short of Tabel 2.3's
    total, and the note under the table gives both figures and the difference."""
    from pipeline.domain.figures import BarisAnggaran, JumlahAnggaran, RealisasiAnggaran
    from pipeline.report.document import _totals_3_8

    note = "Belum ada berkas realisasi tahun 2025 dari Bidang Kewirausahaan; pagu dan realisasi belum diketahui."
    tree = RealisasiAnggaran(
        (BarisAnggaran("program", "2.17.02", "PROGRAM PELAYANAN IZIN USAHA SIMPAN PINJAM", "Bidang Kelembagaan",
                       600_000_000.0, 242_000_000.0, 40.33),
         BarisAnggaran("program", "2.17.07", MISSING_PROGRAM, "Bidang Kewirausahaan", None, None, None, note)),
        JumlahAnggaran(600_000_000.0, 242_000_000.0, 40.33), 0.0, (MISSING_PROGRAM,), 1_800_000_000.0,
        1_200_000_000.0)
    rows, notes = _totals_3_8(tree, "Juni")
    assert [r["uraian"] for r in rows][0] == "Jumlah yang dilaporkan" and rows[1]["pagu"] == "N/A"
    assert rows[-1] == {"uraian": "JUMLAH", "pagu": "600.000.000", "realisasi": "N/A", "capaian": "N/A"}
    assert f"{MISSING_PROGRAM} (Bidang Kewirausahaan)" in notes[0]
    assert notes[1] == ("Jumlah pagu Tabel 3.8 (Rp 600.000.000) tidak sama dengan total anggaran Tabel 2.3 "
                        f"(Rp 1.800.000.000): selisih Rp 1.200.000.000, antara lain karena pagu {MISSING_PROGRAM} "
                        "belum diketahui.")
