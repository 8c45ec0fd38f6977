"""What the referensi tells the E.81 form: the paper (`Kertas: F4` in the Renstra sheet) and both
tindak lanjut columns of `Analisis` (the old single `Tindak Lanjut` is the next quarter's)."""

from __future__ import annotations

import shutil
from pathlib import Path

import openpyxl
import pytest

from pipeline.domain.sepanjang_tahun import faktor_rows
from pipeline.intake.referensi import kertas_of, read_referensi

SAMPLE = Path(__file__).resolve().parents[2] / "inputs" / "referensi"


def _referensi(tmp_path: Path, kertas: str | None, analisis: list[list] | None) -> Path:
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE, inputs / "referensi")
    path = next((inputs / "referensi").glob("*.xlsx"))
    wb = openpyxl.load_workbook(path)
    if kertas is not None:
        wb["Renstra"].append(["Kertas", kertas])
    if analisis is not None:
        if "Analisis" in wb.sheetnames:
            del wb["Analisis"]
        ws = wb.create_sheet("Analisis")
        for row in analisis:
            ws.append(row)
    wb.save(path)
    return inputs


@pytest.mark.parametrize(("text", "kertas"), [("F4", "F4"), ("f4", "F4"), ("Folio", "F4"), ("F4 (Folio)", "F4"),
                                              ("A3", "A3"), (" a3 ", "A3"), ("Legal", None), ("A3 atau F4", None)])
def test_kertas_values(text, kertas):
    assert kertas_of(text) == kertas


def test_kertas_f4_and_both_tindak_lanjut_columns(tmp_path):
    inputs = _referensi(tmp_path, "F4", [
        ["Kode IKU", "Faktor Pendorong", "Faktor Penghambat", "Tindak Lanjut yang Diperlukan dalam Triwulan Berikutnya",
         "Tindak Lanjut yang Diperlukan dalam Renja Berikutnya"],
        ["S1", "Pendampingan rutin", "Data terlambat", "Percepat verifikasi", "Tambah pagu pendampingan"],
    ])
    ref, sources = read_referensi(inputs)
    assert ref.kertas == "F4"
    assert not [p for s in sources for p in s.problems if p.severity == "Error"]
    rows = dict(faktor_rows(ref.analisis.to_dicts()))
    assert rows["Tindak lanjut yang diperlukan dalam triwulan berikutnya"] == "Percepat verifikasi"
    assert rows["Tindak lanjut yang diperlukan dalam Renja berikutnya"] == "Tambah pagu pendampingan"


def test_unknown_kertas_is_a_warning_and_a3(tmp_path):
    inputs = _referensi(tmp_path, "Legal", [["Kode IKU", "Tindak Lanjut"], ["S1", "Percepat verifikasi"]])
    ref, sources = read_referensi(inputs)
    assert ref.kertas is None  # the form is then printed on A3
    found = [p for s in sources for p in s.problems if p.rule == "value_not_allowed" and p.column == "Kertas"]
    assert len(found) == 1 and found[0].severity == "Peringatan" and found[0].value == "Legal"
    assert "A3, F4" in found[0].message and found[0].sheet == "Renstra"
    rows = dict(faktor_rows(ref.analisis.to_dicts()))  # the single old column: the next quarter's
    assert rows["Tindak lanjut yang diperlukan dalam triwulan berikutnya"] == "Percepat verifikasi"
    assert rows["Tindak lanjut yang diperlukan dalam Renja berikutnya"] == ""
