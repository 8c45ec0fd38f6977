"""Value types the asset folders of ``pipeline/defs`` hand each other.

They live beside the folders so that no folder imports another (``masukan`` ->
``kinerja`` -> ``laporan`` -> ``pemda`` pass these by asset name).  The period's
figures themselves are :class:`pipeline.domain.figures.AngkaPeriode`.
"""

from dataclasses import dataclass, field

from pipeline.intake.loading import SourceFile
from pipeline.intake.referensi import Referensi
from pipeline.problems import Problem
from pipeline.report.making import DokumenLkjip
from pipeline.report.sheet import SheetTable

__all__ = ["ReferensiIntake", "Section", "DokumenLkjip", "run_problems"]


@dataclass
class ReferensiIntake:
    referensi: Referensi
    sources: list[SourceFile]
    problems: list[Problem]


@dataclass
class Section:
    """The workbook's sheets laid out from the model, and the problems the intake rules across inputs found."""

    tables: list[SheetTable]
    problems: list[Problem] = field(default_factory=list)


def run_problems(referensi: ReferensiIntake, realisasi_bidang, data_koperasi, anggaran_sipd, lembar_kerja: Section,
                 dokumen_lkjip: DokumenLkjip) -> list[Problem]:
    """Every problem of an OPD-month, as the Validasi sheet lists them: each input's, the rules' across
    inputs, the document's."""
    return (referensi.problems + realisasi_bidang.problems + data_koperasi.problems + anggaran_sipd.problems
            + lembar_kerja.problems + dokumen_lkjip.problems)
