"""Value types the asset folders of ``pipeline/defs`` hand each other.

They live beside the folders so that no folder imports another (``masukan`` ->
``kinerja`` / ``sepanjang_tahun`` -> ``laporan`` pass these by asset name).  The period's
figures themselves are :class:`pipeline.domain.figures.AngkaPeriode`.
"""

from dataclasses import dataclass, field

from pipeline.intake.loading import SourceFile
from pipeline.intake.referensi import Referensi
from pipeline.problems import Problem
from pipeline.report.making import DokumenLkjip
from pipeline.report.sheet import SheetTable

__all__ = ["ReferensiIntake", "Section", "RenjaSection", "TrendSection", "WarningSection", "DokumenLkjip"]


@dataclass
class ReferensiIntake:
    referensi: Referensi
    sources: list[SourceFile]
    problems: list[Problem]


@dataclass
class Section:
    """The sheet(s) an asset adds to the workbook, and the problems the intake rules across inputs found."""

    tables: list[SheetTable]
    problems: list[Problem] = field(default_factory=list)


# the through-the-year sheets are sections like the others (their figures are in AngkaPeriode)
RenjaSection = TrendSection = WarningSection = Section
