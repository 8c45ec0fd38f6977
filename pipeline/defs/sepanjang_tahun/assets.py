"""Through the year: the Renja evaluation (Tabel E.81) per triwulan, the monthly trend of budget
realisation, and the early warnings, from every month of the period's year up to the period.

The realisation of the earlier months is read with the period's own files (asset
``realisasi_bidang``, :func:`pipeline.intake.year.read_year`): every file is read once.
"""


from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from pipeline import settings
from pipeline.defs.masukan.assets import ReferensiIntake
from pipeline.defs.partitions import office_config, report_partitions
from pipeline.defs.resources import LkjipConfig
from pipeline.intake.realisasi import RealisasiIntake
from pipeline.intake.year import year_figures
from pipeline.problems import Problem
from pipeline.report import renja
from pipeline.report.publish import publish
from pipeline.report.renja_form import write_evaluasi_workbook
from pipeline.report.sheet import SheetTable

GROUP = "sepanjang_tahun"


@dataclass
class RenjaSection:
    """The ``Evaluasi Renja`` sheet and the Tabel E.81 it shows."""

    tables: list[SheetTable]
    e81: renja.E81
    problems: list[Problem] = field(default_factory=list)


@dataclass
class WarningSection:
    """The ``Peringatan Dini`` sheet and its rows."""

    tables: list[SheetTable]
    warnings: list[renja.EarlyWarning]
    problems: list[Problem] = field(default_factory=list)


@dataclass
class TrendSection:
    tables: list[SheetTable]
    problems: list[Problem] = field(default_factory=list)


def _asset(**kwargs):
    return dg.asset(partitions_def=report_partitions, group_name=GROUP, **kwargs)


@_asset()
def evaluasi_renja(referensi: ReferensiIntake, realisasi_bidang: RealisasiIntake) -> RenjaSection:
    """Evaluasi terhadap hasil Renja (Tabel E.81, Permendagri 86/2017): per sasaran, program,
    kegiatan dan sub kegiatan, target Renstra, realisasi triwulan I-IV, realisasi tahun ini dan
    Renstra s.d. tahun ini, tingkat capaian, unit penanggung jawab."""
    ref = referensi.referensi
    e81 = renja.evaluasi_renja(ref, year_figures(realisasi_bidang))
    return RenjaSection([renja.evaluasi_renja_sheet(ref, e81)], e81)


@_asset()
def tren_bulanan(referensi: ReferensiIntake, realisasi_bidang: RealisasiIntake) -> TrendSection:
    """Tren bulanan per program dan total sejak Januari: pagu, realisasi anggaran kumulatif,
    capaian, dan rencana penarikan (anggaran kas) bila ada, dengan grafik garis."""
    return TrendSection([renja.tren_bulanan_sheet(referensi.referensi, year_figures(realisasi_bidang))])


@_asset()
def peringatan_dini(lkjip: LkjipConfig, referensi: ReferensiIntake, realisasi_bidang: RealisasiIntake) -> WarningSection:
    """Sub kegiatan yang penyerapannya tertinggal dari rencana (atau dari waktu berjalan), capaian
    keluaran yang jauh di bawah penyerapan, angka kumulatif yang turun, dan bidang yang berhenti
    mengirim berkas; ambang LKJIP_EARLY_WARNING_POINTS (bawaan 20 poin)."""
    ref = referensi.referensi
    figures = year_figures(realisasi_bidang)
    points = lkjip.settings.early_warning_points
    warnings = renja.early_warnings(ref, figures, points)
    return WarningSection([renja.peringatan_dini_sheet(ref, warnings, figures.period, points)], warnings)


@dg.asset(partitions_def=report_partitions, group_name="laporan")
def evaluasi_renja_bappeda(context: dg.AssetExecutionContext, lkjip: LkjipConfig, referensi: ReferensiIntake,
                           evaluasi_renja: RenjaSection) -> str:
    """Tabel E.81 sebagai workbook tersendiri dalam tata letak formulir (A4 mendatar, judul kolom
    dua baris dengan nomor kolom) untuk Bappeda: evaluasi-renja-<YYYY-MM>.xlsx, ditulis aman dan
    disimpan juga di riwayat."""
    made_at, lkjip = datetime.now(ZoneInfo(settings.TIMEZONE)).replace(microsecond=0), office_config(context, lkjip)
    period = str(evaluasi_renja.e81.period)
    path = publish(lambda tmp: write_evaluasi_workbook(evaluasi_renja.e81, referensi.referensi.instansi, tmp),
                   lkjip.outputs, period, made_at, name=settings.EVALUASI_RENJA_NAME)
    context.add_output_metadata({"workbook": dg.MetadataValue.path(str(path)), "baris": len(evaluasi_renja.e81.rows)})
    return str(path)
