"""Casting a located table's text cells (pipeline.intake.cast), on small text frames."""

from __future__ import annotations

from datetime import date
from types import SimpleNamespace

import polars as pl
import pytest

from pipeline.intake.cast import cast_table
from pipeline.intake.sheets import Located, locate
from pipeline.intake.tables import ODK, REALISASI, STATISTIK


def _located(table, rows: list[list], sheet_data=None) -> Located:
    """Text cells as the sandboxed reader gives them: columns named by letter, row i is Excel row i + 1."""
    width = max(len(r) for r in rows)
    letters = [chr(65 + j) for j in range(width)]
    cells = pl.DataFrame({c: [None if j >= len(r) or r[j] is None else str(r[j]) for r in rows]
                          for c, j in zip(letters, range(width), strict=True)}, schema={c: pl.String for c in letters})
    found = locate(table, cells, file="x.xlsx", sheet="Data")
    assert isinstance(found, Located), found
    found.sheet_data = sheet_data
    return found


HEADER = ["Kode", "Uraian", "Indikator", "Satuan", "Target", "Realisasi", "Pagu", "Realisasi Anggaran"]


def test_money_codes_and_bad_cells():
    loc = _located(REALISASI, [HEADER,
                               ["2.17.04.1.01.03", "Sub", "x", "Unit", "10", "12", "Rp. 1.234.567,00", "1.000.000"],  # row 2
                               ["2.17.4.1.01.0001", "Kode salah", "x", "Unit", "1", "1", "5000", "0"],  # row 3
                               ["2.17.04.1.01.0004", "Pagu salah", "x", "Unit", "1", "1", "dua ribu", "0"],  # row 4
                               ["2.17.04.1.01.0005", "Kosong", "x", "Unit", None, None, "(1.000)", "-"]])  # row 5
    frame, problems, rejected = cast_table(loc)
    assert frame["kode"].to_list() == ["2.17.04.1.01.0003", "2.17.04.1.01.0005"]
    assert frame["pagu"].to_list() == [1_234_567.0, -1_000.0]  # negatives are the expectation suite's to refuse
    assert frame["realisasi_anggaran"].to_list() == [1_000_000.0, None]  # "-" is empty, as in Indonesian reports
    assert frame["target"].to_list() == [10.0, None]
    assert frame["_row"].to_list() == [2, 5]
    assert rejected == {3, 4}
    assert [(p.rule, p.severity, p.cell, p.column) for p in problems] == [  # column by column
        ("code_invalid", "Error", "A3", "Kode"), ("number_invalid", "Error", "G4", "Pagu")]
    assert problems[1].value == "dua ribu" and problems[1].row == 4 and problems[1].col == "G"


def test_ambiguous_text_number_and_percent_cells():
    """'1.234' typed as text is Indonesian thousands; a cell with a percent format holds a fraction."""
    loc = _located(STATISTIK, [["Tahun", "Kabupaten/Kota", "Penduduk Usia Produktif", "Jumlah UMKM"],
                               ["2024", "Badung", "1.234", "10"],  # a TEXT cell: Indonesian thousands
                               ["2024", "Bangli", "1.234", "10"],  # a number cell calamine rendered: 1.234
                               ["2024", "Buleleng", "900", "1.5"]],
                   sheet_data=SimpleNamespace(text_cells=frozenset({(2, "C")}), percent_cells=frozenset(),
                                              long_number_cells=frozenset()))
    frame, problems, rejected = cast_table(loc)
    assert frame["kabupaten"].to_list() == ["Badung"] and frame["penduduk_usia_produktif"].to_list() == [1234]
    assert frame["tahun"].to_list() == [2024] and frame.schema["penduduk_usia_produktif"] == pl.Int64
    assert [(p.rule, p.cell) for p in problems] == [("integer_invalid", "C3"), ("integer_invalid", "D4")]
    assert rejected == {3, 4}


def test_odk_kinds():
    header = ["NIK", "Nama Koperasi", "Kabupaten/Kota", "Status", "Tahun Buku", "Volume Usaha", "Digital", "Tanggal Update"]
    loc = _located(ODK, [header,
                         ["5101 0100 0000 0001", "A", "Badung", "AKTIF", "2024", "900.000", "ya", "02/01/2025"],
                         ["5101010000000002", "B", "Badung", "Aktif", "1800", "1", "Tidak", "kemarin"],
                         ["5101010000000003", "C", "Badung", "Bubar", "2024", "1", "Tidak", "2025-01-03"]],
                   sheet_data=SimpleNamespace(text_cells=frozenset({(2, "F")}), percent_cells=frozenset(),
                                              long_number_cells=frozenset({(4, "A")})))
    frame, problems, rejected = cast_table(loc)
    assert frame["nik"].to_list() == ["5101010000000001", "5101010000000003"]  # spaces dropped, kept as text
    assert frame["status"].to_list() == ["Aktif", "Bubar"]  # allowed values canonical; others left to the suite
    assert frame["digital"].to_list() == ["Ya", "Tidak"]
    assert frame["tanggal_update"].to_list() == [date(2025, 1, 2), date(2025, 1, 3)]
    assert frame["volume_usaha"].to_list() == [900_000.0, 1.0]
    assert frame["anggota"].to_list() == [None, None]  # an absent optional column: typed and empty
    assert frame.schema["anggota"] == pl.Int64
    assert {(p.rule, p.cell) for p in problems} == {("year_invalid", "E3"), ("date_invalid", "H3"), ("nik_as_number", "A4")}
    assert rejected == {3}  # the NIK warning does not reject its row


def test_percent_cells():
    """A cell with a percent format holds a fraction (0.1961 shown as 19,61%); other cells hold percent points."""
    from pipeline.intake.tables import REALISASI_IKU

    loc = _located(REALISASI_IKU, [["Kode IKU", "Tahun", "Realisasi"], ["S1", "2024", "0.1961"], ["S2", "2024", "19.61"],
                                   ["S3", "2024", "19,61 %"]],
                   sheet_data=SimpleNamespace(text_cells=frozenset(), percent_cells=frozenset({(2, "C")}),
                                              long_number_cells=frozenset()))
    frame, problems, rejected = cast_table(loc)
    assert frame["realisasi"].to_list() == pytest.approx([19.61, 19.61, 19.61])
    assert not problems and not rejected
