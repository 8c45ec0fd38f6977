"""The Pemda's consolidation as pure computation: Pemda IKU from Cascading Pemda, ratios of sums, Evaluasi RKPD."""

import polars as pl
import pytest

from pipeline.domain import pemda as dp


def _figures(opd, instansi, iku, pagu, spent, hemat=0.0, basis=0.0, programs=(), urusan=None, status=None):
    return dp.OpdFigures(opd, instansi, None, "2025-06", list(iku), pagu, spent, urusan or {"2.17": (pagu, spent)},
                         hemat, basis, status or {"Tepat Waktu": 2}, 1, 2, list(programs))


def _iku(kode, target, realisasi, polaritas="Positif"):
    from pipeline.domain import indicators

    cap = indicators.capaian(realisasi, target, polaritas)
    return dp.IkuFigure(kode, f"Indikator {kode}", "%", target, realisasi, cap, indicators.kategori(cap))


@pytest.fixture
def opds():
    a = _figures("01-a", "Dinas A", [_iku("S1", 10, 8), _iku("S2", 4, 2, "Negatif")], 1_000, 900, 50, 800,
                 [dp.ProgramFigure("S1", "1.02.02", "Program A1", 600, (100, 200, None, None), 300),
                  dp.ProgramFigure("", "1.02.01", "Penunjang A", 400, (50, 50, None, None), 100)])
    b = _figures("02-b", "Dinas B", [_iku("X", 50, 60)], 9_000, 900, 100, 1_000,
                 [dp.ProgramFigure("X", "2.17.07", "Program B1", 9_000, (400, 500, None, None), 900)],
                 urusan={"2.17": (8_000, 800), "1.02": (1_000, 100)})
    return {"01-a": dp.OpdStatus("01-a", a), "02-b": dp.OpdStatus("02-b", b),
            "03-c": dp.OpdStatus("03-c", None, "run terakhir gagal: referensi rusak")}


def test_one_opd_indicator_gives_its_realisasi_against_the_pemda_target(opds):
    iku = [dp.PemdaIku("P1", "Sasaran", "Sasaran 1", "Indikator P1", "%", "Positif", "OPD", 9.0)]
    [r] = dp.pemda_iku(iku, {}, [dp.CascadingLink("P1", "01-a", "S1")], opds)
    assert r.realisasi == 8
    assert r.capaian == pytest.approx(8 / 9 * 100)  # against the Pemda's own target, not the OPD's 10
    assert r.kategori == "Baik" and "dibandingkan dengan target Pemda" in r.basis


def test_several_opd_indicators_give_the_weighted_mean_of_their_capaian_and_no_realisasi(opds):
    iku = [dp.PemdaIku("P2", "Sasaran", "Sasaran 2", "Indeks", "Indeks", "Positif", "OPD", 100.0)]
    links = [dp.CascadingLink("P2", "01-a", "S2", 2), dp.CascadingLink("P2", "02-b", "X", 1)]
    [r] = dp.pemda_iku(iku, {}, links, opds)
    s2 = (2 * 4 - 2) / 4 * 100  # Negatif: 150 %
    x = 60 / 50 * 100
    assert r.capaian == pytest.approx((2 * s2 + 1 * x) / 3)
    assert r.realisasi is None and "Rata-rata tertimbang" in r.basis and "bukan realisasi" in r.basis
    equal = dp.pemda_iku(iku, {}, [dp.CascadingLink("P2", "01-a", "S2"), dp.CascadingLink("P2", "02-b", "X")], opds)
    assert equal[0].capaian == pytest.approx((s2 + x) / 2) and "bobot sama" in equal[0].basis


def test_a_failed_opd_is_named_in_the_contribution_and_left_out_of_the_mean(opds):
    iku = [dp.PemdaIku("P2", "Sasaran", "Sasaran 2", "Indeks", "Indeks", "Positif", "OPD", 100.0)]
    links = [dp.CascadingLink("P2", "02-b", "X"), dp.CascadingLink("P2", "03-c", "Y")]
    [r] = dp.pemda_iku(iku, {}, links, opds)
    assert r.capaian == pytest.approx(120.0)
    failed = next(c for c in r.contributions if c.opd == "03-c")
    assert failed.capaian is None and "referensi rusak" in failed.note
    assert "1 indikator tanpa capaian tidak dihitung" in r.basis


def test_manual_indicator_uses_the_stated_realisasi_and_no_row_gives_na(opds):
    iku = [dp.PemdaIku("P3", "Tujuan", "T", "IPM", "Indeks", "Positif", "MANUAL", 75.0),
           dp.PemdaIku("P4", "Sasaran", "S", "Lain", "%", "Positif", "OPD", 10.0)]
    p3, p4 = dp.pemda_iku(iku, {"P3": 76.1}, [], opds)
    assert p3.realisasi == 76.1 and p3.capaian == pytest.approx(76.1 / 75 * 100)
    assert p4.capaian is None and p4.kategori is None and p4.basis == "Tidak ada baris Cascading Pemda"


def test_rates_over_opd_are_ratios_of_sums_never_means_of_percentages(opds):
    complete = [s.figures for s in opds.values() if s.figures]
    t = dp.totals(complete)
    assert (t.pagu, t.realisasi_anggaran) == (10_000, 1_800)
    assert t.capaian_anggaran == pytest.approx(18.0)  # the mean of 90 % and 10 % would be 50 %
    assert t.efisiensi == pytest.approx(150 / 1_800 * 100)
    assert t.errors == 2 and t.warnings == 4 and t.pengumpulan == {"Tepat Waktu": 4}
    assert dp.budget_by_urusan(complete) == [("1.02", 1_000, 100, 10.0), ("2.17", 9_000, 1_700, pytest.approx(1_700 / 90))]


def test_evaluasi_rkpd_groups_opd_programs_under_the_rpjmd_sasaran_they_serve(opds):
    iku = [dp.PemdaIku("P1", "Sasaran", "Sasaran Satu", "I1", "%", "Positif", "OPD", 9.0),
           dp.PemdaIku("P2", "Sasaran", "Sasaran Dua", "I2", "%", "Positif", "OPD", 9.0)]
    links = [dp.CascadingLink("P1", "01-a", "S1"), dp.CascadingLink("P1", "02-b", "X"),
             dp.CascadingLink("P2", "02-b", "X")]
    rows = dp.evaluasi_rkpd(iku, links, opds)
    shown = [(r.sasaran, r.is_total, r.instansi, r.kode, r.pagu, r.triwulan[:2], r.realisasi) for r in rows]
    assert shown == [
        ("P1", True, "", "P1", 9_600, (500, 700), 1_200),
        ("P1", False, "Dinas A", "1.02.02", 600, (100, 200), 300),
        ("P1", False, "Dinas B", "2.17.07", 9_000, (400, 500), 900),
        ("P2", True, "", "P2", 9_000, (400, 500), 900),  # a program serving two sasaran counts under each
        ("P2", False, "Dinas B", "2.17.07", 9_000, (400, 500), 900),
        ("", True, "", "", 400, (50, 50), 100),
        ("", False, "Dinas A", "1.02.01", 400, (50, 50), 100),
    ]
    assert rows[0].capaian == pytest.approx(12.5)


def test_budget_figures_count_each_sub_kegiatan_once_and_efficiency_over_cascaded_programs():
    sub = pl.DataFrame({"kode": ["2.17.02.1.01.0001", "2.17.03.1.01.0001", "2.17.01.1.01.0001"],
                        "program": ["2.17.02", "2.17.03", "2.17.01"], "kegiatan": ["2.17.02.1.01", "2.17.03.1.01",
                                                                                   "2.17.01.1.01"],
                        "pagu": [100.0, 200.0, 700.0], "realisasi_anggaran": [50.0, 100.0, 600.0],
                        "target": [10.0, 4.0, None], "realisasi": [5.0, 4.0, None]})
    pagu, spent, urusan, hemat, basis = dp.budget_figures(sub, {"2.17.02": ["S1", "S2"], "2.17.03": "S1"})
    assert (pagu, spent, urusan) == (1_000, 750, {"2.17": (1_000, 750)})
    # 2.17.02: CK 50 % -> 50 weighted, 50 spent; 2.17.03: CK 100 % -> 200, 100 spent; 2.17.01 serves no sasaran
    assert (hemat, basis) == (100.0, 250.0)


def test_unclaimed_skpd_are_the_export_rows_of_a_code_no_opd_names():
    """Codes compared without spaces and case; two OPD that saw the same export count its rows once."""
    export = (("sipd/lra.xlsx", "1.02.0.00.0.00.01.0000", 40), ("sipd/lra.xlsx", "9.99.0.00.0.00.99.0000", 3),
              ("sipd/lra.xlsx", "2.17.0.00.0.00.01.0000", 25))
    a = dp.OpdFigures("01-a", "Dinas A", "1.02.0.00.0.00.01.0000 ", "2025-06", sipd_skpd=export)
    b = dp.OpdFigures("02-b", "Dinas B", "2.17.0.00.0.00.01.0000", "2025-06", sipd_skpd=export)
    c = dp.OpdFigures("03-c", "Dinas C", None, "2025-06")  # names no Kode SKPD, holds no export rows
    assert dp.unclaimed_skpd([a, b, c]) == [("sipd/lra.xlsx", "9.99.0.00.0.00.99.0000", 3)]
    assert dp.unclaimed_skpd([a, c]) == [("sipd/lra.xlsx", "2.17.0.00.0.00.01.0000", 25),
                                         ("sipd/lra.xlsx", "9.99.0.00.0.00.99.0000", 3)]
    assert dp.unclaimed_skpd([c]) == []
