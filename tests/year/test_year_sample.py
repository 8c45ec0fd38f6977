"""The bundled sample inputs (December 2024 only) through the year: E.81 holds triwulan IV as the
only quarter with data, the trend has December only, the early warnings compare with the year elapsed."""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

from pipeline.samples import calibrated as cal


def records(ws, first: str) -> tuple[list[str], list[dict]]:
    rows = list(ws.iter_rows(values_only=True))
    start = next(i for i, r in enumerate(rows) if r and r[0] == first)
    header = list(rows[start])
    return header, [dict(zip(header, r, strict=False)) for r in rows[start + 1:] if any(v is not None for v in r)]


def col(header, number, kr):
    return next(h for h in header if h and h.startswith(f"({number}) ") and h.endswith(f" {kr}"))


@pytest.fixture(scope="module")
def wb(sample_report):
    return load_workbook(sample_report)


def test_sample_e81_is_triwulan_iv_only(wb):
    header, rows = records(wb["Evaluasi Renja"], "(1) No")
    by_kode = {r["(3) Kode"]: r for r in rows if r["(3) Level"] in ("Program", "Kegiatan", "Sub Kegiatan")}
    nodes = list(cal.all_nodes())
    assert set(by_kode) == {n.kode for n in nodes}
    for n in nodes:
        r = by_kode[n.kode]
        for number in (8, 9, 10):
            assert r[col(header, number, "K")] is None and r[col(header, number, "Rp")] is None, (n.kode, number)
        assert r[col(header, 11, "Rp")] == r[col(header, 12, "Rp")] == n.realisasi_anggaran
        assert r[col(header, 7, "Rp")] == n.pagu
        assert r[col(header, 6, "Rp")] == 0  # 2024 is the Renstra's first year
        assert r[col(header, 13, "Rp")] == n.realisasi_anggaran
        assert r[col(header, 5, "Rp")] == "N/A" and r[col(header, 14, "K")] == "N/A"  # no Target Renstra sheet
        assert r["(15) Unit Penanggung Jawab"] == next(p.bidang for p in cal.PROGRAMS if n.kode.startswith(p.kode))
    footer = {r["(2) Sasaran"]: r["(3) Program/Kegiatan/Sub Kegiatan"] for r in rows if not r["(3) Level"]}
    assert footer["Rata-rata capaian kinerja Renstra (kolom 14, K)"] == "N/A"
    assert footer["Predikat kinerja"] == "N/A"


def test_sample_trend_has_december_figures(wb):
    _, rows = records(wb["Tren Bulanan"], "Kode")
    total = [r for r in rows if r["Program"] == "JUMLAH"]
    assert [r["Bulan"] for r in total][-1] == "Desember" and len(total) == 12
    assert total[-1]["Pagu (Rp)"] == cal.TOTAL_PAGU
    assert total[-1]["Realisasi Kumulatif (Rp)"] == cal.TOTAL_REALISASI
    assert all(r["Realisasi Kumulatif (Rp)"] is None for r in total[:-1])  # no earlier months bundled


def test_sample_warnings_compare_with_the_year_elapsed(wb):
    _, rows = records(wb["Peringatan Dini"], "Jenis")
    lagging = {r["Kode"] for r in rows if r["Jenis"] == "Penyerapan di bawah waktu berjalan"}
    expected = {n.kode for n in cal.sub_kegiatan() if n.realisasi_anggaran / n.pagu * 100 < 80}
    assert expected and lagging == expected
    assert all(r["Sejak"] == "Desember 2024" for r in rows)
