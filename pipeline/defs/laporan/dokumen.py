"""The LKjIP draft (Word), made from the period's figures, before the workbook is written.

The document is rendered here, in memory, and published by ``laporan_kinerja``
together with the workbook, so that a template that does not work can be
reported in the workbook's ``Validasi`` sheet.  Nothing in this step can cost the
workbook: an office's template that fails falls back to the bundled one, and a
document that cannot be made at all is one ``Error`` row.  The chart specs are made
once here; the workbook draws the same ones.
"""


from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from pipeline.defs.partitions import office_config, report_partitions
from pipeline.defs.resources import LkjipConfig
from pipeline.defs.types import DokumenLkjip, ReferensiIntake
from pipeline.dokumen import make_document
from pipeline.domain.figures import AngkaPeriode
from pipeline.report.charts import chart_specs
from pipeline.settings import TIMEZONE

__all__ = ["DokumenLkjip", "dokumen_lkjip"]


@dg.asset(partitions_def=report_partitions, group_name="laporan")
def dokumen_lkjip(context: dg.AssetExecutionContext, lkjip: LkjipConfig, referensi: ReferensiIntake,
                  angka_periode: AngkaPeriode):
    """Draf dokumen LKjIP (Word): sampul, kata pengantar, ringkasan eksekutif, Bab I-IV dengan
    Tabel 2.1-2.4 dan 3.1-3.8, grafik dan kalimat capaian; diterbitkan bersama workbook."""
    made_at = datetime.now(ZoneInfo(TIMEZONE)).replace(microsecond=0)
    charts = chart_specs(angka_periode)
    doc = make_document(office_config(context, lkjip).inputs, referensi.referensi, angka_periode, made_at, charts)
    doc.chart_specs = charts
    return dg.Output(doc, metadata={"templat": doc.template or "-", "grafik": doc.charts,
                                    "ukuran_byte": len(doc.content or b""), "masalah": len(doc.problems),
                                    "dibuat_di": doc.made_in})
