"""End to end: a second office's files (another province, mid-year) through ``lkjip run``.

The drop folder comes from :mod:`pipeline.samples.office`: Dinas Koperasi dan
UKM Provinsi Jawa Timur, period June 2025, Kota/Kabupaten pairs of the same
name, a program in two sasaran, two bidang under one program, percentage
outputs, a Negatif indicator.  Every assertion reads the WRITTEN workbook.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from pipeline.intake.referensi import read_referensi
from pipeline.samples import office as o

PERIOD = "2025-06"
KELEMBAGAAN_FILE = "realisasi/Lap Realisasi Kelembagaan Jun25.xlsx"
USAHA_MIKRO_FILE = "realisasi/REALISASI JUNI 2025 BIDANG USAHA MIKRO.xlsx"
PENGAWASAN_FILE = "realisasi/2025-06/Realisasi Pengawasan.xlsx"
ODK_FILE = o.ODK.as_posix()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("office")
    o.generate_office(root / "inputs")
    return root / "inputs"


@pytest.fixture(scope="module")
def report(build, inputs, tmp_path_factory):
    return build.run_pipeline(inputs, tmp_path_factory.mktemp("office-out"), PERIOD)


def test_kota_and_kabupaten_of_one_name_are_two_rows_of_koperasi(report):
    rows = {r["Kabupaten/Kota"]: r for r in report.records("Koperasi", "Kabupaten/Kota")}
    expected = {}
    for written, region, count in o.OFFICE.odk_regions:
        if region is not None:
            expected[region] = expected.get(region, 0) + count
    assert set(rows) == {*expected, "Provinsi (Jumlah)"}
    for region, count in expected.items():
        assert rows[region]["Koperasi 2025"] == count, region
    # Kabupaten Malang and Kota Malang are counted apart; the referensi's spelling names the row
    assert rows["Kabupaten Malang"]["Koperasi 2025"] == 9 and rows["Kota Malang"]["Koperasi 2025"] == 4
    assert "Kab. Kediri" in rows and rows["Kota Kediri"]["Koperasi 2025"] == 3
    assert rows["Kabupaten Malang"]["Volume Usaha Aktif 2024 (Rp)"] != rows["Kota Malang"]["Volume Usaha Aktif 2024 (Rp)"]
    assert rows["Provinsi (Jumlah)"]["Koperasi 2025"] == sum(expected.values())


def test_a_name_that_cannot_be_told_apart_is_an_error_naming_the_candidates(report):
    found = report.problems(ODK_FILE, "region_ambiguous")
    assert len(found) == 2  # the cooperative's two Tahun Buku rows
    for p in found:
        assert p["Tingkat"] == "Error" and p["Nilai"] == "Malang" and p["Sel/Baris"].startswith("C")
        assert "Kabupaten Malang" in p["Pesan"] and "Kota Malang" in p["Pesan"]
    assert not report.problems(ODK_FILE, "unknown_region")


@pytest.mark.slow  # a second whole run of the office sample, compared cell by cell
def test_the_same_inputs_give_the_same_workbook_every_cell(build, inputs, report, tmp_path_factory):
    again = build.run_pipeline(inputs, tmp_path_factory.mktemp("office-again"), PERIOD)
    assert report.wb.sheetnames == again.wb.sheetnames
    for ws in report.wb.worksheets:
        other = again.wb[ws.title]
        assert ws.max_row == other.max_row and ws.max_column == other.max_column, ws.title
        for row, row2 in zip(ws.iter_rows(), other.iter_rows(), strict=True):
            for cell, cell2 in zip(row, row2, strict=True):
                if ws.title == "Ringkasan" and str(cell.value).startswith("Dibuat:"):
                    continue
                assert (cell.value, cell.number_format) == (cell2.value, cell2.number_format), \
                    f"{ws.title}!{cell.coordinate}"


def test_a_program_serving_two_sasaran_counts_for_each(report):
    rows = report.records("Kinerja Program", "Kode IKU")
    by_sasaran = {}
    for r in rows:
        by_sasaran.setdefault(r["Kode IKU"], set()).add(r["Kode"])
    shared = {"2.17.03", "2.17.03.1.01", "2.17.03.1.01.0001", "2.17.03.1.02", "2.17.03.1.02.0001"}
    assert shared <= by_sasaran["S1"] and shared <= by_sasaran["S2"]
    assert "2.17.02.1.01.0001" in by_sasaran["S1"] and "2.17.02.1.01.0001" not in by_sasaran["S2"]
    eff = {r["Kode IKU"]: r for r in report.records("Efisiensi", "Kode IKU")}
    p02, p03 = o.program("2.17.02"), o.program("2.17.03")  # 2.17.07 (S2) has not reported yet
    spent03 = p03.realisasi_anggaran + 8_000_000  # Usaha Mikro's correction
    assert eff["S1"]["Anggaran (Rp)"] == p02.pagu + p03.pagu
    assert eff["S1"]["Realisasi Anggaran (Rp)"] == p02.realisasi_anggaran + spent03
    assert eff["S2"]["Anggaran (Rp)"] == p03.pagu and eff["S2"]["Realisasi Anggaran (Rp)"] == spent03


def test_percentage_outputs_show_as_percentages(report):
    rows = {r["Kode"]: r for r in report.records("Kinerja Program", "Kode IKU") if r["Kode IKU"] == "S1"}
    typed = rows["2.17.02.1.01.0001"]  # Excel percentages 1 and 0.45 with a % format
    assert (typed["Target"], typed["Realisasi"], typed["Satuan"]) == (1, 0.45, "%")
    assert typed["Capaian"] == pytest.approx(0.45)
    text = rows["2.17.03.1.02.0001"]  # the texts "5%" and "3,00%" (the correction of "2,50%")
    assert (text["Target"], text["Realisasi"]) == (pytest.approx(0.05), pytest.approx(0.03))
    assert text["Capaian"] == pytest.approx(0.6)
    assert not [p for p in report.validasi() if p["Aturan"] == "number_invalid"]
    ws = report.wb["Kinerja Program"]
    header = next(r for r in ws.iter_rows() if r[0].value == "Kode IKU")
    target_col = next(c.column for c in header if c.value == "Target")
    for row in ws.iter_rows(min_row=header[0].row + 1):
        if row[5].value == "2.17.02.1.01.0001":
            assert "%" in row[target_col - 1].number_format


def test_template_prefills_a_percentage_target(inputs, tmp_path):
    from pipeline.cli import main

    assert main(["template", "--bidang", o.KELEMBAGAAN, "--period", "2025-07", "--inputs", str(inputs),
                 "--out", str(tmp_path)]) == 0
    [path] = tmp_path.glob("*.xlsx")
    rows = {r[0]: r for r in load_workbook(path)["Realisasi"].iter_rows(values_only=True) if r and r[0]}
    assert rows["2.17.02.1.01.0001"][3] == "%" and rows["2.17.02.1.01.0001"][4] == 100
    assert rows["2.17.02.1.01.0002"][4] == 40


def test_the_office_name_is_in_every_title(report):
    for ws in report.wb.worksheets:
        titles = [ws.cell(r, 1).value for r in range(1, 4)]
        assert o.OFFICE.instansi in titles, ws.title
        assert "Perangkat Daerah" not in titles, ws.title


def test_the_signature_block_is_read_from_renstra(inputs):
    ref, sources = read_referensi(inputs)
    assert ref.instansi == o.OFFICE.instansi
    assert (ref.kepala, ref.nip, ref.jabatan, ref.kota) == (o.OFFICE.kepala, o.OFFICE.nip, o.OFFICE.jabatan,
                                                            o.OFFICE.kota)
    assert not [p for s in sources for p in s.problems if p.rule == "instansi_missing"]


def test_renstra_capaian_of_a_negatif_indicator(report):
    rows = {r["Kode IKU"]: r for r in report.records("Renstra", "Kode IKU")}
    s3 = rows["S3"]  # 8 % against a final target of 10 %, lower is better: 120 %
    assert s3["Realisasi s.d. 2025"] == pytest.approx(0.08) and s3["Target Akhir Renstra 2029"] == pytest.approx(0.10)
    assert s3["Capaian"] == pytest.approx(1.2) and s3["Tingkat Kemajuan"] == "Melebihi Target"


def test_mid_year_figures_are_sementara_with_their_basis(report):
    iku = {(r["Kode IKU"], r["Tahun"]): r for r in report.records("IKU", "Kode IKU")}
    s1 = iku[("S1", 2025)]
    assert s1["Sumber Realisasi"] == "Dihitung dari ODK (sementara: Tahun Buku 2025 s.d. Juni)"
    assert "Sementara" in s1["Keterangan"]
    assert iku[("S2", 2025)]["Sumber Realisasi"] == "Dihitung dari Statistik (sementara: Statistik 2025 s.d. Juni)"
    assert not iku[("S2", 2024)]["Keterangan"]  # a year that has ended
    assert not iku[("S3", 2025)]["Keterangan"]  # stated by the planner, not computed
    renstra = {r["Kode IKU"]: r for r in report.records("Renstra", "Kode IKU")}
    assert "Tahun Buku 2025 s.d. Juni" in renstra["S1"]["Keterangan"]
    assert "Statistik 2025 s.d. Juni" in renstra["S2"]["Keterangan"]
    assert not renstra["S3"]["Keterangan"]
    eff = {r["Kode IKU"]: r for r in report.records("Efisiensi", "Kode IKU")}
    assert "Sementara" in eff["S1"]["Keterangan"]


def test_the_page_summary_marks_sementara(report):
    import json

    summary = json.loads((report.path.parent / "ringkasan.json").read_text(encoding="utf-8"))
    assert summary["instansi"] == o.OFFICE.instansi
    marked = {(s["kode_iku"], s["tahun"]): s["dasar"] for s in summary["sementara"]}
    assert marked == {("S1", 2025): "Tahun Buku 2025 s.d. Juni", ("S2", 2025): "Statistik 2025 s.d. Juni"}


# --- when files arrived ---------------------------------------------------------------------


def test_received_is_when_the_file_arrived_not_when_excel_saved_it(report):
    rows = {r["Bidang"]: r for r in report.records("Pengumpulan", "Bidang")}
    # saved in Excel on 8 July, dropped on the 13th: late
    kelembagaan = rows[o.KELEMBAGAAN]
    assert kelembagaan["Status"] == "Terlambat"
    assert kelembagaan["Diterima (WITA)"] == o.ARRIVED[o.KELEMBAGAAN]
    assert rows[o.SEKRETARIAT]["Status"] == "Tepat Waktu" and rows[o.PENGAWASAN]["Status"] == "Tepat Waktu"
    assert rows[o.KEWIRAUSAHAAN]["Status"] == "Belum Mengirim"
    files = {r["Berkas"]: r for r in report.records("Ringkasan", "Berkas")}
    assert files[KELEMBAGAAN_FILE]["Tiba (WITA)"] == o.ARRIVED[o.KELEMBAGAAN]


def test_on_time_then_a_correction_after_the_deadline_is_on_time_with_the_correction_shown(report):
    rows = {r["Bidang"]: r for r in report.records("Pengumpulan", "Bidang")}
    mikro = rows[o.USAHA_MIKRO]
    correction = f"realisasi/{o.CORRECTION[0]}"
    assert mikro["Status"] == "Tepat Waktu"
    assert mikro["Berkas"] == f"{USAHA_MIKRO_FILE}; {correction}"
    assert mikro["Diterima (WITA)"] == o.ARRIVED[o.CORRECTION[0]]
    assert "Pertama diterima 09/07/2025 14:00" in mikro["Keterangan"]
    assert f"koreksi setelah batas: {correction}" in mikro["Keterangan"]
    # the correction's figures are the ones used
    tree = {r["Kode"]: r for r in report.records("Realisasi Anggaran", "Level")}
    assert tree["2.17.03.1.02.0001"]["Realisasi (Rp)"] == 160_000_000


def test_a_superseded_file_keeps_its_bidang(report):
    rows = {r["Bidang"]: r for r in report.records("Pengumpulan", "Bidang")}
    assert "(tanpa bidang)" not in rows
    files = {r["Berkas"]: r for r in report.records("Ringkasan", "Berkas")}
    old = files[USAHA_MIKRO_FILE]
    assert old["Bidang"] == o.USAHA_MIKRO and old["Baris Ditolak"] == old["Baris Dibaca"]


@pytest.mark.slow  # two more runs of the office sample
def test_the_first_arrival_survives_a_touch_and_a_restart(build, inputs, tmp_path_factory, report):
    """A file touched after it arrived (a copy, a backup restore) keeps the day it first came."""
    import os

    path = inputs / KELEMBAGAAN_FILE
    before_deadline = o.ARRIVED[o.SEKRETARIAT].replace(tzinfo=None).timestamp()  # naive: local time of the host
    st = path.stat()
    os.utime(path, (st.st_atime, before_deadline))
    try:
        again = build.run_pipeline(inputs, tmp_path_factory.mktemp("office-touched"), PERIOD)
    finally:
        os.utime(path, (st.st_atime, st.st_mtime))
    rows = {r["Bidang"]: r for r in again.records("Pengumpulan", "Bidang")}
    assert rows[o.KELEMBAGAAN]["Status"] == "Terlambat"
    assert rows[o.KELEMBAGAAN]["Diterima (WITA)"] == o.ARRIVED[o.KELEMBAGAAN]


# --- two bidang under one program, messages -----------------------------------------------------


def test_two_bidang_under_one_program_each_state_their_part(report):
    # each file repeats the program row 2.17.03 above its own kegiatan: no duplicate, no part-vs-whole warning
    assert not [p for p in report.problems(PENGAWASAN_FILE) if p["Nilai"] == "2.17.03"]
    assert not report.problems(rule="subtotal_mismatch")
    correction = f"realisasi/{o.CORRECTION[0]}"
    assert not [p for p in report.problems(correction) if p["Tingkat"] == "Error"]
    files = {r["Berkas"]: r for r in report.records("Ringkasan", "Berkas")}
    assert files[PENGAWASAN_FILE]["Baris Ditolak"] == 0
    # the whole program is the sum over both files
    tree = {r["Kode"]: r for r in report.records("Realisasi Anggaran", "Level")}
    p03 = o.program("2.17.03")
    assert tree["2.17.03"]["Pagu (Rp)"] == p03.pagu
    assert tree["2.17.03"]["Realisasi (Rp)"] == p03.realisasi_anggaran + 8_000_000
    assert tree["2.17.03"]["Bidang"] == f"{o.PENGAWASAN}, {o.USAHA_MIKRO}"
    # the old Usaha Mikro file, all of whose rows the correction replaced, is superseded row by row
    old = {p["Nilai"] for p in report.problems(USAHA_MIKRO_FILE, "duplicate_superseded")}
    assert old == {"2.17.03", "2.17.03.1.02", "2.17.03.1.02.0001"}


def test_a_wrong_subtotal_is_compared_with_its_own_file(inputs, tmp_path_factory):
    """The program row of one bidang's file that does not add up to that file's rows is still reported
    (by the realisation reader the run uses: every problem it finds is a row of Validasi)."""
    import shutil

    from openpyxl import load_workbook

    from pipeline.intake.realisasi import read_realisasi
    from pipeline.intake.referensi import read_referensi

    root = tmp_path_factory.mktemp("office-subtotal")
    copy = root / "inputs"
    shutil.copytree(inputs, copy)
    path = copy / PENGAWASAN_FILE
    wb = load_workbook(path)
    ws = wb["Realisasi"]
    row = next(r for r in ws.iter_rows() if r[0].value == "2.17.03")
    row[6].value = "Rp. 700.000.000,00"  # the file's own rows add up to Rp 650.000.000
    wb.save(path)
    ref, _ = read_referensi(copy)
    [p] = [p for p in read_realisasi(copy, ref, PERIOD).problems if p.rule == "subtotal_mismatch"]
    assert p.file == PENGAWASAN_FILE and p.cell == f"G{row[0].row}"
    assert "Rp 700.000.000" in p.message and "Rp 650.000.000" in p.message


def test_template_of_a_bidang_under_a_shared_program(inputs, tmp_path):
    from pipeline.cli import main

    assert main(["template", "--bidang", o.USAHA_MIKRO, "--period", "2025-07", "--inputs", str(inputs),
                 "--out", str(tmp_path)]) == 0
    [path] = tmp_path.glob("*.xlsx")
    rows = {r[0]: r for r in load_workbook(path)["Realisasi"].iter_rows(values_only=True) if r and r[0]}
    assert [k for k in rows if k.startswith("2.")] == ["2.17.03", "2.17.03.1.02", "2.17.03.1.02.0001"]
    assert rows["2.17.03"][6] == 380_000_000  # the program's pagu in this bidang's file: its own part


def test_a_duplicate_inside_one_file_says_so(report):
    [p] = report.problems(ODK_FILE, "duplicate_superseded")
    assert "di berkas yang sama" in p["Pesan"] and "lebih baru" not in p["Pesan"]
    assert "baris 5" in p["Pesan"] and "tanggal update 2025-02-10" in p["Pesan"]


def test_the_budget_warning_names_the_bidang_that_have_not_reported(report):
    [p] = report.problems(rule="budget_mismatch")
    assert p["Tingkat"] == "Peringatan"
    assert f"belum melapor: {o.KEWIRAUSAHAAN}" in p["Pesan"]
    assert o.SEKRETARIAT not in p["Pesan"]


def test_a_sub_kegiatan_twice_in_one_file_says_di_berkas_yang_sama(inputs, tmp_path):
    import shutil

    from pipeline.intake.validate import check_files

    copy = tmp_path / "inputs"
    shutil.copytree(inputs, copy)
    path = copy / "realisasi" / "Realisasi Juni 2025 Sekretariat.xlsx"
    wb = load_workbook(path)
    ws = wb["Realisasi"]
    sub = next(r for r in ws.iter_rows() if r[0].value == "2.17.01.1.06.0004")
    ws.insert_rows(sub[0].row + 1)
    for cell in sub:
        ws.cell(sub[0].row + 1, cell.column, cell.value)
    wb.save(path)
    [(_, problems)] = check_files([path], copy)
    [p] = [p for p in problems if p.rule == "duplicate_row"]
    assert p.cell == f"baris {sub[0].row + 1}"
    assert f"di berkas yang sama (baris {sub[0].row})" in p.message


def test_the_outputs_are_the_snapshot_cell_by_cell(report):
    """Every cell of both workbooks and the document's text as before the figures model (issue 16)."""
    import json

    from _snapshot import OFFICE_SNAPSHOT, first_difference, snapshot

    expected = json.loads(OFFICE_SNAPSHOT.read_text(encoding="utf-8"))
    found = json.loads(json.dumps(snapshot(report.path.parent), ensure_ascii=False))
    assert first_difference(expected, found) is None
