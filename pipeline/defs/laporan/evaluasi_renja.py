"""The Renja evaluation (Tabel E.81, Permendagri 86/2017) as a workbook of its own, in the form's layout, for
Bappeda.  Its rows are computed once, with every month of the year up to the period, in ``angka_periode``
(:attr:`~pipeline.domain.figures.AngkaPeriode.sepanjang_tahun`); this asset only lays them out.
"""


from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from pipeline import settings
from pipeline.defs.partitions import office_config, report_partitions
from pipeline.defs.resources import LkjipConfig
from pipeline.domain.figures import AngkaPeriode
from pipeline.report.publish import publish
from pipeline.report.renja_form import write_evaluasi_workbook

__all__ = ["evaluasi_renja_bappeda"]


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
