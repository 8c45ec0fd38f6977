"""The acceptance test: the bundled inputs reproduce the published LKjIP 2024.

Runs `lkjip run` on `inputs/` and reads the WRITTEN workbook (not in-memory
frames).  Money must match to the rupiah; percentages the report prints with
two decimals must match to 0.01, whole-number ones within 1 point (the report
rounds inconsistently; we compute exactly).
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

SHEETS = ["Ringkasan", "IKU", "Tren IKU", "Renstra", "Efisiensi", "Kinerja Program", "Realisasi Anggaran",
          "Anggaran", "Rekonsiliasi", "Koperasi", "Pengumpulan", "Validasi", "Tren Bulanan", "Evaluasi Renja",
          "Peringatan Dini"]


def records(ws, first_column: str) -> list[dict]:
    """The sheet's table as dicts: the header is the first row whose column A says ``first_column``."""
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == first_column)
    header = rows[start]
    return [dict(zip(header, r, strict=False)) for r in rows[start + 1:] if any(v is not None for v in r)]


@pytest.fixture(scope="module")
def wb(sample_report):
    return load_workbook(sample_report)


def pct(value) -> float:
    """A percent cell (stored as a fraction) in percent points."""
    assert isinstance(value, (int, float)), f"expected a number, found {value!r}"
    return value * 100


def test_every_sheet_of_the_contract(wb):
    assert wb.sheetnames == SHEETS
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"formula in {ws.title}!{cell.coordinate}"


def test_tabel_3_8_realisasi_anggaran(wb, golden):
    rows = records(wb["Realisasi Anggaran"], "Level")
    levels = {"program": "Program", "kegiatan": "Kegiatan", "sub_kegiatan": "Sub Kegiatan"}
    by_name: dict[tuple[str, str], dict] = {}
    for r in rows:
        by_name.setdefault((r["Level"], " ".join(str(r["Uraian"]).split()).lower()), r)
    expected = golden["tabel_3_8_realisasi_anggaran"]
    assert len(expected) == 50
    assert sum(1 for r in rows if r["Level"] != "Jumlah") == 50
    for item in expected:
        key = (levels[item["level"]], " ".join(item["uraian"].split()).lower())
        assert key in by_name, f"missing {key}"
        row = by_name[key]
        assert row["Pagu (Rp)"] == item["pagu"], item["ref"]
        assert row["Realisasi (Rp)"] == item["realisasi"], item["ref"]
        assert pct(row["Capaian"]) == pytest.approx(item["capaian_pct"], abs=0.01), item["ref"]
    total = next(r for r in rows if r["Level"] == "Jumlah")
    assert total["Pagu (Rp)"] == golden["tabel_3_8_total"]["pagu"]
    assert total["Realisasi (Rp)"] == golden["tabel_3_8_total"]["realisasi"]
    money_format = wb["Realisasi Anggaran"].cell(row=6, column=5).number_format
    assert "#,##0" in money_format


def test_tabel_2_3_anggaran(wb, golden):
    rows = {r["Jenis Belanja"]: r for r in records(wb["Anggaran"], "Jenis Belanja")}
    names = {"belanja_pegawai": "Belanja Pegawai", "belanja_barang_dan_jasa": "Belanja Barang dan Jasa",
             "belanja_subsidi": "Belanja Subsidi", "belanja_modal": "Belanja Modal"}
    for key, name in names.items():
        assert rows[name]["Pagu Awal (Rp)"] == golden["tabel_2_3_anggaran"][key]["awal"]
        assert rows[name]["Pagu Pergeseran (Rp)"] == golden["tabel_2_3_anggaran"][key]["pergeseran"]
    total = next(r for n, r in rows.items() if n.startswith("Alokasi"))
    assert total["Pagu Awal (Rp)"] == golden["tabel_2_3_anggaran"]["alokasi"]["awal"]
    assert total["Pagu Pergeseran (Rp)"] == golden["tabel_2_3_anggaran"]["alokasi"]["pergeseran"]


def _iku(wb):
    return {(r["Indikator"], r["Tahun"]): r for r in records(wb["IKU"], "Kode IKU")}


def test_tabel_3_2_iku(wb, golden):
    rows = _iku(wb)
    for item in golden["iku"]:
        if item["level"] != "sasaran":
            continue
        for year, capaian in item["capaian_pct"].items():
            row = rows[(item["indikator"], int(year))]
            assert pct(row["Target"]) == pytest.approx(item["targets"][year], abs=0.001)
            assert pct(row["Realisasi"]) == pytest.approx(item["realisasi"][year], abs=0.005)
            assert pct(row["Capaian"]) == pytest.approx(capaian, abs=1)
            assert row["Kategori"] == "Sangat Baik"
    volume = rows[("Persentase Peningkatan Volume Usaha Koperasi", 2024)]
    assert pct(volume["Realisasi"]) == pytest.approx(19.61, abs=0.005)
    rasio_2023 = rows[("Rasio Kewirausahaan", 2023)]
    assert pct(rasio_2023["Capaian"]) == pytest.approx(120.69, abs=0.01)
    # no target in 2023 for the volume indicator: N/A, never 0
    assert rows[("Persentase Peningkatan Volume Usaha Koperasi", 2023)]["Capaian"] == "N/A"


def test_tabel_3_3_tren(wb, golden):
    rows = {(r["Indikator"], r["Tahun"]): r for r in records(wb["Tren IKU"], "Kode IKU")}
    assert pct(rows[("Rasio Kewirausahaan", 2023)]["Target"]) == pytest.approx(2.9)
    assert pct(rows[("Rasio Kewirausahaan", 2023)]["Realisasi"]) == pytest.approx(3.50, abs=0.005)
    assert pct(rows[("Rasio Kewirausahaan", 2024)]["Realisasi"]) == pytest.approx(3.66, abs=0.005)
    assert pct(rows[("Persentase Peningkatan Volume Usaha Koperasi", 2024)]["Target"]) == pytest.approx(8.0)
    for year in (2020, 2021, 2022):
        assert rows[("Persentase Peningkatan Volume Usaha Koperasi", year)]["Realisasi"] == "N/A"
        assert rows[("Rasio Kewirausahaan", year)]["Target"] == "N/A"


def test_tabel_3_4_renstra(wb):
    rows = {r["Indikator"]: r for r in records(wb["Renstra"], "Kode IKU")}
    volume, rasio = rows["Persentase Peningkatan Volume Usaha Koperasi"], rows["Rasio Kewirausahaan"]
    assert pct(volume["Capaian"]) == pytest.approx(81.71, abs=0.01)
    assert volume["Tingkat Kemajuan"] == "Mendekati Target"
    assert pct(volume["Target Akhir Renstra 2026"]) == pytest.approx(24.0)
    assert pct(rasio["Capaian"]) == pytest.approx(104.57, abs=0.01)
    assert rasio["Tingkat Kemajuan"] == "Melebihi Target"


def test_tabel_3_6_efisiensi(wb, golden):
    rows = {r["Sasaran"]: r for r in records(wb["Efisiensi"], "Kode IKU")}
    exact = {"Terwujudnya Koperasi yang Berkualitas dan Modern": 23.23,
             "Terwujudnya UMKM dan Wirausaha yang Berdaya Saing dan Produktif": 4.99}
    for item in golden["tabel_3_6_efisiensi"]:
        row = rows[item["sasaran"]]
        assert row["Anggaran (Rp)"] == item["anggaran"]
        assert row["Realisasi Anggaran (Rp)"] == item["realisasi_anggaran"]
        assert pct(row["Target"]) == pytest.approx(item["target"])
        assert pct(row["Realisasi"]) == pytest.approx(item["realisasi"], abs=0.005)
        assert pct(row["Capaian"]) == pytest.approx(item["capaian_pct"], abs=1)
        assert pct(row["Capaian Anggaran"]) == pytest.approx(item["capaian_anggaran_pct"], abs=1)
        assert pct(row["Tingkat Efisiensi"]) == pytest.approx(exact[item["sasaran"]], abs=0.01)


def test_tabel_3_7_kinerja_program(wb, golden):
    rows = records(wb["Kinerja Program"], "Kode IKU")
    by_indicator = {(r["Level"], " ".join(str(r["Indikator"]).split()).lower()): r for r in rows}
    targets = {k.lower(): v for k, v in golden["program_indicator_targets_2024"].items()}
    level_of_ref = {1: "Program", 2: "Kegiatan", 3: "Sub Kegiatan"}  # "1", "1a", "1a1"
    for item in golden["tabel_3_7_keluaran"]:
        row = by_indicator[(level_of_ref[len(item["ref"])], " ".join(item["indikator"].split()).lower())]
        assert row["Satuan"] == item["satuan"], item["ref"]
        assert row["Menunjang/Tidak Menunjang"] == "Menunjang", item["ref"]
        assert pct(row["Capaian"]) == pytest.approx(100.0), item["ref"]
        if item["satuan"] == "%":  # program indicators: the report prints their capaian, 100 %
            assert row["Level"] == "Program"
            name = item["indikator"].lower()
            if name in targets:
                assert pct(row["Target"]) == pytest.approx(targets[name])
        else:
            assert row["Realisasi"] == pytest.approx(item["realisasi"]), item["ref"]
    sasaran = {r["Sasaran"] for r in rows}
    assert sasaran == {i["sasaran"] for i in golden["iku"] if i["level"] == "sasaran"}


def test_account_of_every_input_file(wb):
    rows = records(wb["Ringkasan"], "Berkas")
    assert len(rows) >= 8  # referensi, six bidang files, the ODK export
    for r in rows:
        assert r["Baris Dibaca"] == r["Baris Diterima"] + r["Baris Ditolak"], r["Berkas"]
        assert len(r["SHA-256"]) == 64
    pengumpulan = {r["Bidang"]: r for r in records(wb["Pengumpulan"], "Bidang")}
    assert len(pengumpulan) == 6
    # received = when each bidang saved its file; due 10 January 2025 (WITA)
    late = {b for b, r in pengumpulan.items() if r["Status"] == "Terlambat"}
    assert late == {"Bidang Pemberdayaan Usaha Kecil dan Menengah"}
    assert {r["Status"] for b, r in pengumpulan.items() if b not in late} == {"Tepat Waktu"}
