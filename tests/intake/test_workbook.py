"""read_workbooks / read_csv_text: text cells with true positions, read in a sandbox."""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

import openpyxl
import polars as pl
import pytest

from pipeline.intake import workbook
from pipeline.intake.safety import Verdict
from pipeline.intake.workbook import SheetData, WorkbookData, _is_percent_code, read_csv_text, read_workbooks

from .test_safety import cell, rewrite, row, simple_xlsx, write_xlsx


def only_sheet(book: WorkbookData) -> SheetData:
    assert not book.problems, book.problems
    assert len(book.sheets) == 1
    return book.sheets[0]


def value(sheet: SheetData, ref: str) -> str | None:
    letters = ref.rstrip("0123456789")
    number = int(ref[len(letters) :])
    return sheet.cells[letters][number - 1]


def table_at_c4(tmp_path: Path) -> Path:
    shared: list[str] = []
    rows = (
        row(1, cell("A1", "LAPORAN REALISASI BULAN DESEMBER 2024", "s", shared=shared))
        + row(4, cell("C4", "Kode", "s", shared=shared), cell("D4", "Pagu", "s", shared=shared), cell("E4", "Fisik", "s", shared=shared))
        + row(5, cell("C5", "1.234", "s", shared=shared), cell("D5", 1.234), cell("E5", 0.1961, style=1))
        + row(6, cell("C6", "-12.500", "inline"), cell("D6", "12.5", "s", shared=shared), cell("E6", 0.5, style=2))
        + row(7, cell("C7", "2.17.02", "s", shared=shared), cell("D7", 45000, style=3), cell("E7", 19.61))
    )
    # the title in A1 would make calamine start at column A: move it to a second sheet for this test
    title, body = rows.split("</row>", 1)
    return write_xlsx(
        tmp_path / "realisasi.xlsx",
        [("Realisasi", body), ("Judul", title + "</row>")],
        shared=shared,
        dimension={"Realisasi": "C4:E7"},
    )


def test_true_rows_and_column_letters(tmp_path):
    path = table_at_c4(tmp_path)
    book = read_workbooks([path])[path]
    assert [s.name for s in book.sheets] == ["Realisasi", "Judul"]
    sheet = book.sheets[0]
    assert sheet.cells.columns == ["C", "D", "E"]
    assert all(dtype == pl.String for dtype in sheet.cells.dtypes)
    assert sheet.cells.height == 7  # rows 1-3 are empty but kept
    assert value(sheet, "C4") == "Kode" and value(sheet, "E4") == "Fisik"
    assert value(sheet, "D5") == "1.234" and value(sheet, "C7") == "2.17.02"
    assert sheet.cells.row(0) == (None, None, None)
    title = book.sheets[1]
    assert title.cells.columns == ["A"] and value(title, "A1").startswith("LAPORAN")


def test_text_that_looks_like_a_float_is_flagged(tmp_path):
    path = table_at_c4(tmp_path)
    sheet = read_workbooks([path])[path].sheets[0]
    # C5 is the text "1.234", D5 the number 1.234: both read "1.234"
    assert value(sheet, "C5") == value(sheet, "D5") == "1.234"
    assert (5, "C") in sheet.text_cells and (5, "D") not in sheet.text_cells
    assert (6, "C") in sheet.text_cells  # inline string "-12.500"
    assert (6, "D") not in sheet.text_cells  # "12.5" does not match the pattern
    assert sheet.text_cells == {(5, "C"), (6, "C")}


def test_percent_formatted_numbers_are_flagged(tmp_path):
    path = table_at_c4(tmp_path)
    sheet = read_workbooks([path])[path].sheets[0]
    assert value(sheet, "E5") == "0.1961"
    # E5 custom "0.00%", E6 built-in 10; D7 is a date format, E7 a plain 19.61
    assert sheet.percent_cells == {(5, "E"), (6, "E")}


def test_percent_format_code():
    assert _is_percent_code("0.00%") and _is_percent_code('#,##0.0" pts"%')
    assert not _is_percent_code('0.00"%"') and not _is_percent_code("0\\%") and not _is_percent_code("#,##0")


def test_openpyxl_workbook_with_offset_table(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws["D3"] = "NIK"
    ws["E3"] = "Nama Koperasi"
    ws["D4"] = "3201234567890123"
    ws["E4"] = "Koperasi Sejahtera"
    ws["F5"] = 0.1961
    ws["F5"].number_format = "0.00%"
    ws["D6"] = "1.234"
    ws["E6"] = 1.234
    hidden = wb.create_sheet("Rahasia")
    hidden["A1"] = "x"
    hidden.sheet_state = "hidden"
    very = wb.create_sheet("Lookup")
    very["A1"] = "y"
    very.sheet_state = "veryHidden"
    wb.create_sheet("Catatan")["B2"] = "terlihat"
    path = tmp_path / "odk.xlsx"
    wb.save(path)
    book = read_workbooks([path], {path: "odk/odk.xlsx"})[path]
    assert book.hidden_sheets == ["Rahasia", "Lookup"]
    assert [s.name for s in book.sheets] == ["Data", "Catatan"]
    data = book.sheets[0]
    assert data.cells.columns == ["D", "E", "F"]
    assert value(data, "D4") == "3201234567890123" and value(data, "E3") == "Nama Koperasi"
    assert data.text_cells == {(6, "D")} and data.percent_cells == {(5, "F")}
    assert book.sheets[1].cells.columns == ["B"] and value(book.sheets[1], "B2") == "terlihat"


def test_rich_text_shared_string_and_leading_empty_string_cell(tmp_path):
    shared_xml = (
        '<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<si><t>Kode</t></si>"
        '<si><r><rPr><b/></rPr><t>1</t></r><r><t xml:space="preserve">.250</t></r><rPh sb="0" eb="1"><t>x</t></rPh></si>'
        "<si><t></t></si></sst>"
    )
    rows = row(2, '<c r="B2" t="s"><v>2</v></c>', '<c r="C2" t="s"><v>0</v></c>') + row(3, '<c r="C3" t="s"><v>1</v></c>')
    path = write_xlsx(tmp_path / "rich.xlsx", [("Data", rows)], shared_xml=shared_xml)
    sheet = only_sheet(read_workbooks([path])[path])
    assert value(sheet, "C2") == "Kode" and value(sheet, "C3") == "1.250"
    assert sheet.text_cells == {(3, "C")}


def test_hidden_sheet_is_skipped(tmp_path):
    rows = row(1, cell("A1", 1))
    path = write_xlsx(tmp_path / "h.xlsx", [("Rahasia", rows), ("Realisasi", rows)], states={"Rahasia": "hidden"})
    book = read_workbooks([path])[path]
    assert book.hidden_sheets == ["Rahasia"] and [s.name for s in book.sheets] == ["Realisasi"]


# --- broken and hostile files ------------------------------------------------------


def xfd_file(tmp_path: Path) -> Path:
    return write_xlsx(tmp_path / "xfd.xlsx", [("Data", row(1, cell("A1", 1)) + row(1048576, cell("XFD1048576", 1)))])


def test_hostile_files_rejected_good_file_read(tmp_path):
    good = table_at_c4(tmp_path)
    bomb = rewrite(simple_xlsx(tmp_path / "g.xlsx"), tmp_path / "bom.xlsx", add={"xl/media/z.xml": b"\x00" * (4 << 20)})
    dtd = rewrite(
        simple_xlsx(tmp_path / "g2.xlsx"),
        tmp_path / "dtd.xlsx",
        replace={"docProps/app.xml": b'<?xml version="1.0"?><!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>'},
    )
    macro = rewrite(simple_xlsx(tmp_path / "g3.xlsx"), tmp_path / "makro.xlsx", add={"xl/vbaProject.bin": b"\x00" * 64})
    truncated = tmp_path / "potong.xlsx"
    truncated.write_bytes(good.read_bytes()[:700])
    empty = tmp_path / "nol.xlsx"
    empty.write_bytes(b"")
    encrypted = tmp_path / "sandi.xlsx"
    encrypted.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600 + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 600)
    legacy = simple_xlsx(tmp_path / "lama.xls")
    xlsm = simple_xlsx(tmp_path / "makro.xlsm")
    ods = simple_xlsx(tmp_path / "calc.ods")
    paths = [xfd_file(tmp_path), bomb, good, dtd, macro, truncated, empty, encrypted, legacy, xlsm, ods]
    books = read_workbooks(paths)
    assert list(books) == paths
    expected = {
        "xfd.xlsx": "file_unsafe",
        "bom.xlsx": "file_unsafe",
        "dtd.xlsx": "file_unsafe",
        "makro.xlsx": "file_unsafe",
        "potong.xlsx": "file_incomplete",
        "nol.xlsx": "file_incomplete",
        "sandi.xlsx": "file_not_readable",
        "lama.xls": "file_format_unsupported",
        "makro.xlsm": "file_format_unsupported",
        "calc.ods": "file_format_unsupported",
    }
    for path, book in books.items():
        if path == good:
            assert only_sheet(WorkbookData(path, book.sheets[:1])).cells.columns == ["C", "D", "E"]
            assert not book.problems
            continue
        assert [p.rule for p in book.problems] == [expected[path.name]], (path.name, book.problems)
        assert book.sheets == []
        assert book.problems[0].file == path.name
    assert "rentang sel tidak wajar" in books[paths[0]].problems[0].message
    assert "kata sandi" in books[encrypted].problems[0].message


def permissive(path, display_name):
    return Verdict("xlsx", "", 0, [])


def test_reader_crash_is_isolated(tmp_path, monkeypatch):
    """Even if inspection let it through, a file that brings calamine down only fails itself."""
    monkeypatch.setattr(workbook, "inspect_file", permissive)
    good = table_at_c4(tmp_path)
    bad = xfd_file(tmp_path)
    start = time.monotonic()
    books = read_workbooks([bad, good, simple_xlsx(tmp_path / "kedua.xlsx")], timeout=30, memory_bytes=1_000_000_000)
    assert time.monotonic() - start < 30
    assert [p.rule for p in books[bad].problems] in (["file_unsafe"], ["file_not_readable"])
    assert "pembaca Excel" in books[bad].problems[0].message
    assert books[good].sheets[0].cells.columns == ["C", "D", "E"] and not books[good].problems
    assert value(books[tmp_path / "kedua.xlsx"].sheets[0], "A1") == "Kode"
    # the parent stayed small
    assert resource.getrusage(resource.RUSAGE_SELF).ru_maxrss < 1_000_000  # KiB


def test_reader_timeout_is_isolated(tmp_path, monkeypatch):
    """A file the reader hangs on (here a FIFO nobody writes to) is killed after the timeout."""
    monkeypatch.setattr(workbook, "inspect_file", permissive)
    fifo = tmp_path / "macet.xlsx"
    os.mkfifo(fifo)
    good = table_at_c4(tmp_path)
    start = time.monotonic()
    books = read_workbooks([fifo, good], timeout=1.5)
    assert time.monotonic() - start < 10
    assert [p.rule for p in books[fifo].problems] == ["file_unsafe"]
    assert "batas waktu" in books[fifo].problems[0].message
    assert books[good].sheets[0].cells.columns == ["C", "D", "E"]


def test_calamine_error_becomes_a_problem(tmp_path):
    path = rewrite(simple_xlsx(tmp_path / "g.xlsx"), tmp_path / "rusak.xlsx", replace={"xl/worksheets/sheet1.xml": b"<worksheet><sheetData><row"})
    book = read_workbooks([path])[path]
    assert [p.rule for p in book.problems] == ["file_not_readable"] and book.sheets == []


# --- CSV -------------------------------------------------------------------------


def test_csv_semicolon_windows_1252(tmp_path):
    path = tmp_path / "odk.csv"
    text = 'NIK;Nama Koperasi;Volume Usaha\r\n"3201234567890123";Koperasi Sejahtera;Rp. 1.234,00\r\n0012;Koperasi “Maju”;"5;6"\r\n'
    path.write_bytes(text.encode("cp1252"))
    frame, problems = read_csv_text(path, "odk/odk.csv")
    assert problems == []
    assert frame.columns == ["A", "B", "C"] and all(d == pl.String for d in frame.dtypes)
    assert frame.row(0) == ("NIK", "Nama Koperasi", "Volume Usaha")
    assert frame.row(1) == ("3201234567890123", "Koperasi Sejahtera", "Rp. 1.234,00")
    assert frame.row(2) == ("0012", "Koperasi “Maju”", "5;6")


@pytest.mark.parametrize("bom", [b"\xef\xbb\xbf", b""])
def test_csv_comma_utf8(tmp_path, bom):
    path = tmp_path / "odk.csv"
    path.write_bytes(bom + 'NIK,Nama Koperasi,Volume Usaha\n3201,Koperasi Sejahtera,"Rp. 1.234,00"\n,,\n3202,Kopérasi Ñ\n'.encode())
    frame, problems = read_csv_text(path, "odk.csv")
    assert problems == []
    assert frame.row(0) == ("NIK", "Nama Koperasi", "Volume Usaha")  # no BOM left in A1
    assert frame.row(1) == ("3201", "Koperasi Sejahtera", "Rp. 1.234,00")
    assert frame.row(2) == (None, None, None)
    assert frame.row(3) == ("3202", "Kopérasi Ñ", None)


def test_csv_semicolon_utf8_bom(tmp_path):
    path = tmp_path / "odk.csv"
    path.write_bytes(b"\xef\xbb\xbf" + "NIK;Nama\n3201;Koperasi Sejahtera Rp. 1.234,00\n".encode())
    frame, _ = read_csv_text(path, "odk.csv")
    assert frame.row(1) == ("3201", "Koperasi Sejahtera Rp. 1.234,00")


def test_csv_rejected(tmp_path):
    path = tmp_path / "biner.csv"
    path.write_bytes(b"a,b\n\x00\x01")
    frame, problems = read_csv_text(path, "biner.csv")
    assert frame is None and [p.rule for p in problems] == ["file_not_readable"]


def test_numbers_of_15_or_more_digits_are_told_apart_from_text(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws["A1"], ws["B1"] = "NIK", "Volume"
    ws["A2"], ws["B2"] = "5101010000000001", 123456789012345678  # text NIK; a huge but legitimate number
    ws["A3"], ws["B3"] = 5101010000000020, 5
    path = tmp_path / "nik.xlsx"
    wb.save(path)
    sheet = read_workbooks([path])[path].sheets[0]
    assert sheet.long_number_cells == {(3, "A"), (2, "B")}


def test_after_a_crash_the_rest_of_the_batch_is_read_together(tmp_path, monkeypatch):
    """The child reads in order, so the file it died on (here killed on, a FIFO nobody writes to) is the
    first it did not finish: that one alone in a child of its own, the files after it in one more child
    (not one child each)."""
    monkeypatch.setattr(workbook, "inspect_file", permissive)
    children = []
    real = workbook.run_child
    monkeypatch.setattr(workbook, "run_child", lambda batch, *a: children.append(len(batch)) or real(batch, *a))
    first = table_at_c4(tmp_path)
    fifo = tmp_path / "macet.xlsx"
    os.mkfifo(fifo)
    after = [simple_xlsx(tmp_path / f"sesudah-{i}.xlsx") for i in range(3)]
    books = read_workbooks([first, fifo, *after], timeout=1.5)
    assert children == [5, 1, 3]
    assert [p.rule for p in books[fifo].problems] == ["file_unsafe"]
    assert books[first].sheets[0].cells.columns == ["C", "D", "E"] and not books[first].problems
    assert all(value(books[p].sheets[0], "A1") == "Kode" and not books[p].problems for p in after)
