"""Indicator performance: capaian, kategori, Renstra progress and the IKU formulas.

Percentages are percent points (19.61 means 19,61 %).  No target means no
capaian (None, shown as N/A), never 0.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import polars as pl

from pipeline.domain.periods import MONTH_NAMES_ID

__all__ = [
    "DEFAULT_SKALA",
    "capaian",
    "kategori",
    "renstra_capaian",
    "tingkat_kemajuan",
    "volume_usaha_by_year",
    "volume_usaha_growth",
    "rasio_kewirausahaan",
    "kumkm_digital",
    "COMPUTED_FROM",
    "provisional_basis",
]

# lower bounds in percent points, report Tabel 3.1
DEFAULT_SKALA: list[tuple[str, float]] = [
    ("Sangat Baik", 91.0),
    ("Baik", 76.0),
    ("Cukup", 66.0),
    ("Kurang", 51.0),
    ("Sangat Kurang", 0.0),
]


def _is_negatif(polaritas: str | None) -> bool:
    if polaritas is None or str(polaritas).strip() == "":
        return False
    p = str(polaritas).strip().lower()
    if p == "negatif":
        return True
    if p == "positif":
        return False
    raise ValueError(f"polaritas '{polaritas}' tidak dikenal; pilihan yang sah: Positif, Negatif")


def capaian(realisasi: float | None, target: float | None, polaritas: str | None = "Positif") -> float | None:
    """Realisasi / target x 100; Negatif: (2 x target - realisasi) / target x 100."""
    if realisasi is None or target is None or target == 0:
        return None
    if _is_negatif(polaritas):
        return (2 * target - realisasi) / target * 100.0
    return realisasi / target * 100.0


def kategori(capaian: float | None, skala: Iterable[tuple[str, float]] = DEFAULT_SKALA) -> str | None:
    """Category of a capaian: the one with the highest lower bound not above it."""
    if capaian is None:
        return None
    ordered = sorted(((float(bound), name) for name, bound in skala), reverse=True)
    if not ordered:
        return None
    for bound, name in ordered:
        if capaian >= bound:
            return name
    return ordered[-1][1]  # below every bound (negative capaian): the lowest category


def _is_kumulatif(akumulasi: str | None) -> bool:
    if akumulasi is None or str(akumulasi).strip() == "":
        return False
    a = " ".join(str(akumulasi).lower().split())
    if a == "kumulatif":
        return True
    if a == "tahun berjalan":
        return False
    raise ValueError(f"akumulasi '{akumulasi}' tidak dikenal; pilihan yang sah: Kumulatif, Tahun Berjalan")


def renstra_capaian(
    realisasi_by_year: Mapping[int, float | None],
    year: int,
    target_akhir: float | None,
    akumulasi: str | None = "Tahun Berjalan",
    tahun_awal: int | None = None,
    polaritas: str | None = "Positif",
) -> float | None:
    """Capaian against the Renstra's final target, in percent points.

    ``Tahun Berjalan``: the year's realisasi; ``Kumulatif``: the sum over
    tahun_awal..year, None unless every one of those years has a realisasi.
    A ``Negatif`` indicator follows the polarity rule of :func:`capaian`.
    """
    if target_akhir is None or target_akhir == 0:
        return None
    if _is_kumulatif(akumulasi):
        start = year if tahun_awal is None else tahun_awal
        values = [realisasi_by_year.get(y) for y in range(start, year + 1)]
        if not values or any(v is None for v in values):
            return None
        total = sum(values)  # type: ignore[arg-type]
    else:
        total = realisasi_by_year.get(year)
        if total is None:
            return None
    return capaian(total, target_akhir, polaritas)


# two figures closer than this are equal (floating-point sums and ratios of figures given to a few decimals)
EPS = 1e-9


def tingkat_kemajuan(capaian: float | None) -> str | None:
    """``Melebihi Target`` above 100, ``Mencapai Target`` at 100, else ``Mendekati Target``."""
    if capaian is None:
        return None
    if abs(capaian - 100.0) <= EPS:
        return "Mencapai Target"
    return "Melebihi Target" if capaian > 100.0 else "Mendekati Target"


# --- IKU formulas ----------------------------------------------------------------

# Sumber -> the data a computed realisasi rests on
COMPUTED_FROM = {"VOLUME_USAHA_KOPERASI": "ODK", "RASIO_KEWIRAUSAHAAN": "Statistik",
                 "KUMKM_DIGITAL": "ODK dan Statistik"}


def provisional_basis(sumber: str, year: int, period_year: int, period_month: int) -> str | None:
    """Which unfinished data a computed realisasi rests on, or None when its year has ended.

    A figure of the period's year computed before December (ODK Tahun Buku or
    Statistik of a year still running) is *sementara*: ``Tahun Buku 2025 s.d. Juni``.
    """
    if sumber not in COMPUTED_FROM or year < period_year or period_month >= 12:
        return None
    until = f"s.d. {MONTH_NAMES_ID[period_month - 1]}"
    if sumber == "VOLUME_USAHA_KOPERASI":
        return f"Tahun Buku {year} {until}"
    if sumber == "RASIO_KEWIRAUSAHAAN":
        return f"Statistik {year} {until}"
    return f"Tahun Buku {year} dan Statistik {year} {until}"


def _aktif() -> pl.Expr:
    return pl.col("status").cast(pl.String).str.strip_chars().str.to_lowercase() == "aktif"


def volume_usaha_by_year(odk: pl.DataFrame) -> dict[int, float]:
    """Sum of Volume Usaha of ``Aktif`` cooperatives per Tahun Buku."""
    if odk.height == 0:
        return {}
    sums = (
        odk.filter(_aktif() & pl.col("tahun_buku").is_not_null())
        .group_by(pl.col("tahun_buku").cast(pl.Int64))
        .agg(pl.col("volume_usaha").cast(pl.Float64).sum())
    )
    return {int(y): float(v) for y, v in sums.iter_rows()}


def volume_usaha_growth(by_year: Mapping[int, float], year: int) -> float | None:
    """(volume year - volume year-1) / volume year-1 x 100."""
    now, before = by_year.get(year), by_year.get(year - 1)
    if now is None or before is None or before == 0:
        return None
    return (now - before) / before * 100.0


def rasio_kewirausahaan(statistik: pl.DataFrame, year: int) -> float | None:
    """Sum Jumlah UMKM / sum Penduduk Usia Produktif x 100 for the year."""
    rows = statistik.filter(pl.col("tahun").cast(pl.Int64) == year)
    if rows.height == 0:
        return None
    penduduk = rows.get_column("penduduk_usia_produktif").cast(pl.Float64).sum()
    umkm = rows.get_column("jumlah_umkm").cast(pl.Float64).sum()
    if not penduduk:
        return None
    return umkm / penduduk * 100.0


def kumkm_digital(odk: pl.DataFrame, statistik: pl.DataFrame, year: int) -> float | None:
    """(Aktif koperasi on board digital + UMKM on board digital) / (Aktif koperasi + UMKM) x 100.

    None unless both ODK and Statistik have rows for the year: one source alone
    would give a misleading figure.
    """
    kop = odk.filter(_aktif() & (pl.col("tahun_buku").cast(pl.Int64) == year))
    stat = statistik.filter(pl.col("tahun").cast(pl.Int64) == year)
    if kop.height == 0 or stat.height == 0:
        return None
    if "digital" in kop.columns:
        kop_digital = kop.filter(
            pl.col("digital").cast(pl.String).str.strip_chars().str.to_lowercase() == "ya"
        ).height
    else:
        kop_digital = 0
    umkm = stat.get_column("jumlah_umkm").cast(pl.Float64).sum()
    umkm_digital = (
        stat.get_column("umkm_digital").cast(pl.Float64).sum() if "umkm_digital" in stat.columns else 0.0
    )
    denominator = kop.height + umkm
    if not denominator:
        return None
    return (kop_digital + umkm_digital) / denominator * 100.0
