"""Through the year: the Renja evaluation (Tabel E.81) per triwulan, the monthly trend of budget
realisation, and the early warnings, from every month of the period's year up to the period.

The realisation of the earlier months is read with the period's own files (asset
``realisasi_bidang``, :func:`pipeline.intake.year.read_year`): every file is read once, and the
figures are computed once, in ``angka_periode`` (its ``sepanjang_tahun``); these assets lay them out.
"""


from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from pipeline import settings
from pipeline.defs.partitions import office_config, report_partitions
from pipeline.defs.resources import LkjipConfig
from pipeline.defs.types import RenjaSection, Section, TrendSection, WarningSection
from pipeline.domain.figures import AngkaPeriode
from pipeline.report import renja
from pipeline.report.publish import publish
from pipeline.report.renja_form import write_evaluasi_workbook

GROUP = "sepanjang_tahun"

__all__ = ["RenjaSection", "TrendSection", "WarningSection", "evaluasi_renja", "tren_bulanan", "peringatan_dini",
           "evaluasi_renja_bappeda"]


def _asset(**kwargs):
    return dg.asset(partitions_def=report_partitions, group_name=GROUP, **kwargs)


@_asset()
def evaluasi_renja(angka_periode: AngkaPeriode) -> Section:
    """Evaluasi terhadap hasil Renja (Tabel E.81, Permendagri 86/2017): per sasaran, program,
    kegiatan dan sub kegiatan, target Renstra, realisasi triwulan I-IV, realisasi tahun ini dan
    Renstra s.d. tahun ini, tingkat capaian, unit penanggung jawab."""
    return Section([renja.evaluasi_renja_sheet(angka_periode)])


@_asset()
def tren_bulanan(angka_periode: AngkaPeriode) -> Section:
    """Tren bulanan per program dan total sejak Januari: pagu, realisasi anggaran kumulatif,
    capaian, dan rencana penarikan (anggaran kas) bila ada, dengan grafik garis."""
    return Section([renja.tren_bulanan_sheet(angka_periode)])


@_asset()
def peringatan_dini(angka_periode: AngkaPeriode) -> Section:
    """Sub kegiatan yang penyerapannya tertinggal dari rencana (atau dari waktu berjalan), capaian
    keluaran yang jauh di bawah penyerapan, angka kumulatif yang turun, dan bidang yang berhenti
    mengirim berkas; ambang LKJIP_EARLY_WARNING_POINTS (bawaan 20 poin)."""
    return Section([renja.peringatan_dini_sheet(angka_periode)])


@dg.asset(partitions_def=report_partitions, group_name="laporan")
def evaluasi_renja_bappeda(context: dg.AssetExecutionContext, lkjip: LkjipConfig,
                           angka_periode: AngkaPeriode) -> str:
    """Tabel E.81 sebagai workbook tersendiri dalam tata letak formulir (A3 atau F4 mendatar, judul kolom
    dua baris dengan nomor kolom) untuk Bappeda: evaluasi-renja-<YYYY-MM>.xlsx, ditulis aman dan
    disimpan juga di riwayat."""
    made_at = datetime.now(ZoneInfo(settings.TIMEZONE)).replace(microsecond=0)
    e81 = angka_periode.sepanjang_tahun.e81
    path = publish(lambda tmp: write_evaluasi_workbook(e81, angka_periode.instansi, tmp),
                   office_config(context, lkjip).outputs, str(e81.period), made_at, name=settings.EVALUASI_RENJA_NAME)
    context.add_output_metadata({"workbook": dg.MetadataValue.path(str(path)), "baris": len(e81.rows)})
    return str(path)
