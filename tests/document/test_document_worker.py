"""The helper process of `lkjip run` makes the same document, and a helper that died changes nothing."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import polars as pl

from pipeline.dokumen import DokumenLkjip, make_document
from pipeline.domain.angka import compute_angka_periode
from pipeline.domain.iku import IkuResult
from pipeline.domain.periods import Period
from pipeline.domain.series import YearFigures
from pipeline.intake.realisasi import RealisasiIntake
from pipeline.intake.referensi import Referensi
from pipeline.report.charts import chart_specs
from pipeline.report import document_worker


def _job(tmp_path: Path) -> tuple:
    (tmp_path / "referensi").mkdir()
    ref = Referensi(file="referensi.xlsx", instansi="Dinas Contoh Kabupaten Lain", tahun_awal=2024, tahun_akhir=2026)
    period = Period(2024, 3)
    angka = compute_angka_periode(ref, RealisasiIntake(str(period), pl.DataFrame(), pl.DataFrame()), pl.DataFrame(),
                                  IkuResult(), YearFigures(period, {}, {}, {}), period, [], 20.0)
    return tmp_path, ref, angka, datetime(2024, 4, 11, 7, 0), chart_specs(angka)


def test_the_helper_makes_the_document(tmp_path):
    document_worker.start()
    result = document_worker.make(_job(tmp_path))
    assert isinstance(result, DokumenLkjip), "the helper gave no answer"
    assert result.content and result.template == "bawaan" and result.problems == []
    assert document_worker._worker is None  # one job per helper


def test_a_dead_helper_falls_back_to_this_process(tmp_path):
    document_worker.start()
    document_worker._worker.kill()
    document_worker._worker.wait()
    result = make_document(*_job(tmp_path))
    assert result.content and result.template == "bawaan"
    document_worker.stop()
