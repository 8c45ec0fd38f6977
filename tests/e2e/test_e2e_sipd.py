"""End to end: the budget from SIPD through ``lkjip run``.

The bundled sample export equals the sample's budget, so every budget figure of
the workbook and the document is the same with it and without it.  A copy with
a planted difference (a realisasi SIPD has higher than the bidang, a sub
kegiatan no bidang reports, a bidang that leaves its budget columns empty)
shows the difference in ``Rekonsiliasi`` and ``Validasi`` and uses SIPD's figure.
Three pipeline runs: marked slow.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from docx import Document
from openpyxl import load_workbook

from pipeline.samples import sipd as sample

pytestmark = pytest.mark.slow

BUDGET_SHEETS = {"Realisasi Anggaran": "Level", "Anggaran": "Jenis Belanja", "Efisiensi": "Kode IKU",
                 "Kinerja Program": "Kode IKU", "Evaluasi Renja": None, "Tren Bulanan": None}
CHANGED = "2.17.02.1.01.0001"  # Fasilitasi Izin Usaha Simpan Pinjam: SIPD has 1.000.000 more realisasi
EXTRA = "2.17.02.1.01.0002"  # in SIPD only
UKM_FILE = "realisasi/REALISASI FISIK KEUANGAN DESEMBER 2024 - BIDANG UKM.xlsx"
SIPD_FILE = sample.FILE.as_posix()


def _sheet_rows(path: Path, sheet: str) -> list[tuple]:
    rows = list(load_workbook(path)[sheet].iter_rows(values_only=True))
    return rows[3:]  # below the title lines that name the office and the period (the same in both runs)


def _document_text(path: Path) -> list[str]:
    """Every paragraph and table cell, less the time the document was made."""
    doc = Document(str(path))
    texts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        texts += [cell.text for row in table.rows for cell in row.cells]
    return [re.sub(r" pada \d{1,2} \w+ \d{4} \d{2}:\d{2} WITA", " pada (waktu)", t) for t in texts]


@pytest.fixture(scope="module")
def without_sipd(build, tmp_path_factory):
    inputs = build.copy_inputs(tmp_path_factory.mktemp("tanpa-sipd") / "inputs")
    shutil.rmtree(inputs / "sipd")
    return build.run_pipeline(inputs, tmp_path_factory.mktemp("tanpa-sipd-out"), "2024-12")


def _clear_money(path: Path) -> None:
    """A bidang that leaves every budget cell empty (SIPD gives them)."""
    wb = load_workbook(path)
    ws = wb["Realisasi"] if "Realisasi" in wb.sheetnames else wb.worksheets[0]
    header = next(r for r in ws.iter_rows() if any(c.value == "Pagu Anggaran (Rp)" for c in r))
    columns = [c.column for c in header if c.value in ("Pagu Anggaran (Rp)", "Realisasi Anggaran (Rp)")]
    assert len(columns) == 2
    for row in ws.iter_rows(min_row=header[0].row + 1):
        for c in row:
            if c.column in columns:
                c.value = None
    wb.save(path)


@pytest.fixture(scope="module")
def planted(build, tmp_path_factory):
    inputs = build.copy_inputs(tmp_path_factory.mktemp("sipd-beda") / "inputs")
    rows = sample.sipd_rows()
    first = next(r for r in rows if r["kode_sub_giat"] == CHANGED)
    first["realisasi_rill"] += 1_000_000
    rows.append({**first, "kode_sub_giat": EXTRA, "nama_sub_giat": "Sub Kegiatan Hanya di SIPD",
                 "kode_akun": "5.1.02.04.01.0001", "nilai": 10_000_000, "realisasi_rill": 4_000_000})
    sample.write_sipd_xlsx(inputs / sample.FILE, rows)
    _clear_money(inputs / UKM_FILE)
    return build.run_pipeline(inputs, tmp_path_factory.mktemp("sipd-beda-out"), "2024-12")


def test_the_sample_export_changes_no_budget_figure_of_the_workbook(sample_report, without_sipd):
    for sheet in BUDGET_SHEETS:
        assert _sheet_rows(sample_report, sheet) == _sheet_rows(without_sipd.path, sheet), sheet


def test_the_sample_export_changes_no_figure_of_the_document(sample_report, without_sipd):
    with_doc = sample_report.with_suffix(".docx")
    without_doc = without_sipd.path.with_suffix(".docx")
    assert with_doc.exists() and without_doc.exists()
    assert _document_text(with_doc) == _document_text(without_doc)


def test_the_sample_export_is_accounted_for_and_agrees(sample_report, golden):
    wb = load_workbook(sample_report)
    ringkasan = list(wb["Ringkasan"].iter_rows(values_only=True))
    assert any(r[0] == f"Anggaran: SIPD per tanggal 31 Desember 2024 ({SIPD_FILE})" for r in ringkasan)
    line = next(r for r in ringkasan if r[0] == SIPD_FILE)
    assert line[1:4] == ("sipd", "Dibaca", "2024-12")
    rekonsiliasi = list(wb["Rekonsiliasi"].iter_rows(values_only=True))
    assert rekonsiliasi[-1][0] == "Kode"  # the header, and no difference below it
    summary = json.loads((sample_report.parent / "ringkasan.json").read_text(encoding="utf-8"))
    assert summary["utama"]["anggaran"]["pagu"] == 26_251_229_311


def test_a_planted_difference_is_reconciled_and_sipds_figure_is_used(planted, without_sipd, golden):
    tree = {r["Kode"]: r for r in planted.records("Realisasi Anggaran", "Level")}
    before = {r["Kode"]: r for r in without_sipd.records("Realisasi Anggaran", "Level")}
    assert tree[CHANGED]["Realisasi (Rp)"] == before[CHANGED]["Realisasi (Rp)"] + 1_000_000
    assert tree[CHANGED]["Pagu (Rp)"] == before[CHANGED]["Pagu (Rp)"]
    assert tree[EXTRA]["Pagu (Rp)"] == 10_000_000 and tree[EXTRA]["Realisasi (Rp)"] == 4_000_000
    total = next(r for r in planted.records("Realisasi Anggaran", "Level") if r["Level"] == "Jumlah")
    assert total["Pagu (Rp)"] == 26_251_229_311 + 10_000_000
    assert total["Realisasi (Rp)"] == sum(r["realisasi"] for r in golden["tabel_3_8_realisasi_anggaran"]
                                          if r["level"] == "program") + 1_000_000 + 4_000_000

    [line] = [r for r in planted.records("Rekonsiliasi", "Kode") if r["Kode"] == CHANGED]
    assert line["Keadaan"] == "Berbeda" and line["Kolom"] == "Realisasi Anggaran"
    assert line["Menurut Bidang (Rp)"] == before[CHANGED]["Realisasi (Rp)"]
    assert line["Menurut SIPD (Rp)"] == before[CHANGED]["Realisasi (Rp)"] + 1_000_000
    assert line["Selisih (Rp)"] == 1_000_000
    assert line["Berkas SIPD"] == SIPD_FILE and line["Berkas Bidang"].startswith("realisasi/Realisasi Des 2024 Bidang Kelembagaan")
    [extra] = [r for r in planted.records("Rekonsiliasi", "Kode") if r["Kode"] == EXTRA]
    assert extra["Keadaan"] == "Hanya di SIPD" and extra["Menurut SIPD (Rp)"] == 10_000_000

    [warning] = planted.problems(rule="sipd_difference")
    assert warning["Tingkat"] == "Peringatan"
    assert "Rp 142.787.420" in warning["Pesan"] and "Rp 143.787.420" in warning["Pesan"]
    assert SIPD_FILE in warning["Pesan"] and "Bidang Kelembagaan" in warning["Pesan"]
    [kept] = planted.problems(rule="sipd_not_reported")
    assert EXTRA in kept["Pesan"] and kept["Berkas"] == SIPD_FILE
    kinerja = [r for r in planted.records("Kinerja Program", "Kode IKU") if r["Kode"] == EXTRA]
    assert kinerja and all(r["Capaian"] == "N/A" for r in kinerja)  # kept, its outputs N/A


def test_a_bidang_may_leave_its_budget_to_sipd(planted, without_sipd):
    ringkasan = planted.ringkasan()[UKM_FILE]
    assert ringkasan["Baris Ditolak"] == 0 and ringkasan["Status"] == "Dibaca"
    assert not [p for p in planted.problems(file=UKM_FILE) if p["Tingkat"] == "Error"]
    tree = {r["Kode"]: r for r in planted.records("Realisasi Anggaran", "Level")}
    before = {r["Kode"]: r for r in without_sipd.records("Realisasi Anggaran", "Level")}
    for kode in ("2.17.08", "2.17.08.1.01", "2.17.08.1.01.0001", "2.17.08.1.01.0002"):
        assert (tree[kode]["Pagu (Rp)"], tree[kode]["Realisasi (Rp)"]) == (
            before[kode]["Pagu (Rp)"], before[kode]["Realisasi (Rp)"]), kode


# --- another office: a mid-year period, a CSV export in SIPD's 2021 code form ----------------------


@pytest.fixture(scope="module")
def office(build, tmp_path_factory):
    from pipeline.samples import office as o

    root = tmp_path_factory.mktemp("office-sipd")
    o.generate_office(root / "inputs")
    without = build.run_pipeline(root / "inputs", root / "out-tanpa", "2025-06")
    subs = [r for r in without.records("Realisasi Anggaran", "Level") if r["Level"] == "Sub Kegiatan"]
    assert subs
    lines = ["PEMERINTAH PROVINSI JAWA TIMUR", "LAPORAN REALISASI ANGGARAN (SIPD)",
             "Kode Sub Kegiatan,Nama Sub Kegiatan,Kode Rekening,Nama Rekening,Anggaran,Realisasi,Tanggal"]

    def rupiah_text(value: int) -> str:
        return '"' + f"{value:,}".replace(",", ".") + ',00"'

    for r in subs:
        parts = r["Kode"].split(".")
        short = ".".join(parts[:5] + [parts[5][2:]]) if parts[5].startswith("00") else r["Kode"]  # 2021 form
        pagu, spent = int(r["Pagu (Rp)"]), int(r["Realisasi (Rp)"] or 0)
        first_pagu, first_spent = pagu * 3 // 5, min(spent, pagu * 3 // 5)
        for akun, nama, p, s in (("5.1.02.01.01.0024", "Belanja Alat Tulis Kantor", first_pagu, first_spent),
                                 ("5.1.02.04.01.0001", "Belanja Perjalanan Dinas Biasa", pagu - first_pagu,
                                  spent - first_spent)):
            lines.append(f'{short},"{r["Uraian"]}",{akun},{nama},{rupiah_text(p)},{rupiah_text(s)},30/06/2025')
    (root / "inputs" / "sipd").mkdir()
    (root / "inputs" / "sipd" / "lra-juni-2025.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    with_sipd = build.run_pipeline(root / "inputs", root / "out-sipd", "2025-06")
    return without, with_sipd


def test_another_offices_csv_export_in_2021_codes_gives_the_same_budget(office):
    without, with_sipd = office
    for sheet in BUDGET_SHEETS:
        assert _sheet_rows(with_sipd.path, sheet) == _sheet_rows(without.path, sheet), sheet
    assert with_sipd.records("Rekonsiliasi", "Kode") == []
    line = with_sipd.ringkasan()["sipd/lra-juni-2025.csv"]
    assert (line["Status"], line["Periode"], line["Baris Ditolak"]) == ("Dibaca", "2025-06", 0)
    assert not with_sipd.problems(file="sipd/lra-juni-2025.csv")
