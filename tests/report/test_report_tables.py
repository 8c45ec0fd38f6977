"""The sheet builders (pipeline.report.tables), laying out the figures model of small typed inputs."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from pipeline.domain.angka import compute_angka_periode
from pipeline.domain.iku import IkuResult
from pipeline.domain.periods import Period
from pipeline.domain.series import YearFigures
from pipeline.domain.submissions import SubmissionRow
from pipeline.intake.files import FileReport
from pipeline.intake.odk import OdkIntake
from pipeline.intake.realisasi import RealisasiIntake
from pipeline.intake.referensi import Referensi
from pipeline.problems import problem
from pipeline.report import tables
from pipeline.report.sheet import Percent, Rupiah

PERIOD = Period.parse("2024-12")
WITA = ZoneInfo("Asia/Makassar")


def angka(ref, result=None, realisasi=None, odk=None):
    """The period's figures of these inputs (what the ``angka_periode`` asset computes)."""
    realisasi = realisasi or RealisasiIntake(period=str(PERIOD), sub=pl.DataFrame(), parents=pl.DataFrame())
    return compute_angka_periode(ref, realisasi, odk if odk is not None else pl.DataFrame(), result or IkuResult(),
                                 YearFigures(PERIOD, {}, {}, {}), PERIOD, [], 20.0)


def rows(table) -> list[dict]:
    return [dict(zip(table.columns, r, strict=True)) for r in table.rows]


@pytest.fixture
def ref() -> Referensi:
    return Referensi(
        file="referensi/Referensi.xlsx", instansi="Dinas Contoh", tahun_awal=2024, tahun_akhir=2026,
        iku=pl.DataFrame({
            "kode_iku": ["S1", "S2"], "level": ["Sasaran", "Sasaran"], "pernyataan": ["Koperasi", "UMKM"],
            "indikator": ["Pertumbuhan volume usaha", "Jumlah UMKM binaan"], "satuan": ["Persentase", "Unit"],
            "polaritas": ["Positif", "Negatif"], "sumber": ["VOLUME_USAHA_KOPERASI", "MANUAL"],
            "target_akhir": [10.0, 300.0], "akumulasi": ["Tahun Berjalan", "Kumulatif"]}),
        targets={"S1": {2023: 7.0, 2024: 8.0}, "S2": {2024: 100.0}},
        years=[2023, 2024], cascading={"2.17.03": "S1"},
        bidang=[("2.17.03", "Bidang Pengawasan")],
        anggaran=pl.DataFrame({"jenis_belanja": ["Belanja Pegawai", "Belanja Barang"], "pagu_awal": [100.0, 200.0],
                               "pagu_pergeseran": [110.0, 190.0]}),
    )


@pytest.fixture
def result() -> IkuResult:
    return IkuResult(realisasi={"S1": {2023: 6.5, 2024: 8.8}, "S2": {2024: 120.0}},
                     source={("S1", 2023): "Dihitung dari ODK", ("S1", 2024): "Dihitung dari ODK",
                             ("S2", 2024): "Ditetapkan (referensi)"})


@pytest.fixture
def realisasi() -> RealisasiIntake:
    sub = pl.DataFrame({"level": ["sub_kegiatan"] * 2, "kode": ["2.17.03.1.01.0001", "2.17.03.1.01.0002"],
                        "uraian": ["Pemeriksaan", "Pengawasan"], "indikator": ["Jumlah", "Jumlah"],
                        "satuan": ["Unit", "Unit"], "target": [10.0, 4.0], "realisasi": [10.0, 2.0],
                        "pagu": [100.0, 200.0], "realisasi_anggaran": [90.0, 100.0], "program": ["2.17.03"] * 2,
                        "kegiatan": ["2.17.03.1.01"] * 2, "bidang": ["Bidang Pengawasan"] * 2})
    parents = pl.DataFrame({"level": ["program", "kegiatan"], "kode": ["2.17.03", "2.17.03.1.01"],
                            "uraian": ["PROGRAM PENGAWASAN", "Pemeriksaan koperasi"], "indikator": ["Persentase", None],
                            "satuan": ["%", None], "target": [7.0, None], "realisasi": [7.0, None],
                            "pagu": [300.0, 300.0], "realisasi_anggaran": [190.0, 190.0], "program": ["2.17.03"] * 2,
                            "kegiatan": [None, "2.17.03.1.01"], "bidang": ["Bidang Pengawasan"] * 2})
    return RealisasiIntake(period="2024-12", sub=sub, parents=parents)


def test_iku_sheet(ref, result):
    table = tables.iku_sheet(angka(ref, result))
    assert table.title == ["Capaian Indikator Kinerja Utama (IKU)", "Dinas Contoh", "Periode: Desember 2024"]
    got = {(r["Kode IKU"], r["Tahun"]): r for r in rows(table)}
    assert list(got) == [("S1", 2023), ("S1", 2024), ("S2", 2023), ("S2", 2024)]
    s1 = got[("S1", 2024)]
    assert isinstance(s1["Realisasi"], Percent) and s1["Realisasi"] == 8.8 and s1["Target"] == 8.0
    assert s1["Capaian"] == pytest.approx(110.0) and s1["Kategori"] == "Sangat Baik"
    s2 = got[("S2", 2024)]  # negative polarity: (2 x 100 - 120) / 100
    assert s2["Realisasi"] == 120 and not isinstance(s2["Realisasi"], Percent)  # a count in its unit
    assert s2["Capaian"] == pytest.approx(80.0) and s2["Kategori"] == "Baik" and s2["Sumber Realisasi"] == "Ditetapkan (referensi)"
    none = got[("S2", 2023)]  # no target, no realisasi: N/A, never 0
    assert (none["Target"], none["Realisasi"], none["Capaian"], none["Kategori"]) == ("N/A", "N/A", "N/A", "N/A")


def test_tren_and_renstra_sheets(ref, result):
    tren = rows(tables.tren_sheet(angka(ref, result)))
    assert [(r["Kode IKU"], r["Tahun"]) for r in tren if r["Kode IKU"] == "S1"] == [
        ("S1", 2023), ("S1", 2024), ("S1", 2025), ("S1", 2026)]
    assert next(r for r in tren if (r["Kode IKU"], r["Tahun"]) == ("S1", 2025))["Realisasi"] == "N/A"
    renstra = {r["Kode IKU"]: r for r in rows(tables.renstra_sheet(angka(ref, result)))}
    assert renstra["S1"]["Capaian"] == pytest.approx(88.0) and renstra["S1"]["Tingkat Kemajuan"] == "Mendekati Target"
    # cumulative over 2024..2024: 120 against 300, lower is better (Negatif): (2 x 300 - 120) / 300
    # (the input contract's polarity rule for the Renstra, issue 9; it was 120 / 300 before)
    assert renstra["S2"]["Akumulasi"] == "Kumulatif" and renstra["S2"]["Capaian"] == pytest.approx(160.0)


def test_budget_sheets(ref, realisasi):
    tree = rows(tables.realisasi_anggaran_sheet(angka(ref, realisasi=realisasi)))
    assert [(r["Level"], r["Kode"]) for r in tree] == [
        ("Program", "2.17.03"), ("Kegiatan", "2.17.03.1.01"), ("Sub Kegiatan", "2.17.03.1.01.0001"),
        ("Sub Kegiatan", "2.17.03.1.01.0002"), ("Jumlah", "")]
    assert isinstance(tree[0]["Pagu (Rp)"], Rupiah) and tree[0]["Pagu (Rp)"] == 300 and tree[0]["Realisasi (Rp)"] == 190
    assert tree[1]["Uraian"] == "Pemeriksaan koperasi" and tree[0]["Bidang"] == "Bidang Pengawasan"
    assert tree[-1]["Capaian"] == pytest.approx(190 / 300 * 100)
    anggaran = rows(tables.anggaran_sheet(angka(ref)))
    assert [r["Selisih (Rp)"] for r in anggaran] == [10, -10, 0]
    assert anggaran[-1]["Jenis Belanja"] == "Alokasi Anggaran Tahun 2024 (Jumlah)" and anggaran[-1]["Pagu Awal (Rp)"] == 300


def test_efisiensi_and_kinerja_program_sheets(ref, result, realisasi):
    [eff] = rows(tables.efisiensi_sheet(angka(ref, result, realisasi)))
    # CK: 100 % and 50 %; sum(pagu x CK) = 100 + 100 = 200; efisiensi = (200 - 190) / 200
    assert eff["Kode IKU"] == "S1" and eff["Anggaran (Rp)"] == 300 and eff["Tingkat Efisiensi"] == pytest.approx(5.0)
    program = rows(tables.kinerja_program_sheet(angka(ref, result, realisasi)))
    assert [r["Kode"] for r in program] == ["2.17.03", "2.17.03.1.01", "2.17.03.1.01.0001", "2.17.03.1.01.0002"]
    assert [r["Menunjang/Tidak Menunjang"] for r in program] == ["Menunjang", "N/A", "Menunjang", "Tidak Menunjang"]
    assert program[3]["Capaian"] == pytest.approx(50.0) and program[0]["Capaian Sasaran"] == pytest.approx(110.0)


def test_koperasi_sheet(ref):
    odk = OdkIntake(rows=pl.DataFrame({
        "kabupaten": ["Badung", "Badung", "Badung", "Bangli", "Bangli"],
        "status": ["Aktif", "Aktif", "Tidak Aktif", "Aktif", "Aktif"],
        "digital": ["Ya", "Tidak", "Ya", None, "Ya"],
        "tahun_buku": [2023, 2024, 2024, 2023, 2024],
        "volume_usaha": [100.0, 150.0, 999.0, 50.0, 40.0]}))
    got = {r["Kabupaten/Kota"]: r for r in rows(tables.koperasi_sheet(angka(ref, odk=odk.rows)))}
    assert list(got) == ["Badung", "Bangli", "Provinsi (Jumlah)"]
    assert (got["Badung"]["Koperasi 2024"], got["Badung"]["Koperasi Aktif 2024"], got["Badung"]["Koperasi Aktif Digital 2024"]) == (2, 1, 0)
    assert got["Badung"]["Pertumbuhan Volume Usaha"] == pytest.approx(50.0)  # inactive cooperatives do not count
    assert got["Bangli"]["Pertumbuhan Volume Usaha"] == pytest.approx(-20.0)
    total = got["Provinsi (Jumlah)"]
    assert (total["Koperasi 2024"], total["Volume Usaha Aktif 2024 (Rp)"]) == (3, 190)
    assert total["Pertumbuhan Volume Usaha"] == pytest.approx((190 - 150) / 150 * 100)
    assert tables.koperasi_sheet(angka(ref, odk=OdkIntake(rows=pl.DataFrame()).rows)).rows == []


def test_validasi_ringkasan_and_pengumpulan_sheets(ref):
    a = "realisasi/A.xlsx"
    problems = [
        problem("realisasi_over_pagu", file=a, sheet="Realisasi", row=12, col="H", column="Realisasi Anggaran",
                value="Rp 2", expected="Rp 1"),
        problem("duplicate_row", file=a, sheet="Realisasi", row=9, column="Kode", value="2.17.03", what="Program 2.17.03",
                expected="baris 5"),
        problem("required", file=a, sheet="Realisasi", row=3, col="G", column="Pagu"),
        problem("file_incomplete", file="realisasi/B.xlsx"),
    ]
    validasi = rows(tables.validasi_sheet(["Hasil Validasi"], problems))
    assert [(r["Tingkat"], r["Berkas"], r["Sel/Baris"]) for r in validasi] == [
        ("Error", a, "G3"), ("Error", a, "baris 9"), ("Error", "realisasi/B.xlsx", ""), ("Peringatan", a, "H12")]
    assert all(type(r["Tingkat"]) is str for r in validasi)

    report = FileReport(file=a, kind="realisasi", sha256="0" * 64, size=10, modified=datetime(2025, 1, 2, tzinfo=WITA))
    report.count(4, 2)
    ringkasan = tables.ringkasan_sheet(ref, PERIOD, datetime(2025, 1, 11, 7, tzinfo=WITA), [report], problems)
    assert ringkasan.title[4] == "Masalah: 3 Error, 1 Peringatan (rincian di lembar Validasi)"
    [line] = rows(ringkasan)
    assert (line["Baris Dibaca"], line["Baris Diterima"], line["Baris Ditolak"], line["Error"], line["Peringatan"]) == (4, 2, 2, 2, 1)

    deadline = datetime(2025, 1, 10, 23, 59, 59, tzinfo=WITA)
    submissions = [SubmissionRow("Bidang Pengawasan", "Tepat Waktu", [a], datetime(2025, 1, 2, tzinfo=WITA), deadline),
                   SubmissionRow("Bidang Tamu", "Belum Mengirim", [], None, deadline)]
    pengumpulan = rows(tables.pengumpulan_sheet(ref, submissions, problems, PERIOD))
    assert [(r["Bidang"], r["Wajib Lapor"], r["Jumlah Error"], r["Jumlah Peringatan"]) for r in pengumpulan] == [
        ("Bidang Pengawasan", "Ya", 2, 1), ("Bidang Tamu", "Tidak", 0, 0)]
