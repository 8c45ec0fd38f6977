"""The period's year month by month, as typed values (pure; the intake builds them).

:class:`CodeSeries` is one program, kegiatan or sub kegiatan through the year (month ->
cumulative value as stated), :class:`YearFigures` all of them for one period.
:func:`pipeline.intake.year.year_figures` builds them once per run from the month intakes; the
intake's rule on cumulative values that fell and the early warnings of the figures model both
read the same :attr:`CodeSeries.drops`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

from pipeline.domain import triwulan as tw
from pipeline.domain.periods import Period

__all__ = ["CodeSeries", "YearFigures", "MONEY_TOLERANCE", "code_drops"]

MONEY_TOLERANCE = 0.5  # rupiah: a realisasi anggaran lower by less is not a drop


@dataclass
class CodeSeries:
    """One program, kegiatan or sub kegiatan through the year (month -> cumulative value as stated;
    a month without a file is absent)."""

    kode: str
    level: str
    uraian: str = ""
    indikator: str = ""
    satuan: str = ""
    bidang: str = ""
    program: str = ""
    kegiatan: str | None = None
    target: float | None = None  # the output target for the year, as of the latest file
    pagu: dict[int, float] = field(default_factory=dict)
    realisasi: dict[int, float] = field(default_factory=dict)
    realisasi_anggaran: dict[int, float] = field(default_factory=dict)
    where: dict[int, dict] = field(default_factory=dict)  # month -> file, sheet, row, column letters

    @property
    def is_level(self) -> bool:
        return tw.is_percent_unit(self.satuan)

    @cached_property
    def drops(self) -> list[tuple[str, tw.Drop]]:
        """Every month whose cumulative value fell, as (``realisasi`` | ``realisasi_anggaran``, drop):
        an additive output of any level, and the realisasi anggaran of a sub kegiatan (a
        percentage output is a level and may go down).  Computed once per series."""
        return code_drops(self)


def code_drops(series: CodeSeries) -> list[tuple[str, tw.Drop]]:
    names = [] if series.is_level else ["realisasi"]
    if series.level == "sub_kegiatan":
        names.append("realisasi_anggaran")
    return [(name, d) for name in names
            for d in tw.drops(getattr(series, name), tolerance=MONEY_TOLERANCE if name == "realisasi_anggaran" else 0.0)]


@dataclass
class YearFigures:
    """The period's year, month by month: one :class:`CodeSeries` per code, December of the
    Renstra's earlier years, and which months each bidang sent files for."""

    period: Period
    codes: dict[str, CodeSeries]
    decembers: dict[int, dict[str, dict]]  # year -> kode -> row of that December
    sent: dict[str, set[int]]  # bidang -> months with a file
    received_files: dict[str, dict[int, list[str]]] = field(default_factory=dict)  # bidang -> month -> files
