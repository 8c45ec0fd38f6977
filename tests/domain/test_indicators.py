import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipeline.domain.indicators import (
    DEFAULT_SKALA,
    capaian,
    kategori,
    kumkm_digital,
    rasio_kewirausahaan,
    renstra_capaian,
    tingkat_kemajuan,
    volume_usaha_by_year,
    volume_usaha_growth,
)


def test_capaian_report_figures():
    assert capaian(19.61, 8) == pytest.approx(245.125)
    assert capaian(3.66, 3.0) == pytest.approx(122.0)
    assert capaian(3.50, 2.9) == pytest.approx(120.689655, abs=1e-6)


def test_capaian_polarities():
    assert capaian(80, 100) == pytest.approx(80.0)
    assert capaian(80, 100, "Positif") == pytest.approx(80.0)
    assert capaian(80, 100, None) == pytest.approx(80.0)
    # lower is better: 80 against a ceiling of 100 is 120 %
    assert capaian(80, 100, "Negatif") == pytest.approx(120.0)
    assert capaian(120, 100, " negatif ") == pytest.approx(80.0)
    assert capaian(100, 100, "Negatif") == pytest.approx(100.0)
    with pytest.raises(ValueError):
        capaian(1, 1, "Netral")


@pytest.mark.parametrize("realisasi, target", [(5, None), (5, 0), (None, 5), (None, None)])
def test_capaian_without_target_is_none_not_zero(realisasi, target):
    assert capaian(realisasi, target) is None
    assert capaian(realisasi, target, "Negatif") is None


@pytest.mark.parametrize(
    "value, expected",
    [
        (245.125, "Sangat Baik"), (91.0, "Sangat Baik"), (90.99, "Baik"), (76.0, "Baik"), (75.99, "Cukup"),
        (66.0, "Cukup"), (65.99, "Kurang"), (51.0, "Kurang"), (50.99, "Sangat Kurang"), (0.0, "Sangat Kurang"),
        (-12.5, "Sangat Kurang"), (None, None),
    ],
)
def test_kategori_boundaries(value, expected):
    assert kategori(value) == expected


def test_kategori_custom_scale_in_any_order():
    skala = [("C", 0.0), ("A", 80.0), ("B", 50.0)]
    assert kategori(80, skala) == "A"
    assert kategori(79.99, skala) == "B"
    assert kategori(-1, skala) == "C"
    assert kategori(50, list(reversed(DEFAULT_SKALA))) == "Sangat Kurang"


@settings(deadline=None, max_examples=100)
@given(st.floats(-1e6, 1e6, allow_nan=False))
def test_kategori_is_monotone(x):
    names = [name for name, _ in DEFAULT_SKALA]
    assert names.index(kategori(x)) >= names.index(kategori(x + 1.0))


def test_renstra_cumulative_report():
    # volume usaha growth: Kumulatif, 19.61 in the first Renstra year, final target 24
    c = renstra_capaian({2024: 19.61}, 2024, 24.0, "Kumulatif", 2024)
    assert c == pytest.approx(81.7083333)
    assert tingkat_kemajuan(c) == "Mendekati Target"


def test_renstra_level_report():
    # rasio kewirausahaan: Tahun Berjalan, 3.66 against a final level of 3.5
    c = renstra_capaian({2023: 3.5, 2024: 3.66}, 2024, 3.5, "Tahun Berjalan", 2024)
    assert c == pytest.approx(104.5714286)
    assert tingkat_kemajuan(c) == "Melebihi Target"
    assert renstra_capaian({2024: 3.66}, 2024, 3.5, None, 2024) == pytest.approx(c)
    assert renstra_capaian({2024: 3.66}, 2024, 3.5) == pytest.approx(c)


def test_renstra_cumulative_sums_years_from_tahun_awal():
    by_year = {2023: 50.0, 2024: 8.0, 2025: 9.0}
    assert renstra_capaian(by_year, 2025, 24.0, "kumulatif", 2024) == pytest.approx(17 / 24 * 100)
    assert renstra_capaian(by_year, 2024, 24.0, "Kumulatif", 2024) == pytest.approx(8 / 24 * 100)


def test_renstra_without_data():
    assert renstra_capaian({}, 2024, 24.0, "Kumulatif", 2024) is None
    assert renstra_capaian({2024: 8.0}, 2025, 24.0, "Kumulatif", 2024) is None  # 2025 missing
    assert renstra_capaian({2025: 8.0}, 2025, 24.0, "Kumulatif", 2024) is None  # 2024 missing
    assert renstra_capaian({2024: None}, 2024, 3.5, "Tahun Berjalan", 2024) is None
    assert renstra_capaian({2024: 3.0}, 2024, None, "Tahun Berjalan", 2024) is None
    assert renstra_capaian({2024: 3.0}, 2024, 0, "Tahun Berjalan", 2024) is None
    with pytest.raises(ValueError):
        renstra_capaian({2024: 3.0}, 2024, 3.5, "Rata-rata", 2024)


def test_tingkat_kemajuan():
    assert tingkat_kemajuan(None) is None
    assert tingkat_kemajuan(100.0) == "Mencapai Target"
    assert tingkat_kemajuan(3.5 / 3.5 * 100) == "Mencapai Target"
    assert tingkat_kemajuan(100 + 1e-12) == "Mencapai Target"
    assert tingkat_kemajuan(100.01) == "Melebihi Target"
    assert tingkat_kemajuan(99.99) == "Mendekati Target"
    assert tingkat_kemajuan(0) == "Mendekati Target"


ODK = pl.DataFrame(
    {
        "nik": [f"{i:016d}" for i in range(7)],
        "status": ["Aktif", " aktif ", "Tidak Aktif", "AKTIF", "Aktif", "Aktif", None],
        "tahun_buku": [2023, 2023, 2023, 2024, 2024, 2024, 2024],
        "volume_usaha": [100.0, 50.0, 999.0, 120.0, 59.415, None, 999.0],
        "digital": ["Ya", "Tidak", "Ya", "ya ", "Tidak", None, "Ya"],
    }
)

STATISTIK = pl.DataFrame(
    {
        "tahun": [2024, 2024, 2023],
        "kabupaten": ["Badung", "Denpasar", "Badung"],
        "penduduk_usia_produktif": [1000, 3000, 1000],
        "jumlah_umkm": [60, 86, 40],
        "umkm_digital": [10, 20, 5],
    }
)


def test_volume_usaha():
    by_year = volume_usaha_by_year(ODK)
    assert by_year == {2023: pytest.approx(150.0), 2024: pytest.approx(179.415)}
    assert volume_usaha_growth(by_year, 2024) == pytest.approx(19.61)
    assert volume_usaha_growth(by_year, 2023) is None
    assert volume_usaha_growth({2023: 0.0, 2024: 5.0}, 2024) is None
    assert volume_usaha_by_year(ODK.clear()) == {}


def test_rasio_kewirausahaan():
    assert rasio_kewirausahaan(STATISTIK, 2024) == pytest.approx(146 / 4000 * 100)
    assert rasio_kewirausahaan(STATISTIK, 2023) == pytest.approx(4.0)
    assert rasio_kewirausahaan(STATISTIK, 2022) is None


def test_kumkm_digital():
    # 2024: Aktif rows 3 (one digital) ; UMKM 146 (30 digital)
    assert kumkm_digital(ODK, STATISTIK, 2024) == pytest.approx((1 + 30) / (3 + 146) * 100)
    # 2023: Aktif rows 2 (one digital); UMKM 40 (5 digital)
    assert kumkm_digital(ODK, STATISTIK, 2023) == pytest.approx((1 + 5) / (2 + 40) * 100)
    assert kumkm_digital(ODK, STATISTIK, 2022) is None
    assert kumkm_digital(ODK.clear(), STATISTIK, 2024) is None


def test_renstra_capaian_of_a_negatif_indicator_uses_the_polarity_rule():
    # lower is better: 8 % inactive cooperatives against a final target of 10 % is 120 %
    assert renstra_capaian({2025: 8.0}, 2025, 10.0, "Tahun Berjalan", 2025, "Negatif") == pytest.approx(120.0)
    assert renstra_capaian({2025: 12.0}, 2025, 10.0, "Tahun Berjalan", 2025, "Negatif") == pytest.approx(80.0)
    assert renstra_capaian({2024: 4.0, 2025: 4.0}, 2025, 10.0, "Kumulatif", 2024, "Negatif") == pytest.approx(120.0)
    assert renstra_capaian({2025: 8.0}, 2025, 10.0, "Tahun Berjalan", 2025, "Positif") == pytest.approx(80.0)
