"""The budget from SIPD as pure logic: jenis belanja, sums per sub kegiatan, the export a period uses,
and SIPD's figures applied to the bidang's rows."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest

from pipeline.domain import sipd
from pipeline.domain.periods import Period
from pipeline.samples import calibrated as cal
from pipeline.samples.sipd import sipd_rows


def _rekening() -> pl.DataFrame:
    rows = sipd_rows()
    return pl.DataFrame({
        "kode": [r["kode_sub_giat"] for r in rows], "uraian": [r["nama_sub_giat"] for r in rows],
        "kode_akun": [r["kode_akun"] for r in rows], "pagu": [float(r["nilai"]) for r in rows],
        "realisasi_anggaran": [float(r["realisasi_rill"]) for r in rows],
        "file": ["sipd/lra.xlsx"] * len(rows), "sheet": ["Realisasi"] * len(rows),
        "_row": list(range(7, 7 + len(rows))),
    })


@pytest.mark.parametrize(("akun", "jenis"), [
    ("5.1.01.01.01.0001", "Belanja Pegawai"), ("5.1.02.01.01.0024", "Belanja Barang dan Jasa"),
    ("5.1.04.01.01.0001", "Belanja Subsidi"), ("5.1.05.05.01.0001", "Belanja Hibah"),
    ("5.2.02.10.01.0002", "Belanja Modal Peralatan dan Mesin"), ("5.2.03.01.01.0001", "Belanja Modal Gedung dan Bangunan"),
    ("5.2.09", "Belanja Modal"), ("5.3.01.01.01.0001", "Belanja Tidak Terduga"), ("5.1", "Belanja Operasi Lainnya"),
    ("4.1.01", None), (None, None), ("5.10.01", None),
])
def test_jenis_belanja_of_a_rekening_code(akun, jenis):
    assert sipd.jenis_belanja_of(akun) == jenis


def test_jenis_belanja_sums_equal_the_rekening_sums_and_the_published_tabel_2_3():
    rows = _rekening()
    table = sipd.by_jenis_belanja(rows)
    assert table["pagu_pergeseran"].sum() == rows["pagu"].sum()
    assert table["realisasi_anggaran"].sum() == rows["realisasi_anggaran"].sum()
    assert table["pagu_awal"].null_count() == table.height  # not in an export
    by_name = dict(zip(table["jenis_belanja"], table["pagu_pergeseran"], strict=True))
    published = {name: after for name, _, after in cal.ANGGARAN}
    assert by_name["Belanja Pegawai"] == published["Belanja Pegawai"]
    assert by_name["Belanja Barang dan Jasa"] == published["Belanja Barang dan Jasa"]
    assert by_name["Belanja Subsidi"] == published["Belanja Subsidi"]
    assert sum(v for k, v in by_name.items() if k.startswith("Belanja Modal")) == published["Belanja Modal"]
    assert list(table["jenis_belanja"]) == ["Belanja Pegawai", "Belanja Barang dan Jasa", "Belanja Subsidi",
                                            "Belanja Modal Peralatan dan Mesin"]  # in code order
    for name in table["jenis_belanja"]:  # each group is the sum of its own rekening rows
        mine = rows.filter(pl.col("kode_akun").map_elements(sipd.jenis_belanja_of, return_dtype=pl.String) == name)
        assert by_name[name] == mine["pagu"].sum()


def test_pagu_and_realisasi_per_sub_kegiatan_are_the_sums_of_its_rekening():
    per_sub = sipd.per_sub_kegiatan(_rekening())
    expected = {n.kode: (n.pagu, n.realisasi_anggaran) for p in cal.PROGRAMS for n in p.walk() if n.level == "sub_kegiatan"}
    assert per_sub.height == len(expected) == 28
    for r in per_sub.iter_rows(named=True):
        assert (r["pagu"], r["realisasi_anggaran"]) == expected[r["kode"]]
        assert r["rekening"] >= 1


def _sub(**changes) -> pl.DataFrame:
    rows = {"kode": ["2.17.02.1.01.0001", "2.17.02.1.02.0001", "2.17.03.1.01.0003"],
            "uraian": ["A", "B", "C"], "indikator": ["i", "j", "k"], "target": [1.0, 2.0, 3.0],
            "realisasi": [1.0, 2.0, 3.0], "pagu": [100.0, 200.0, None], "realisasi_anggaran": [50.0, 150.0, None],
            "level": ["sub_kegiatan"] * 3, "program": ["2.17.02", "2.17.02", "2.17.03"],
            "kegiatan": ["2.17.02.1.01", "2.17.02.1.02", "2.17.03.1.01"], "file": ["a.xlsx", "a.xlsx", "b.xlsx"],
            "sheet": ["Realisasi"] * 3, "_row": [8, 9, 8], "bidang": ["X", "X", "Y"]}
    rows.update(changes)
    return pl.DataFrame(rows)


def _per_sub(entries) -> pl.DataFrame:
    return sipd.per_sub_kegiatan(pl.DataFrame(
        [{"kode": k, "uraian": u, "pagu": p, "realisasi_anggaran": r, "file": "sipd/x.csv", "sheet": "x", "_row": i}
         for i, (k, u, p, r) in enumerate(entries, start=5)],
        schema={"kode": pl.String, "uraian": pl.String, "pagu": pl.Float64, "realisasi_anggaran": pl.Float64,
                "file": pl.String, "sheet": pl.String, "_row": pl.Int64}))


def test_apply_sipd_uses_sipd_figures_and_lists_every_difference():
    sipd_rows_ = _per_sub([("2.17.02.1.01.0001", "A", 100.0, 60.0),  # realisasi differs
                           ("2.17.02.1.01.0001", "A", 0.0, 0.0),  # a second rekening of the same sub kegiatan
                           ("2.17.03.1.01.0003", "C", 300.0, 250.0),  # the bidang left the budget empty
                           ("2.17.04.1.01.0001", "D", 40.0, 10.0)])  # no bidang reports it
    applied, diffs = sipd.apply_sipd(_sub(), sipd_rows_)
    by_code = {r["kode"]: r for r in applied.iter_rows(named=True)}
    assert (by_code["2.17.02.1.01.0001"]["pagu"], by_code["2.17.02.1.01.0001"]["realisasi_anggaran"]) == (100, 60)
    assert (by_code["2.17.03.1.01.0003"]["pagu"], by_code["2.17.03.1.01.0003"]["realisasi_anggaran"]) == (300, 250)
    assert (by_code["2.17.02.1.02.0001"]["pagu"], by_code["2.17.02.1.02.0001"]["realisasi_anggaran"]) == (200, 150)
    added = by_code["2.17.04.1.01.0001"]
    assert (added["pagu"], added["realisasi_anggaran"], added["target"], added["realisasi"]) == (40, 10, None, None)
    assert (added["program"], added["kegiatan"], added["level"]) == ("2.17.04", "2.17.04.1.01", "sub_kegiatan")
    kinds = sorted((d.kode, d.kind, d.column) for d in diffs)
    assert kinds == [("2.17.02.1.01.0001", sipd.BERBEDA, "realisasi_anggaran"),
                     ("2.17.02.1.02.0001", sipd.TIDAK_DI_SIPD, ""),
                     ("2.17.04.1.01.0001", sipd.HANYA_SIPD, "")]
    berbeda = next(d for d in diffs if d.kind == sipd.BERBEDA)
    assert (berbeda.bidang_value, berbeda.sipd_value, berbeda.selisih) == (50, 60, 10)
    assert (berbeda.bidang_file, berbeda.bidang_row, berbeda.sipd_file) == ("a.xlsx", 8, "sipd/x.csv")


def test_apply_sipd_without_sipd_rows_changes_nothing():
    sub = _sub()
    applied, diffs = sipd.apply_sipd(sub, _per_sub([]))
    assert applied.equals(sub) and diffs == []


def test_the_export_a_period_uses():
    dates = [dt.date(2024, 11, 30), dt.date(2024, 12, 31), dt.date(2025, 1, 31)]
    assert sipd.choose_cutoff(dates, Period(2024, 12)) == dt.date(2024, 12, 31)
    assert sipd.choose_cutoff(dates, Period(2024, 11)) == dt.date(2024, 11, 30)
    assert sipd.choose_cutoff(dates, Period(2024, 6)) == dt.date(2024, 11, 30)  # only later exports: the earliest
    assert sipd.choose_cutoff([dt.date(2024, 11, 30)], Period(2024, 12)) == dt.date(2024, 11, 30)
    assert sipd.choose_cutoff(dates, Period(2023, 12)) is None


def test_cutoff_from_the_title_block():
    assert sipd.cutoff_from_title([["LAPORAN REALISASI ANGGARAN"], ["Per Tanggal 31 Desember 2024"]]) == dt.date(2024, 12, 31)
    assert sipd.cutoff_from_title([["Periode s.d. 30/11/2024"]]) == dt.date(2024, 11, 30)
    assert sipd.cutoff_from_title([["Tanggal cetak: 2025-01-05"], ["Per 31-12-2024"]]) == dt.date(2024, 12, 31)
    assert sipd.cutoff_from_title([["Dicetak 05/01/2025"], ["Realisasi Anggaran 31 Desember 2024"]]) == dt.date(2024, 12, 31)
    assert sipd.cutoff_from_title([["LAPORAN REALISASI ANGGARAN"]]) is None
