"""The page shows the early-warning count and the E.81 workbook; the threshold is a setting."""

import pytest
from starlette.testclient import TestClient

from pipeline import settings
from pipeline.domain.periods import Period
from pipeline.intake.referensi import Referensi
from pipeline.domain.sepanjang_tahun import ABSORPTION_BEHIND_TIME, early_warnings
from pipeline.intake.year import CodeSeries, YearFigures
from pipeline.web.app import create_app


def test_page_shows_the_count_and_the_e81_workbook(year_runs):
    out = year_runs["outputs"]
    text = TestClient(create_app(out, "http://127.0.0.1:3000")).get("/").text
    june = text[text.index('id="p-2025-06"'):text.index('id="p-2025-03"')]
    assert "Peringatan dini: <strong>3</strong>" in june
    assert 'href="/unduh/2025-06/evaluasi-renja-2025-06.xlsx"' in june
    assert "riwayat/evaluasi-renja" not in text  # its history copies are not versions of the report
    response = TestClient(create_app(out, "http://127.0.0.1:3000")).get("/unduh/2025-06/evaluasi-renja-2025-06.xlsx")
    assert response.status_code == 200


def test_threshold_setting(monkeypatch):
    monkeypatch.delenv(settings.EARLY_WARNING_ENV, raising=False)
    assert settings.resolve().early_warning_points == 20
    monkeypatch.setenv(settings.EARLY_WARNING_ENV, "12,5")
    assert settings.resolve().early_warning_points == 12.5
    monkeypatch.setenv(settings.EARLY_WARNING_ENV, "banyak")
    with pytest.raises(ValueError, match="LKJIP_EARLY_WARNING_POINTS"):
        settings.resolve()


def _figures(month: int) -> YearFigures:
    sub = CodeSeries("2.17.03.1.01.0003", "sub_kegiatan", uraian="Penguatan", satuan="Unit", bidang="Bidang A",
                     program="2.17.03", kegiatan="2.17.03.1.01", target=10,
                     pagu={m: 1_200_000 for m in range(1, month + 1)},
                     realisasi={m: m * 10 / 12 for m in range(1, month + 1)},
                     realisasi_anggaran={m: 50_000 * m for m in range(1, month + 1)})
    return YearFigures(Period(2025, month), {sub.kode: sub}, {}, {"Bidang A": set(range(1, month + 1))})


def test_without_a_plan_absorption_is_compared_with_the_year_elapsed():
    ref = Referensi(file="referensi.xlsx")
    # absorbed 50.000 a month of 100.000 planned by time: 4,17 points behind a month
    assert early_warnings(ref, _figures(4), 20) == []
    found = early_warnings(ref, _figures(6), 20)  # 25 % of the money at 50 % of the year
    assert [(w.jenis, w.seberapa_jauh, w.sejak) for w in found] == [(ABSORPTION_BEHIND_TIME, "25,00 poin", "Mei 2025")]
    assert early_warnings(ref, _figures(6), 30) == []
