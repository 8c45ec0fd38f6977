"""The rules across rows and inputs (pipeline.intake.rules), on small typed inputs."""

from __future__ import annotations

import polars as pl
import pytest

from pipeline.domain.iku import STATED_LABEL, compute_iku
from pipeline.intake import rules
from pipeline.intake.realisasi import RealisasiIntake
from pipeline.intake.referensi import Referensi
from pipeline.problems import ERROR, WARNING

FILE = "realisasi/Realisasi Bidang UKM.xlsx"


def _rows(records: list[tuple]) -> pl.DataFrame:
    """(level, kode, pagu, realisasi_anggaran, excel row) -> the reader's frame of one file."""
    return pl.DataFrame(
        [{"level": lv, "kode": k, "uraian": k, "pagu": p, "realisasi_anggaran": r, "target": 1.0, "realisasi": 1.0,
          "program": ".".join(k.split(".")[:3]), "kegiatan": ".".join(k.split(".")[:5]) if k.count(".") >= 4 else None,
          "file": FILE, "sheet": "Realisasi", "_row": row, "bidang": "Bidang UKM", "_mtime": 0.0}
         for lv, k, p, r, row in records])


def _intake(records: list[tuple]) -> RealisasiIntake:
    rows = _rows(records)
    return RealisasiIntake(period="2024-12", sub=rows.filter(pl.col("level") == "sub_kegiatan"),
                           parents=rows.filter(pl.col("level") != "sub_kegiatan"),
                           letters={FILE: {"kode": "A", "pagu": "G", "realisasi_anggaran": "H", "realisasi": "F"}})


def test_subtotal_mismatch_is_at_the_parents_money_cell():
    intake = _intake([
        ("program", "2.17.05", 300.0, 150.0, 7),
        ("kegiatan", "2.17.05.1.01", 250.0, 150.0, 8),  # its sub kegiatan add up to 300
        ("sub_kegiatan", "2.17.05.1.01.0001", 100.0, 50.0, 9),
        ("sub_kegiatan", "2.17.05.1.01.0002", 200.0, 100.0, 10),
    ])
    [found] = rules.subtotals(intake)
    assert (found.rule, found.severity, found.row, found.col, found.cell) == ("subtotal_mismatch", WARNING, 8, "G", "G8")
    assert found.message == "Kegiatan 2.17.05.1.01: Pagu tertulis Rp 250, sedangkan jumlah sub kegiatannya Rp 300"


def test_duplicate_code_within_a_file_keeps_the_first_row():
    rows = _rows([("sub_kegiatan", "2.17.05.1.01.0001", 100.0, 50.0, 9),
                  ("sub_kegiatan", "2.17.05.1.01.0001", 7.0, 7.0, 12)])
    winners, [found] = rules.duplicate_kegiatan(rows)
    assert winners["_row"].to_list() == [9]
    assert (found.rule, found.severity, found.row, found.col, found.cell) == ("duplicate_row", ERROR, 12, None, "baris 12")
    assert "baris 9" in found.message


def test_realisasi_over_pagu_names_its_cell():
    rows = _rows([("sub_kegiatan", "2.17.05.1.01.0001", 100.0, 150.0, 9)])
    [found] = rules.sub_kegiatan_rows(rows, {FILE: {"realisasi_anggaran": "H"}}, Referensi(file=""))
    assert found.rule == "realisasi_over_pagu" and found.cell == "H9"
    assert found.message == "Realisasi anggaran Rp 150 melebihi pagu Rp 100"


def test_budget_by_jenis_belanja_against_the_sub_kegiatan():
    intake = _intake([("sub_kegiatan", "2.17.05.1.01.0001", 100.0, 50.0, 9)])
    ref = Referensi(file="referensi/Referensi.xlsx",
                    anggaran=pl.DataFrame({"jenis_belanja": ["Belanja Pegawai"], "pagu_awal": [90.0],
                                           "pagu_pergeseran": [90.0]}))
    [found] = rules.budget_by_jenis(ref, intake)
    assert (found.file, found.sheet, found.row, found.cell) == ("referensi/Referensi.xlsx", "Anggaran", None, "")
    assert found.value == "Rp 90" and "Rp 100" in found.message
    assert rules.budget_by_jenis(ref, _intake([("sub_kegiatan", "2.17.05.1.01.0001", 90.0, 50.0, 9)])) == []


def _referensi(stated: float) -> Referensi:
    return Referensi(
        file="referensi/Referensi.xlsx",
        iku=pl.DataFrame({"kode_iku": ["IKU-2"], "indikator": ["Rasio Kewirausahaan"], "sumber": ["RASIO_KEWIRAUSAHAAN"]}),
        stated={("IKU-2", 2024): stated},
        stated_at={("IKU-2", 2024): ("Realisasi IKU", 3, "C")},
        statistik=pl.DataFrame({"tahun": [2024, 2024], "kabupaten": ["Badung", "Bangli"],
                                "penduduk_usia_produktif": [600, 400], "jumlah_umkm": [30, 20]}),
    )


def test_stated_iku_that_differs_from_its_formula_is_a_warning_at_its_cell():
    ref = _referensi(6.0)  # (30 + 20) / (600 + 400) = 5 %
    result = compute_iku(ref.iku, ref.stated, ref.statistik, pl.DataFrame(), [2024])
    assert result.realisasi == {"IKU-2": {2024: 6.0}} and result.source[("IKU-2", 2024)] == STATED_LABEL
    assert result.computed == {("IKU-2", 2024): pytest.approx(5.0)}
    [found] = rules.stated_iku(ref, result)
    assert (found.rule, found.severity, found.sheet, found.cell) == ("iku_override", WARNING, "Realisasi IKU", "C3")
    assert found.message == ("Realisasi Rasio Kewirausahaan tahun 2024 ditetapkan 6,00 % di referensi, "
                             "hasil hitung 5,00 %; nilai referensi yang dipakai")
    # the referensi alone (lkjip validate) can be judged by it: its Statistik has what the formula needs
    assert rules.stated_iku_alone(ref) == [found]
    assert rules.stated_iku_alone(_referensi(5.004)) == []  # within the tolerance
