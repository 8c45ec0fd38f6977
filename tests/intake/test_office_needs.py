"""What an office needs follows from its IKU; the Sifat Indikator sheet; the IKU's Standar Nasional
and Sumber Data; a file counts for the bidang of its sub kegiatan rows.

Files come from the health office's generator (pipeline/samples/health.py): a kabupaten office with
no Statistik sheet and no odk/ folder.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from pipeline.domain.iku import compute_iku
from pipeline.intake.odk import read_odk
from pipeline.intake.realisasi import read_realisasi
from pipeline.intake.referensi import read_referensi
from pipeline.samples import health as h

RASIO = dict(kode="S4", level="Sasaran", pernyataan="Meningkatnya Wirausaha Bidang Kesehatan",
             indikator="Rasio Wirausaha Kesehatan", satuan="%", polaritas="Positif", sumber="RASIO_KEWIRAUSAHAAN",
             targets={2025: 2}, target_akhir=3, akumulasi="Tahun Berjalan", formula="Wirausaha / penduduk usia produktif")
VOLUME = {**RASIO, "kode": "S5", "indikator": "Pertumbuhan Volume Usaha", "sumber": "VOLUME_USAHA_KOPERASI"}


def _referensi(tmp_path, **kw):
    inputs = tmp_path / "inputs"
    h.write_health_referensi(inputs / h.REFERENSI, **kw)
    ref, sources = read_referensi(inputs)
    return inputs, ref, [p for s in sources for p in s.problems]


def test_no_statistik_sheet_is_no_problem_when_no_iku_needs_it(tmp_path):
    _, ref, problems = _referensi(tmp_path)
    assert problems == []
    assert ref.statistik.height == 0


def test_an_iku_that_needs_the_missing_statistik_is_an_error_naming_it(tmp_path):
    _, ref, problems = _referensi(tmp_path, extra_iku=(RASIO,))
    [p] = problems
    assert p.rule == "iku_data_missing" and p.severity == "Error"
    assert p.sheet == "IKU" and p.value == "S4" and p.row is not None
    assert "S4" in p.message and "Rasio Wirausaha Kesehatan" in p.message and "Statistik" in p.message
    result = compute_iku(ref.iku, ref.stated, ref.statistik, ref.statistik, [2025])
    assert 2025 not in result.realisasi["S4"]  # N/A, never 0


def test_with_the_statistik_sheet_the_iku_is_computed(tmp_path):
    rows = [(2025, "Kabupaten Banyumas", 1_000_000, 25_000, 5_000)]
    _, ref, problems = _referensi(tmp_path, extra_iku=(RASIO,), statistik=rows)
    assert problems == []
    result = compute_iku(ref.iku, ref.stated, ref.statistik, ref.statistik.clear(), [2025])
    assert result.realisasi["S4"][2025] == pytest.approx(2.5)


def test_the_odk_folder_only_when_an_iku_needs_it(tmp_path):
    inputs, ref, _ = _referensi(tmp_path)
    assert read_odk(inputs, ref).problems == []
    inputs, ref, _ = _referensi(tmp_path / "volume", extra_iku=(VOLUME,))
    [p] = read_odk(inputs, ref).problems
    assert p.rule == "iku_data_missing" and p.value == "S5" and "odk/" in p.message and "Online Data Koperasi" in p.message


def test_standar_nasional_and_sumber_data_are_read(tmp_path):
    _, ref, _ = _referensi(tmp_path)
    rows = {r["kode_iku"]: r for r in ref.iku.iter_rows(named=True)}
    assert rows["S1"]["standar_nasional"] == 183 and rows["S2"]["standar_nasional"] is None
    assert rows["S1"]["sumber_data"] == "Seksi Kesehatan Keluarga dan Gizi"
    assert rows["S1"]["sumber"] == "MANUAL"  # the formula column is another one


def test_the_sifat_indikator_sheet(tmp_path):
    inputs, ref, problems = _referensi(tmp_path)
    assert ref.sifat.of("1.02.02.2.02.0017", "Kunjungan") == "Rata-rata"
    assert ref.sifat.of("1.02.02.2.02.0001", "Orang") == "Jumlah"
    assert ref.sifat.of("1.02.02.2.02.0015", "Indeks") == "Tingkat"
    path = inputs / h.REFERENSI
    wb = load_workbook(path)
    ws = wb["Sifat Indikator"]
    ws.append([None, "indeks", "jumlah"])  # a Satuan row, any case
    ws.append(["1.2.3", None, "Median"])  # not one of the five
    ws.append([None, None, "Tingkat"])  # neither Kode nor Satuan
    wb.save(path)
    ref, sources = read_referensi(inputs)
    problems = [p for s in sources for p in s.problems]
    assert sorted(p.rule for p in problems) == ["sifat_without_key", "value_not_allowed"]
    assert all(p.sheet == "Sifat Indikator" and p.severity == "Error" for p in problems)
    assert ref.sifat.of("1.02.02.2.02.0015", "Indeks") == "Jumlah"


def test_a_file_counts_for_the_bidang_of_its_sub_kegiatan_rows(tmp_path):
    inputs, ref, _ = _referensi(tmp_path)
    h.generate_health(inputs, months=range(12, 13))
    intake = read_realisasi(inputs, ref, "2025-12")
    by_file = {s.report.file: s.report.bidang for s in intake.sources}
    # P2P's file repeats program 1.02.02 and kegiatan 1.02.02.2.02, which are Kesehatan Masyarakat's
    assert by_file[("realisasi" / h.file_name(h.P2P, 12)).as_posix()] == [h.P2P]
    assert by_file[("realisasi" / h.file_name(h.KESMAS, 12)).as_posix()] == [h.KESMAS]
    assert {b: [s.report.file for s in files] for b, files in intake.received.items()} == {
        b: [("realisasi" / h.file_name(b, 12)).as_posix()] for b in h.BIDANG_ORDER}


def test_a_standar_nasional_that_is_not_a_number_keeps_the_indicator(tmp_path):
    inputs, _, _ = _referensi(tmp_path)
    path = inputs / h.REFERENSI
    wb = load_workbook(path)
    ws = wb["IKU"]
    header_row = next(r for r in ws.iter_rows() if any(c.value == "Standar Nasional" for c in r))
    col = next(c.column for c in header_row if c.value == "Standar Nasional")
    s1 = next(r[0].row for r in ws.iter_rows() if r[0].value == "S1")
    ws.cell(s1, col, "≥ 95%")
    wb.save(path)
    ref, sources = read_referensi(inputs)
    [p] = [p for s in sources for p in s.problems]
    assert p.rule == "number_invalid" and p.severity == "Peringatan" and p.row == s1 and p.column == "Standar Nasional"
    rows = {r["kode_iku"]: r for r in ref.iku.iter_rows(named=True)}
    assert set(rows) == {"T1", "S1", "S2", "S3"} and rows["S1"]["standar_nasional"] is None
    assert [s.report.rows_rejected for s in sources] == [0]
