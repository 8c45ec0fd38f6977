"""The figures model of a period (pipeline.domain.angka / figures / sepanjang_tahun), computed
once from small typed inputs shaped like an office's: what every layout then only shows."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import polars as pl
import pytest

from pipeline.domain.analisis import BELUM_MENUNJANG
from pipeline.domain.angka import compute_angka_periode, headline
from pipeline.domain.figures import MENUNJANG, TIDAK_MENUNJANG, RingkasanRun, as_json
from pipeline.domain.iku import IkuResult
from pipeline.domain.periods import Period
from pipeline.domain.sepanjang_tahun import FELL
from pipeline.domain.series import CodeSeries, YearFigures
from pipeline.domain.submissions import SubmissionRow
from pipeline.intake.realisasi import RealisasiIntake
from pipeline.intake.referensi import Referensi
from pipeline.intake.rules import cumulative_decreases

JUNE = Period(2025, 6)
WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture
def ref() -> Referensi:
    return Referensi(
        file="referensi/Referensi.xlsx", instansi="Dinas Koperasi dan UKM Contoh", tahun_awal=2025, tahun_akhir=2026,
        iku=pl.DataFrame({
            "kode_iku": ["T1", "S1", "S2"], "level": ["Tujuan", "Sasaran", "Sasaran"],
            "pernyataan": ["Meningkatnya ekonomi", "Koperasi sehat", "UMKM naik kelas"],
            "indikator": ["Kontribusi KUMKM", "Pertumbuhan volume usaha", "Jumlah UMKM binaan"],
            "satuan": ["Persen", "Persentase", "Unit"], "polaritas": ["Positif", "Positif", "Negatif"],
            "sumber": ["MANUAL", "VOLUME_USAHA_KOPERASI", "MANUAL"], "target_akhir": [None, 10.0, 300.0],
            "akumulasi": ["Tahun Berjalan", "Tahun Berjalan", "Kumulatif"]}),
        targets={"S1": {2024: 7.0, 2025: 8.0}, "S2": {2025: 100.0}},
        years=[2024, 2025], cascading={"2.17.03": "S1", "2.17.05": ["S1", "S2"]},
        bidang=[("2.17.03", "Bidang Pengawasan"), ("2.17.05", "Bidang UKM")],
        anggaran=pl.DataFrame({"jenis_belanja": ["Belanja Pegawai", "Belanja Barang dan Jasa"],
                               "pagu_awal": [1_000_000.0, 2_000_000.0], "pagu_pergeseran": [900_000.0, 2_150_000.0]}),
    )


@pytest.fixture
def result() -> IkuResult:
    return IkuResult(realisasi={"S1": {2024: 6.5, 2025: 9.0}, "S2": {2025: 120.0}},
                     source={("S1", 2024): "Dihitung dari ODK", ("S1", 2025): "Dihitung dari ODK (sementara: Tahun Buku 2025 s.d. Juni)",
                             ("S2", 2025): "Ditetapkan (referensi)"},
                     sementara={("S1", 2025): "Tahun Buku 2025 s.d. Juni"})


SUB_CODES = ["2.17.03.1.01.0001", "2.17.03.1.01.0002", "2.17.05.1.02.0001"]


@pytest.fixture
def realisasi() -> RealisasiIntake:
    sub = pl.DataFrame({
        "level": ["sub_kegiatan"] * 3, "kode": SUB_CODES, "uraian": ["Pemeriksaan", "Pengawasan", "Pelatihan UMKM"],
        "indikator": ["Koperasi diperiksa", "Koperasi diawasi", "UMKM dilatih"], "satuan": ["Unit", "Unit", "Orang"],
        "target": [10.0, 4.0, 200.0], "realisasi": [9.5, 1.0, 200.0],
        "pagu": [100_000.0, 200_000.0, 700_000.0], "realisasi_anggaran": [60_000.0, 150_000.0, 300_000.0],
        "program": ["2.17.03", "2.17.03", "2.17.05"], "kegiatan": ["2.17.03.1.01", "2.17.03.1.01", "2.17.05.1.02"],
        "bidang": ["Bidang Pengawasan", "Bidang Pengawasan", "Bidang UKM"]})
    parents = pl.DataFrame({
        "level": ["program", "kegiatan", "program", "kegiatan"], "kode": ["2.17.03", "2.17.03.1.01", "2.17.05", "2.17.05.1.02"],
        "uraian": ["PROGRAM PENGAWASAN", "Pemeriksaan koperasi", "PROGRAM UKM", "Pemberdayaan UMKM"],
        "indikator": [None] * 4, "satuan": [None] * 4, "target": [None] * 4, "realisasi": [None] * 4,
        "pagu": [300_000.0, 300_000.0, 700_000.0, 700_000.0], "realisasi_anggaran": [210_000.0, 210_000.0, 300_000.0, 300_000.0],
        "program": ["2.17.03", "2.17.03", "2.17.05", "2.17.05"], "kegiatan": [None, "2.17.03.1.01", None, "2.17.05.1.02"],
        "bidang": ["Bidang Pengawasan", "Bidang Pengawasan", "Bidang UKM", "Bidang UKM"]})
    return RealisasiIntake(period=str(JUNE), sub=sub, parents=parents)


def _year(realisasi: RealisasiIntake) -> YearFigures:
    """Six months of the same codes: cumulative money growing evenly to June; the Pengawasan output
    fell in May (a cumulative figure that went down)."""
    codes = {}
    for r in realisasi.sub.iter_rows(named=True):
        s = CodeSeries(r["kode"], "sub_kegiatan", uraian=r["uraian"], indikator=r["indikator"], satuan=r["satuan"],
                       bidang=r["bidang"], program=r["program"], kegiatan=r["kegiatan"], target=r["target"],
                       pagu={m: r["pagu"] for m in range(1, 7)},
                       realisasi={m: r["realisasi"] * m / 6 for m in range(1, 7)},
                       realisasi_anggaran={m: r["realisasi_anggaran"] * m / 6 for m in range(1, 7)})
        s.where = {m: {"file": f"realisasi/{r['bidang']}.xlsx", "sheet": "Realisasi", "row": 5,
                       "realisasi": "F", "realisasi_anggaran": "H"} for m in range(1, 7)}
        codes[s.kode] = s
    codes[SUB_CODES[1]].realisasi[5] = 0.2  # April 0,67 -> May 0,2 -> June 1
    for r in realisasi.parents.iter_rows(named=True):
        codes[r["kode"]] = CodeSeries(r["kode"], r["level"], uraian=r["uraian"], bidang=r["bidang"],
                                      program=r["program"], kegiatan=r["kegiatan"])
    return YearFigures(JUNE, codes, {}, {"Bidang Pengawasan": set(range(1, 7)), "Bidang UKM": set(range(1, 7))})


@pytest.fixture
def angka(ref, result, realisasi):
    submissions = [SubmissionRow("Bidang Pengawasan", "Tepat Waktu", ["realisasi/Bidang Pengawasan.xlsx"],
                                 datetime(2025, 7, 3, 9, 0, tzinfo=WITA), datetime(2025, 7, 10, 23, 59, 59, tzinfo=WITA))]
    return compute_angka_periode(ref, realisasi, pl.DataFrame(), result, _year(realisasi), JUNE, submissions, 20.0)


def test_iku_figures_per_year_with_capaian_kategori_and_provisional_basis(angka):
    s1, s2 = angka.iku[1], angka.iku[2]
    assert [t.tahun for t in s1.tahun] == [2024, 2025, 2026]  # the trend years: the Renstra's and the period's
    now = s1.di(2025)
    assert (now.target, now.realisasi, now.kategori) == (8.0, 9.0, "Sangat Baik") and now.capaian == pytest.approx(112.5)
    assert now.sementara == "Tahun Buku 2025 s.d. Juni" and now.keterangan == "Sementara: Tahun Buku 2025 s.d. Juni"
    assert s1.di(2026).realisasi is None and s1.di(2026).capaian is None  # nothing after the period
    assert s1.persen and not s2.persen
    # Negatif: (2 x 100 - 120) / 100
    assert s2.di(2025).capaian == pytest.approx(80.0) and s2.di(2025).kategori == "Baik"
    assert s2.di(2024).capaian is None and s2.di(2024).sumber is None  # no target, no realisasi: N/A, never 0
    assert [i.kode for i in angka.sasaran] == ["S1", "S2"]


def test_the_overall_result_is_the_mean_capaian_of_the_sasaran_and_its_kategori(angka):
    assert angka.kinerja_umum.rata_rata == pytest.approx((112.5 + 80.0) / 2)
    assert angka.kinerja_umum.kategori == "Sangat Baik"  # 96,25 on the default scale


def test_budget_tree_totals_and_jenis_belanja(angka):
    tree = angka.realisasi_anggaran
    assert [(b.level, b.kode) for b in tree.baris] == [
        ("program", "2.17.03"), ("kegiatan", "2.17.03.1.01"), ("sub_kegiatan", SUB_CODES[0]),
        ("sub_kegiatan", SUB_CODES[1]), ("program", "2.17.05"), ("kegiatan", "2.17.05.1.02"), ("sub_kegiatan", SUB_CODES[2])]
    assert (tree.baris[0].pagu, tree.baris[0].realisasi) == (300_000.0, 210_000.0)  # the sum of its sub kegiatan
    assert tree.baris[0].capaian == pytest.approx(70.0) and tree.baris[0].bidang == "Bidang Pengawasan"
    assert (tree.jumlah.pagu, tree.jumlah.realisasi) == (1_000_000.0, 510_000.0) and tree.jumlah.capaian == pytest.approx(51.0)
    assert (tree.count("program"), tree.count("kegiatan"), tree.count("sub_kegiatan")) == (2, 2, 3)
    anggaran = angka.anggaran
    assert [j.selisih for j in anggaran.baris] == [-100_000.0, 150_000.0]
    assert (anggaran.pagu_awal, anggaran.pagu_pergeseran, anggaran.selisih) == (3_000_000.0, 3_050_000.0, 50_000.0)


def test_efficiency_per_sasaran_with_a_program_serving_two(angka):
    by_kode = {e.kode: e for e in angka.efisiensi}
    # S1: both programs; CK 95 %, 25 %, 100 %: Σ pagu×CK = 95.000 + 50.000 + 700.000 = 845.000
    s1 = by_kode["S1"]
    assert (s1.anggaran, s1.realisasi_anggaran) == (1_000_000.0, 510_000.0)
    assert s1.efisiensi == pytest.approx((845_000 - 510_000) / 845_000 * 100)
    s2 = by_kode["S2"]  # only 2.17.05: CK 100 %
    assert s2.efisiensi == pytest.approx((700_000 - 300_000) / 700_000 * 100) and s2.capaian == pytest.approx(80.0)


def test_menunjang_is_decided_in_the_model(angka):
    rows = [(k.kode_iku, k.kode, k.menunjang) for k in angka.kinerja_program]
    assert ("S1", SUB_CODES[0], MENUNJANG) in rows  # 95 % of its target: top category
    # 25 % in June: behind the period's share of the year (50 %), but the year is not over: "not yet"
    assert ("S1", SUB_CODES[1], BELUM_MENUNJANG) in rows and TIDAK_MENUNJANG not in {r[2] for r in rows}
    assert ("S1", "2.17.03", "N/A") in rows  # a program without an output target
    assert [k.kode for k in angka.kinerja_program if k.kode_iku == "S2"] == ["2.17.05", "2.17.05.1.02", SUB_CODES[2]]
    assert next(k for k in angka.kinerja_program if k.kode_iku == "S1").capaian_sasaran == pytest.approx(112.5)


def test_through_the_year_e81_trend_and_warnings(angka):
    through = angka.sepanjang_tahun
    e81 = through.e81
    assert (e81.triwulan, e81.akhir_triwulan, e81.quarters_shown) == ("II", True, (True, True, False, False))
    sub = next(r for r in e81.rows if r.kode == SUB_CODES[2])
    # money: March 150.000 cumulative, June 300.000 -> triwulan I 150.000, II 150.000; column 12 the year so far
    assert (sub.rp[8], sub.rp[9], sub.rp[12]) == (150_000.0, 150_000.0, 300_000.0)
    assert sub.k[12] == 200.0 and sub.bidang == "Bidang UKM"
    total = through.tren[0]
    assert (total.kode, total.uraian) == ("", "JUMLAH") and [line.month for line in total.bulan] == list(range(1, 7))
    june = total.bulan[-1]
    assert (june.pagu, june.realisasi) == (1_000_000.0, 510_000.0) and june.capaian_anggaran == pytest.approx(51.0)
    assert [t.kode for t in through.tren[1:]] == ["2.17.03", "2.17.05"]
    fell = [w for w in through.peringatan if w.jenis == FELL]
    assert [(w.kode, w.sejak) for w in fell] == [(SUB_CODES[1], "Mei 2025")]
    assert through.ambang == 20.0


def test_drops_are_computed_once_and_shared_with_the_intake_rule(realisasi):
    figures = _year(realisasi)
    series = figures.codes[SUB_CODES[1]]
    assert series.drops is series.drops  # cached on the series
    [problem] = cumulative_decreases([series], 2025)
    [(name, drop)] = series.drops
    assert name == "realisasi" and drop.month == 5 and problem.cell == "F5"


def test_ringkasan_json_is_serialised_from_the_model(angka):
    summary = RingkasanRun(period=str(angka.period), instansi=angka.instansi, sementara=(), made_at=datetime(
        2025, 7, 11, 7, 0, tzinfo=WITA), workbook="laporan-kinerja-2025-06.xlsx", dokumen=None,
        problems={"Error": 0, "Peringatan": 1}, peringatan_dini=len(angka.sepanjang_tahun.peringatan),
        evaluasi_renja="evaluasi-renja-2025-06.xlsx", pengumpulan=tuple(r.as_dict() for r in angka.pengumpulan),
        utama=headline(angka))
    data = json.loads(json.dumps(as_json(summary)))
    assert list(data) == ["period", "instansi", "sementara", "made_at", "workbook", "dokumen", "problems",
                          "peringatan_dini", "evaluasi_renja", "pengumpulan", "utama"]
    assert data["made_at"] == "2025-07-11T07:00:00+08:00" and data["pengumpulan"][0]["status"] == "Tepat Waktu"
    utama = data["utama"]
    assert utama["tahun"] == 2025 and utama["anggaran"]["pagu"] == 1_000_000.0
    assert [(i["kode"], i["persen"], i["kategori"]) for i in utama["iku"]] == [
        ("T1", True, None), ("S1", True, "Sangat Baik"), ("S2", False, "Baik")]
    assert [e["kode"] for e in utama["efisiensi"]] == ["S1", "S2"]
    # the whole model is JSON-friendly too (what a Pemda consolidation reads per OPD)
    whole = json.loads(json.dumps(as_json(angka)))
    assert whole["period"] == "2025-06" and whole["sepanjang_tahun"]["e81"]["triwulan"] == "II"


def test_target_reached_is_judged_once_in_the_model():
    """Tabel 3.2's capaian decides "tercapai" (the document's Bab IV and the analysis read it, never judge it)."""
    from pipeline.domain.figures import IkuTahun

    def year(capaian):
        return IkuTahun(2025, 10.0, 10.0, capaian, None, None)

    assert year(100.0).tercapai is True
    assert year(100.0 - 1e-12).tercapai is True  # the rounding of a ratio, not a miss
    assert year(99.99).tercapai is False
    assert year(None).tercapai is None
