"""The native evaluation of the expectation suites gives exactly what Great Expectations gives."""

from __future__ import annotations

import json
from datetime import date

import polars as pl
import pytest

from pipeline.intake import tables as t
from pipeline.intake import validation
from pipeline.intake.sheets import ROW, Located


def _located(table: t.Table, frame: pl.DataFrame) -> Located:
    letters = {name: chr(ord("A") + i) for i, name in enumerate(c for c in frame.columns if c != ROW)}
    return Located(table, "x.xlsx", "Data", header_rows=(4,), columns=letters, year_columns={}, title=[],
                   data=frame)


def _both(monkeypatch, table, frame, directory=validation.EXPECTATIONS_DIR):
    loc = _located(table, frame)
    monkeypatch.setenv(validation.ENGINE_ENV, "native")
    native = validation.validate(loc, frame, directory)
    monkeypatch.setenv(validation.ENGINE_ENV, "gx")
    gx = validation.validate(loc, frame, directory)
    return native, gx


def _odk_frame() -> pl.DataFrame:
    return pl.DataFrame({
        ROW: [5, 6, 7, 8, 9, 10],
        "nik": ["5101012000000001", "51010120000001", None, "510101200000000X", "5101012000000005\n", "\u0665" * 16],
        "nama": ["KSP A", None, "KSP C", "KSP D", "KSP E", "KSP F"],
        "kabupaten": ["Kabupaten Badung"] * 5 + [None],
        "jenis": ["Simpan Pinjam"] * 6,
        "status": ["Aktif", "aktif", None, "Tidak Aktif", "Bubar", "Aktif"],
        "tahun_buku": pl.Series([2024, 1980, None, 2024, 2101, 2024], dtype=pl.Int64),
        "anggota": pl.Series([10, -1, None, 0, 5, 3], dtype=pl.Int64),
        "modal_sendiri": [1.0, -2.5, None, 0.0, float("nan"), 1e20],
        "modal_luar": [0.0, 0.0, 0.0, -1000.0, 0.0, 0.0],
        "volume_usaha": [1.0, None, -3.0, 2.0, 3.0, 4.0],
        "shu": [-5.0, 1.0, 2.0, 3.0, 4.0, 5.0],
        "digital": ["Ya", "Tidak", "ya", None, "Y", "Ya"],
        "tanggal_update": [date(2025, 1, 2)] * 6,
    })


def test_native_equals_gx_odk(monkeypatch):
    native, gx = _both(monkeypatch, t.ODK, _odk_frame())
    assert native[0]  # the frame does break rules
    assert native == gx


def test_native_equals_gx_realisasi(monkeypatch):
    frame = pl.DataFrame({
        ROW: [8, 9, 10, 11],
        "kode": ["2.17.02", "2.17.02.1.01", "2.17.02.1.01.0001.5", None],
        "uraian": ["PROGRAM", None, "Sub", "Sub 2"],
        "indikator": [None, "x", "y", "z"],
        "satuan": [None, "Unit", "Unit", "Unit"],
        "target": [None, 1.0, -1.0, 2.0],
        "realisasi": [None, 1.0, 1.0, -0.5],
        "pagu": [100.0, None, -1.0, 5.0],
        "realisasi_anggaran": [10.0, 10.0, None, 6.0],
    })
    native, gx = _both(monkeypatch, t.REALISASI, frame)
    assert native[0]
    assert native == gx


def test_unknown_expectations_still_run_through_gx(monkeypatch, tmp_path):
    suite = json.loads((validation.EXPECTATIONS_DIR / "odk.json").read_text(encoding="utf-8"))
    suite["expectations"].insert(0, {"type": "expect_column_value_lengths_to_be_between",
                                     "kwargs": {"column": "nama", "min_value": 6},
                                     "meta": {"rule": "expectation_failed", "severity": "Peringatan",
                                              "message": "Nama terlalu pendek"}})
    suite["expectations"].append({"type": "expect_column_values_to_be_between",
                                  "kwargs": {"column": "anggota", "min_value": 0, "mostly": 0.1},
                                  "meta": {"rule": "number_negative", "severity": "Error"}})
    (tmp_path / "odk.json").write_text(json.dumps(suite), encoding="utf-8")
    validation._spec.cache_clear()
    try:
        native, gx = _both(monkeypatch, t.ODK, _odk_frame(), tmp_path)
    finally:
        validation._spec.cache_clear()
    assert any(p.message == "Nama terlalu pendek" for p in native[0])
    assert native == gx


@pytest.mark.parametrize("height", [0, 1])
def test_empty_and_clean_frames(monkeypatch, height):
    frame = _odk_frame().slice(0, height).with_columns(
        pl.lit("5101012000000001").alias("nik"), pl.lit("Aktif").alias("status"), pl.lit("Ya").alias("digital"))
    native, gx = _both(monkeypatch, t.ODK, frame)
    assert native == gx == ([], set())
