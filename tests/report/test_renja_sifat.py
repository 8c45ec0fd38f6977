"""The Sifat of an output in the through-the-year sheets: E.81 columns 8-13, the trend, the warnings.

Series are built by hand (pure objects, no files): a program whose output is a mean of the months
(Rata-rata, named in the Sifat Indikator sheet), an index sub kegiatan (a level by its unit) and an
additive one.
"""

from __future__ import annotations

import pytest

from pipeline.domain.periods import Period
from pipeline.domain.sifat import SifatRules
from pipeline.intake.referensi import Referensi
from pipeline.domain.series import CodeSeries, YearFigures
from pipeline.domain import sepanjang_tahun as renja

RULES = SifatRules(by_kode={"1.02.02": "Rata-rata"})
MEAN = {1: 3.0, 2: 5.0, 3: 4.0, 4: 2.0, 5: 2.0, 6: 2.0}
INDEX = {1: 70.0, 2: 72.0, 3: 71.0, 4: 75.0, 5: 74.0, 6: 78.0}
COUNT = {1: 10.0, 2: 20.0, 3: 30.0, 4: 40.0, 5: 50.0, 6: 60.0}
PAGU = {m: 1_200.0 for m in range(1, 7)}
SPENT = {m: 150.0 * m for m in range(1, 7)}  # June: 75 % absorbed


def _series(kode, level, satuan, realisasi, target, **kw):
    s = CodeSeries(kode, level, uraian=kode, indikator=kode, satuan=satuan, bidang="Bidang A", program="1.02.02",
                   kegiatan="1.02.02.2.02" if level == "sub_kegiatan" else None, target=target,
                   realisasi=dict(realisasi), **kw)
    s.sifat = RULES.of(kode, satuan)
    return s


@pytest.fixture
def figures() -> YearFigures:
    codes = {
        "1.02.02": _series("1.02.02", "program", "Kunjungan", MEAN, 4.0),
        "1.02.02.2.02": _series("1.02.02.2.02", "kegiatan", "Kunjungan", MEAN, 4.0),
        "1.02.02.2.02.0015": _series("1.02.02.2.02.0015", "sub_kegiatan", "Kunjungan", MEAN, 4.0,
                                     pagu=PAGU, realisasi_anggaran=SPENT),
        "1.02.03.2.01.0001": _series("1.02.03.2.01.0001", "sub_kegiatan", "Indeks", INDEX, 80.0,
                                     pagu=PAGU, realisasi_anggaran=SPENT),
        "1.02.03.2.01.0002": _series("1.02.03.2.01.0002", "sub_kegiatan", "Orang", COUNT, 120.0,
                                     pagu=PAGU, realisasi_anggaran=SPENT),
    }
    codes["1.02.03"] = _series("1.02.03", "program", "%", {6: 50.0}, 100.0)
    codes["1.02.03.2.01"] = _series("1.02.03.2.01", "kegiatan", "%", {6: 50.0}, 100.0)
    for kode in ("1.02.03", "1.02.03.2.01", "1.02.03.2.01.0001", "1.02.03.2.01.0002"):
        codes[kode].program = "1.02.03"
        codes[kode].kegiatan = "1.02.03.2.01" if kode.count(".") >= 4 else None
    return YearFigures(Period(2025, 6), codes, {}, {"Bidang A": {1, 2, 3, 4, 5, 6}})


def test_each_sifat_read_from_the_sheet_or_the_unit(figures):
    assert figures.codes["1.02.02.2.02.0015"].sifat_value == "Rata-rata"
    assert figures.codes["1.02.03.2.01.0001"].sifat_value == "Tingkat"
    assert figures.codes["1.02.03.2.01.0002"].sifat_value == "Jumlah"


def test_e81_quarters_and_year_by_sifat(figures):
    ref = Referensi(file="r.xlsx", tahun_awal=2025, tahun_akhir=2029)
    rows = {r.kode: r for r in renja.evaluasi_renja(ref, figures).rows}
    mean = rows["1.02.02.2.02.0015"].k
    assert [mean[c] for c in (8, 9, 10, 11)] == [pytest.approx(4.0), pytest.approx(2.0), None, None]
    assert mean[12] == pytest.approx(18 / 6) and mean[13] == pytest.approx(3.0)
    index = rows["1.02.03.2.01.0001"].k
    assert [index[c] for c in (8, 9, 10, 11)] == [71.0, 78.0, None, None] and index[12] == index[13] == 78.0
    count = rows["1.02.03.2.01.0002"].k
    assert [count[c] for c in (8, 9, 10, 11)] == [30.0, 30.0, None, None] and count[12] == 60.0


def test_trend_capaian_keluaran_of_a_mean_is_the_mean_so_far(figures):
    ref = Referensi(file="r.xlsx")
    subs = [s for s in figures.codes.values() if s.level == "sub_kegiatan" and s.program == "1.02.02"]
    lines = renja.trend(ref, figures, subs, figures.codes["1.02.02"])
    expected = [sum(MEAN[m] for m in range(1, n + 1)) / n / 4.0 * 100 for n in range(1, 7)]
    assert [line.capaian_keluaran for line in lines] == pytest.approx(expected)


def test_warnings_judge_a_mean_by_the_mean_and_never_call_a_level_falling(figures):
    found = renja.early_warnings(Referensi(file="r.xlsx"), figures, 20.0)
    behind = {w.kode for w in found if w.jenis == renja.OUTPUT_BEHIND}
    # the mean so far is 3 of 4 (75 %) against absorption 75 %: not behind; June's own 2 (50 %) would be
    assert "1.02.02.2.02.0015" not in behind
    assert "1.02.03.2.01.0002" in behind  # an additive output: 60 of 120 (50 %) against 75 %
    assert "1.02.03.2.01.0001" not in behind  # the index at 78 of 80
    assert not [w for w in found if w.jenis == renja.FELL]  # the index and the mean go down, nothing fell
