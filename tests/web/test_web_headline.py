"""The dashboard's headline figures come from ringkasan.json, written by the run: they are the
report's own figures (golden), not recomputed by the page."""

import json

import pytest
from starlette.testclient import TestClient

from pipeline.web.app import create_app


def test_ringkasan_carries_the_headline_figures_of_the_report(sample_report, golden):
    summary = json.loads((sample_report.parent / "ringkasan.json").read_text(encoding="utf-8"))
    utama = summary["utama"]
    assert utama["tahun"] == 2024
    assert utama["anggaran"]["pagu"] == golden["tabel_3_8_total"]["pagu"]
    assert utama["anggaran"]["realisasi"] == golden["tabel_3_8_total"]["realisasi"]
    assert utama["anggaran"]["capaian"] == pytest.approx(
        golden["tabel_3_8_total"]["realisasi"] / golden["tabel_3_8_total"]["pagu"] * 100)
    by_indicator = {r["indikator"]: r for r in utama["iku"]}
    for iku in golden["iku"]:
        if "2024" in iku["realisasi"]:
            row = by_indicator[iku["indikator"]]
            assert row["realisasi"] == pytest.approx(iku["realisasi"]["2024"], abs=0.01)
            assert row["capaian"] == pytest.approx(iku["capaian_pct"]["2024"], abs=1)
            assert row["kategori"] == "Sangat Baik"
    efisiensi = [e["efisiensi"] for e in utama["efisiensi"]]
    assert efisiensi == pytest.approx([e["tingkat_efisiensi_pct"] for e in golden["tabel_3_6_efisiensi"]], abs=1)
    wira = next(r for r in summary["pengumpulan"] if r["bidang"] == "Bidang Kewirausahaan")
    assert wira["masalah"] == [] and wira["status"] == "Tepat Waktu"


def test_dashboard_shows_them_with_a_chart(sample_report):
    client = TestClient(create_app(sample_report.parent.parent, "http://127.0.0.1:3000"))
    page = client.get("/periode/2024-12")
    assert page.status_code == 200
    text = page.text
    assert "Rp 26.251.229.311" in text and "245,12 %" in text and "Sangat Baik" in text
    assert '<svg id="grafik"' in text and text.count("<rect") >= 3
    assert 'href="/unduh/2024-12/laporan-kinerja-2024-12.xlsx"' in text
    assert client.get("/periode/2024-13").status_code == 404
