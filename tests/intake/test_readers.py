"""The readers of the referensi, the realisation files and the ODK export, on small workbooks.

Each workbook is built here with openpyxl in tmp_path and read through the
same path as a run (inspection, the sandboxed reader, header detection,
casting, the expectation suites, the rules).
"""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from pipeline.intake.odk import read_odk
from pipeline.intake.realisasi import latest_period, read_realisasi
from pipeline.intake.referensi import NoReferensi, Referensi, read_referensi

REALISASI_HEADER = ["Kode", "Uraian", "Indikator", "Satuan", "Target", "Realisasi", "Pagu", "Realisasi Anggaran"]
ODK_HEADER = ["NIK", "Nama Koperasi", "Kabupaten/Kota", "Jenis Koperasi", "Status", "Tahun Buku", "Jumlah Anggota",
              "Modal Sendiri", "Modal Luar", "Volume Usaha", "SHU", "Digital", "Tanggal Update"]


def _sheet(wb, name: str, rows: list[list]):
    ws = wb.create_sheet(name)
    for row in rows:
        ws.append(row)
    return ws


def write_referensi(path: Path, *, anggaran_total: int = 300, batas: object = 12) -> Path:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    _sheet(wb, "Renstra", [["PERIODE RENCANA STRATEGIS"], ["Instansi", "Dinas Contoh"], ["Tahun Awal", 2024],
                           ["Tahun Akhir", 2026], ["Batas Pengumpulan", batas]])
    _sheet(wb, "IKU", [["INDIKATOR KINERJA UTAMA"], [],
                       ["Kode IKU", "Level", "Tujuan/Sasaran", "Indikator", "Satuan", "Polaritas", "Sumber", "2023", "2024",
                        "Target Akhir Renstra", "Akumulasi"],
                       ["S1", "Sasaran", "Koperasi berkualitas", "Pertumbuhan volume usaha", "Persentase", "Positif",
                        "VOLUME_USAHA_KOPERASI", 7, 8, 10, "Tahun Berjalan"],
                       ["S2", "sasaran", "UMKM tumbuh", "Rasio kewirausahaan", "Persentase", None, "rasio_kewirausahaan",
                        None, 4.5, 5, None]])
    _sheet(wb, "Realisasi IKU", [["Kode IKU", "Tahun", "Realisasi", "Keterangan"], ["S2", 2023, 3.5, "LKjIP 2023"]])
    _sheet(wb, "Cascading", [["Kode Program", "Kode IKU", "Program"], ["2.17.03", "S1", "PROGRAM PENGAWASAN"]])
    _sheet(wb, "Bidang", [["Kode", "Bidang"], ["2.17.03", "Bidang Pengawasan"], ["2.17.03.1.01.0009", "Bidang Lain "]])
    _sheet(wb, "Statistik", [["Tahun", "Kabupaten/Kota", "Penduduk Usia Produktif", "Jumlah UMKM", "UMKM On Board Digital"],
                             [2024, "Kabupaten Badung", 1000, 50, 10], [2024, "Kota Denpasar", 2000, 150, 30]])
    _sheet(wb, "Anggaran", [["Jenis Belanja", "Pagu Awal", "Pagu Pergeseran"], ["Belanja Pegawai", 100, 110],
                            ["Belanja Barang dan Jasa", 200, 190], ["JUMLAH", anggaran_total, 300]])
    _sheet(wb, "Skala", [["Kategori", "Batas Bawah (%)"], ["Sangat Baik", 90], ["Baik", 70], ["Kurang", 0]])
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_referensi_reader(tmp_path):
    write_referensi(tmp_path / "referensi" / "Referensi.xlsx")
    ref, sources = read_referensi(tmp_path)
    assert ref.file == "referensi/Referensi.xlsx" and not sources[0].problems
    assert (ref.instansi, ref.tahun_awal, ref.tahun_akhir, ref.batas_pengumpulan) == ("Dinas Contoh", 2024, 2026, 12)
    assert ref.iku["kode_iku"].to_list() == ["S1", "S2"]
    assert ref.iku["level"].to_list() == ["Sasaran", "Sasaran"]  # allowed values in their canonical spelling
    assert ref.iku["sumber"].to_list() == ["VOLUME_USAHA_KOPERASI", "RASIO_KEWIRAUSAHAAN"]
    assert ref.iku["polaritas"].to_list() == ["Positif", "Positif"]  # empty: the default
    assert ref.years == [2023, 2024] and ref.targets == {"S1": {2023: 7.0, 2024: 8.0}, "S2": {2024: 4.5}}
    assert ref.stated == {("S2", 2023): 3.5} and ref.stated_at[("S2", 2023)] == ("Realisasi IKU", 2, "C")
    assert ref.cascading == {"2.17.03": "S1"}
    assert ref.bidang_of("2.17.03.1.01.0001") == "Bidang Pengawasan"
    assert ref.bidang_of("2.17.03.1.01.0009") == "Bidang Lain"  # the longest prefix wins, names are trimmed
    assert ref.bidang_names == ["Bidang Pengawasan", "Bidang Lain"]
    assert ref.statistik.height == 2 and ref.anggaran["pagu_pergeseran"].to_list() == [110.0, 190.0]
    assert ref.skala == [("Sangat Baik", 90.0), ("Baik", 70.0), ("Kurang", 0.0)]
    report = sources[0].report
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (13, 13, 0)
    assert ref.iku_years(2024) == [2023, 2024, 2025, 2026]


def test_referensi_reader_reports_a_wrong_total_and_a_bad_label_value(tmp_path):
    write_referensi(tmp_path / "referensi" / "Referensi.xlsx", anggaran_total=250, batas="tanggal sepuluh")
    ref, sources = read_referensi(tmp_path)
    found = {(p.rule, p.sheet, p.cell) for p in sources[0].problems}
    assert found == {("total_mismatch", "Anggaran", "B4"), ("integer_invalid", "Renstra", "B5")}
    assert ref.batas_pengumpulan is None


def test_referensi_the_newest_is_used_and_none_is_an_error(tmp_path):
    with pytest.raises(NoReferensi):
        read_referensi(tmp_path)
    old = write_referensi(tmp_path / "referensi" / "Referensi lama.xlsx")
    os.utime(old, (1_700_000_000, 1_700_000_000))
    write_referensi(tmp_path / "referensi" / "Referensi baru.xlsx")
    ref, sources = read_referensi(tmp_path)
    assert ref.file == "referensi/Referensi baru.xlsx"
    rejected = next(s for s in sources if s.report.file == "referensi/Referensi lama.xlsx")
    assert rejected.report.status == "Ditolak" and [p.rule for p in rejected.problems] == ["file_ignored"]


def write_realisasi(path: Path, rows: list[list], title: str | None = "Bulan: Desember 2024", mtime: float | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Realisasi"
    if title:
        ws.append(["LAPORAN REALISASI FISIK DAN KEUANGAN"])
        ws.append([title])
        ws.append([])
    ws.append(REALISASI_HEADER)
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


@pytest.fixture
def referensi(tmp_path) -> Referensi:
    write_referensi(tmp_path / "referensi" / "Referensi.xlsx")
    return read_referensi(tmp_path)[0]


PENGAWASAN = [
    ["2.17.03", "PROGRAM PENGAWASAN", "Persentase", "%", 7, 7, 300, 250],  # row 5
    ["2.17.03.1.01", "Pemeriksaan", "Jumlah", "Unit", 2, 2, 300, 250],
    ["2.17.03.1.01.01", "Pemeriksaan koperasi", "Jumlah", "Unit", 2, 3, "Rp 100,00", 90],  # code normalised
    ["2.17.03.1.01.0002", "Pengawasan koperasi", "Jumlah", "Unit", 1, 1, 200, None],  # row 8: no realisasi anggaran
    [None, "JUMLAH", None, None, None, None, 300, 250],
]


def test_realisasi_reader(tmp_path, referensi):
    write_realisasi(tmp_path / "realisasi" / "Pengawasan.xlsx", PENGAWASAN)
    intake = read_realisasi(tmp_path, referensi)
    assert intake.period == "2024-12"
    assert intake.sub["kode"].to_list() == ["2.17.03.1.01.0001"] and intake.sub["pagu"].to_list() == [100.0]
    assert intake.sub["bidang"].to_list() == ["Bidang Pengawasan"]
    assert intake.parents["kode"].to_list() == ["2.17.03", "2.17.03.1.01"]
    assert intake.names == {"2.17.03": "PROGRAM PENGAWASAN", "2.17.03.1.01": "Pemeriksaan"}
    assert intake.letters["realisasi/Pengawasan.xlsx"]["pagu"] == "G"
    found = {(p.rule, p.cell) for p in intake.problems}
    assert found == {
        ("required", "H8"),  # the sub kegiatan without its money is rejected
        ("realisasi_over_target", "F7"),
        ("subtotal_mismatch", "G5"), ("subtotal_mismatch", "H5"), ("subtotal_mismatch", "G6"), ("subtotal_mismatch", "H6"),
        ("total_mismatch", "H9"),  # JUMLAH against the readable sub kegiatan rows above it (100 + 200 pagu is right)
        ("missing_sub_kegiatan", ""),  # 2.17.03.1.01.0009, listed in the Bidang sheet
    }
    report = intake.sources[0].report
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (4, 3, 1)
    assert report.period == "2024-12" and report.bidang == ["Bidang Pengawasan"]
    assert list(intake.received) == ["Bidang Pengawasan"]


def test_realisasi_reader_period_and_duplicates_across_files(tmp_path, referensi):
    sub = ["2.17.03.1.01.0001", "Pemeriksaan koperasi", "Jumlah", "Unit", 2, 2, 100, 90]
    write_realisasi(tmp_path / "realisasi" / "2024-11" / "November.xlsx", [sub], title=None)
    write_realisasi(tmp_path / "realisasi" / "Lama.xlsx", [sub], mtime=1_700_000_000)
    write_realisasi(tmp_path / "realisasi" / "Baru.xlsx", [[*sub[:6], 100, 95]], mtime=1_700_000_600)
    write_realisasi(tmp_path / "realisasi" / "2024-11" / "Salah folder.xlsx", [sub])  # title says December
    assert latest_period(tmp_path) == "2024-12"
    intake = read_realisasi(tmp_path, referensi)
    assert intake.sub["realisasi_anggaran"].to_list() == [95.0]  # the newest file wins
    by_file = {s.report.file: s for s in intake.sources}
    assert by_file["realisasi/2024-11/November.xlsx"].report.status == "Periode lain"
    assert [p.rule for p in by_file["realisasi/Lama.xlsx"].problems] == ["duplicate_superseded"]
    assert by_file["realisasi/Lama.xlsx"].problems[0].cell == "baris 5"
    assert by_file["realisasi/Lama.xlsx"].report.rows_rejected == 1
    conflict = by_file["realisasi/2024-11/Salah folder.xlsx"]
    assert conflict.report.status == "Ditolak" and [p.rule for p in conflict.problems] == ["period_conflict"]
    november = read_realisasi(tmp_path, referensi, "2024-11")
    assert november.period == "2024-11" and november.sub["realisasi_anggaran"].to_list() == [90.0]


def write_odk(path: Path, rows: list[list]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data Koperasi"
    ws.append(ODK_HEADER)
    for row in rows:
        ws.append(row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_odk_reader(tmp_path, referensi):
    write_odk(tmp_path / "odk" / "ODK.xlsx", [
        ["5101010000000001", "Koperasi A", "Kab. Badung", "KSP", "aktif", 2024, 10, 1000, 0, 5000, 10, "Ya", date(2025, 1, 2)],
        ["5101010000000001", "Koperasi A", "Badung", "KSP", "Aktif", 2024, 10, 1000, 0, 6000, 10, "Ya", date(2025, 1, 5)],
        ["5101010000000002", "Koperasi B", "Kota Denpasar", "KSP", "Tidak Aktif", 2024, 5, 10, 0, 700, 0, "Tidak", None],
        ["5101010000000003", "Koperasi C", "Atlantis", "KSP", "Aktif", 2024, 5, 10, 0, 700, 0, "Tidak", None],  # row 5
        ["5101010000000004", "Koperasi D", "Badung", "KSP", "Bubar", 2024, 5, 10, 0, 700, 0, "Tidak", None],  # row 6
    ])
    intake = read_odk(tmp_path, referensi)
    rows = intake.rows.sort("nik")
    assert rows["nik"].to_list() == ["5101010000000001", "5101010000000002"]
    assert rows["volume_usaha"].to_list() == [6000.0, 700.0]  # the latest Tanggal Update wins
    assert rows["kabupaten"].to_list() == ["Kabupaten Badung", "Kota Denpasar"]  # the referensi's spelling
    assert rows["status"].to_list() == ["Aktif", "Tidak Aktif"]
    found = {(p.rule, p.cell) for p in intake.problems}
    assert found == {("duplicate_superseded", "baris 2"), ("unknown_region", "C5"), ("value_not_allowed", "E6")}
    report = intake.sources[0].report
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (5, 2, 3)
