"""The realisasi of every key indicator (IKU) per year: stated by the planner, else computed.

Pure arithmetic on the tables already read (the IKU list, the stated values,
the statistics, the ODK rows); the comparison of a stated value with the
computed one, which raises a problem, is an intake rule
(:func:`pipeline.intake.rules.stated_iku`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import polars as pl

from pipeline.domain import indicators

__all__ = ["IkuResult", "SOURCE_LABEL", "STATED_LABEL", "NEEDS", "DATA_LABEL", "compute_iku", "iku_years",
           "needs"]

STATED_LABEL = "Ditetapkan (referensi)"
SOURCE_LABEL = {
    "VOLUME_USAHA_KOPERASI": "Dihitung dari ODK",
    "RASIO_KEWIRAUSAHAAN": "Dihitung dari Statistik",
    "KUMKM_DIGITAL": "Dihitung dari ODK dan Statistik",
}

# Sumber -> the inputs its formula computes from ("statistik": the referensi's Statistik sheet,
# "odk": the odk/ folder); MANUAL needs neither
NEEDS = {
    "VOLUME_USAHA_KOPERASI": ("odk",),
    "RASIO_KEWIRAUSAHAAN": ("statistik",),
    "KUMKM_DIGITAL": ("odk", "statistik"),
}
DATA_LABEL = {"statistik": "lembar Statistik di workbook referensi", "odk": "data Online Data Koperasi (folder odk/)"}


def needs(sumber: object) -> tuple[str, ...]:
    """The inputs an IKU's Sumber needs (empty for MANUAL)."""
    return NEEDS.get(str(sumber or "MANUAL").strip().upper(), ())


@dataclass
class IkuResult:
    """Realisasi per indicator and year, where each came from, and what the formulas gave."""

    realisasi: dict[str, dict[int, float]] = field(default_factory=dict)  # kode_iku -> year -> value used
    source: dict[tuple[str, int], str] = field(default_factory=dict)  # (kode_iku, year) -> "Dihitung dari ODK" ...
    computed: dict[tuple[str, int], float] = field(default_factory=dict)  # what the formula gave, stated or not
    # (kode_iku, year) -> the unfinished data a computed figure used rests on ("Tahun Buku 2025 s.d. Juni")
    sementara: dict[tuple[str, int], str] = field(default_factory=dict)

    def note(self, kode: str, years: Iterable[int]) -> str:
        """``Sementara: ...`` when a figure of these years is provisional, else empty."""
        found = [self.sementara[(kode, y)] for y in years if (kode, y) in self.sementara]
        return f"Sementara: {'; '.join(found)}" if found else ""


def _computed(sumber: str, year: int, volume: Mapping[int, float], statistik: pl.DataFrame,
              odk: pl.DataFrame) -> float | None:
    if sumber == "VOLUME_USAHA_KOPERASI":
        return indicators.volume_usaha_growth(volume, year)
    if sumber == "RASIO_KEWIRAUSAHAAN" and statistik.height:
        return indicators.rasio_kewirausahaan(statistik, year)
    if sumber == "KUMKM_DIGITAL" and statistik.height and odk.height:
        return indicators.kumkm_digital(odk, statistik, year)
    return None


def compute_iku(iku: pl.DataFrame, stated: Mapping[tuple[str, int], float], statistik: pl.DataFrame,
                odk: pl.DataFrame, years: Iterable[int], period: tuple[int, int] | None = None) -> IkuResult:
    """Realisasi of every IKU (rows with ``kode_iku`` and ``sumber``) for the given years.

    A value stated for (indicator, year) is the one used; otherwise the
    indicator's formula (``sumber``) gives it, when its data are there.  With
    the ``period`` (year, month), a computed figure of a year that has not
    ended there is marked sementara, with the data it rests on.
    """
    years = list(years)
    volume = indicators.volume_usaha_by_year(odk) if odk.height else {}
    result = IkuResult()
    for record in iku.iter_rows(named=True):
        kode, sumber = record["kode_iku"], (record["sumber"] or "MANUAL").upper()
        values: dict[int, float] = {}
        for year in years:
            computed = _computed(sumber, year, volume, statistik, odk)
            if computed is not None:
                result.computed[(kode, year)] = computed
            value = stated.get((kode, year))
            if value is not None:
                values[year] = value
                result.source[(kode, year)] = STATED_LABEL
            elif computed is not None:
                values[year] = computed
                result.source[(kode, year)] = SOURCE_LABEL[sumber]
                basis = indicators.provisional_basis(sumber, year, *period) if period else None
                if basis:
                    result.sementara[(kode, year)] = basis
                    result.source[(kode, year)] += f" (sementara: {basis})"
        result.realisasi[kode] = values
    return result


def iku_years(period_year: int, *, columns: Iterable[int] = (), targets: Mapping[str, Mapping[int, float]] | None = None,
              stated: Iterable[tuple[str, int]] = (), tahun_awal: int | None = None,
              tahun_akhir: int | None = None) -> list[int]:
    """Years shown in trend tables: the IKU's year columns and target years, the Renstra's
    years, the stated years, and the period's year and the one before; none after the
    period's year or the Renstra's last year, whichever is later."""
    years = set(columns) | {y for by_year in (targets or {}).values() for y in by_year} | {period_year - 1, period_year}
    if tahun_awal:
        years |= set(range(tahun_awal, (tahun_akhir or tahun_awal) + 1))
    years |= {y for (_, y) in stated}
    return sorted(y for y in years if y <= max(period_year, tahun_akhir or period_year))
