"""Sifat of an output: how a cumulative-from-January figure adds up through the year."""

from __future__ import annotations

import pytest

from pipeline.domain import triwulan as tw
from pipeline.domain.sifat import (
    JUMLAH,
    MAKSIMUM,
    MINIMUM,
    RATA_RATA,
    TINGKAT,
    SifatRules,
    default_sifat,
    normalize_sifat,
    quarter_values,
    year_value,
)


@pytest.mark.parametrize("satuan", ["%", "Persen", "persentase", "Indeks", "INDEKS", "Nilai", "Skor", "skor (0-100)",
                                    "Rasio", "Predikat", "per 1.000", "Per 100.000", "per 100.000 penduduk",
                                    "per 100.000 KH", "per 1000 kelahiran hidup", "  indeks  ", "/100.000 penduduk",
                                    "Persentase (%)", "Indeks (skala 0-100)"])
def test_levels_by_default(satuan):
    assert default_sifat(satuan) == TINGKAT


@pytest.mark.parametrize("satuan", ["Orang", "Dokumen", "Unit", "Paket", "Kunjungan", "Laporan", "", None,
                                    "Rupiah", "persil", "Indekos"])
def test_everything_else_is_additive(satuan):
    assert default_sifat(satuan) == JUMLAH


def test_the_sheet_wins_over_the_unit_and_the_longest_code_wins():
    rules = SifatRules(by_kode={"1.02.02": MAKSIMUM, "1.02.02.2.02.0017": RATA_RATA, "S1": MINIMUM},
                       by_satuan={"kunjungan": RATA_RATA, "%": JUMLAH})
    assert rules.of("1.02.02.2.02.0017", "Kunjungan") == RATA_RATA
    assert rules.of("1.02.02.2.02.0001", "Orang") == MAKSIMUM  # its program's
    assert rules.of("1.02.020", "Orang") == JUMLAH  # not a child of 1.02.02
    assert rules.of("1.02.03.2.01.0001", "kunjungan") == RATA_RATA  # by Satuan, any case
    assert rules.of("1.02.03.2.01.0001", "%") == JUMLAH  # the sheet can make a unit additive
    assert rules.of("S1", "Indeks") == MINIMUM  # a Kode IKU
    assert rules.of("1.02.03.2.01.0001", "Indeks") == TINGKAT  # the default


@pytest.mark.parametrize("text,expected", [("tingkat", TINGKAT), ("Rata rata", RATA_RATA), ("RATA-RATA", RATA_RATA),
                                           ("Maksimum", MAKSIMUM), ("minimum", MINIMUM), ("Jumlah", JUMLAH),
                                           ("kumulatif", JUMLAH), ("median", None), ("", None)])
def test_normalize(text, expected):
    assert normalize_sifat(text) == expected


INDEKS = {m: v for m, v in enumerate((70.5, 70.8, 71.2, 72.0, 73.1, 74.0, 74.6, 75.3, 76.0, 77.2, 78.1, 79.4), 1)}


def test_an_index_over_four_quarters_is_its_value_at_each_quarter_end():
    assert quarter_values(INDEKS, 12, TINGKAT) == [71.2, 74.0, 76.0, 79.4]
    assert year_value(INDEKS, 12, TINGKAT) == 79.4
    # as a count it would have been summed: the year 79,4 split in differences
    assert tw.triwulan(INDEKS, 12) == pytest.approx([71.2, 2.8, 2.0, 3.4])


def test_the_quarter_in_progress_ends_at_the_period_and_later_quarters_are_empty():
    assert quarter_values(INDEKS, 5, TINGKAT) == [71.2, 73.1, None, None]
    assert quarter_values({1: 3.0, 2: 5.0, 4: 4.0}, 5, RATA_RATA) == [4.0, 4.0, None, None]


def test_a_month_without_a_file_takes_the_last_earlier_value_for_a_level_and_is_left_out_of_a_mean():
    series = {1: 10.0, 2: 11.0, 4: 12.0, 5: 9.0}  # no March file
    assert quarter_values(series, 6, TINGKAT) == [11.0, 9.0, None, None]
    assert quarter_values(series, 6, RATA_RATA) == [10.5, 10.5, None, None]
    assert quarter_values(series, 6, MAKSIMUM) == [11.0, 12.0, None, None]
    assert quarter_values(series, 6, MINIMUM) == [10.0, 9.0, None, None]
    assert year_value(series, 6, RATA_RATA) == pytest.approx(42 / 4)
    assert year_value(series, 6, MAKSIMUM) == 12.0 and year_value(series, 6, MINIMUM) == 9.0
    assert year_value(series, 6, JUMLAH) == 9.0 and year_value({}, 6, RATA_RATA) is None
