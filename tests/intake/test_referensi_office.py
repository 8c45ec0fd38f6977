"""The office's name and signature block in the referensi's Renstra sheet."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from pipeline.intake.referensi import DEFAULT_INSTANSI, read_referensi
from pipeline.samples import office as o


def _referensi(tmp_path, renstra: list[tuple[str, object]]):
    inputs = tmp_path / "inputs"
    o.generate_office(inputs)
    path = inputs / o.REFERENSI
    wb = load_workbook(path)
    del wb["Renstra"]
    ws = wb.create_sheet("Renstra")
    for i, (label, value) in enumerate(renstra, start=1):
        ws.cell(i, 1, label)
        ws.cell(i, 2, value)
    wb.save(path)
    return read_referensi(inputs)


@pytest.mark.parametrize("label", ["Nama Instansi", "Instansi", "Perangkat Daerah", "NAMA PERANGKAT DAERAH:"])
def test_the_office_name_under_any_of_its_labels(tmp_path, label):
    ref, sources = _referensi(tmp_path, [("Tahun Awal", 2025), (label, "Dinas Koperasi  dan UKM Kota Kupang")])
    assert ref.instansi == "Dinas Koperasi dan UKM Kota Kupang"
    assert not [p for s in sources for p in s.problems]


def test_no_office_name_is_a_warning_and_titles_say_perangkat_daerah(tmp_path):
    ref, sources = _referensi(tmp_path, [("Tahun Awal", 2025), ("Tahun Akhir", 2029)])
    assert ref.instansi == DEFAULT_INSTANSI and ref.kepala is None and ref.nip is None
    [p] = [p for s in sources for p in s.problems]
    assert p.rule == "instansi_missing" and p.severity == "Peringatan" and "Nama Instansi" in p.message


def test_a_nip_typed_as_a_number_is_flagged(tmp_path):
    ref, sources = _referensi(tmp_path, [("Nama Instansi", "Dinas X"), ("Kepala", "Budi"), ("NIP", 197003151995032004),
                                         ("Jabatan", "Kepala Dinas"), ("Kota", "Kupang")])
    [p] = [p for s in sources for p in s.problems]
    assert p.rule == "nip_as_number" and p.cell == "B3"
    assert (ref.kepala, ref.jabatan, ref.kota) == ("Budi", "Kepala Dinas", "Kupang")
