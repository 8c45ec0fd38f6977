"""The LKjIP draft (Word), made from the same sections as the workbook, before the workbook is written.

The document is rendered here, in memory, and published by ``laporan_kinerja``
together with the workbook, so that a template that does not work can be
reported in the workbook's ``Validasi`` sheet.  Nothing in this step can cost the
workbook: an office's template that fails falls back to the bundled one, and a
document that cannot be made at all is one ``Error`` row.
"""


from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from pipeline.defs.kinerja.assets import Section
from pipeline.defs.masukan.assets import ReferensiIntake
from pipeline.defs.partitions import office_config, period_of, report_partitions
from pipeline.defs.resources import LkjipConfig
from pipeline.dokumen import DokumenLkjip, make_document
from pipeline.settings import TIMEZONE

__all__ = ["DokumenLkjip", "dokumen_lkjip"]


@dg.asset(partitions_def=report_partitions, group_name="laporan")
def dokumen_lkjip(
    context: dg.AssetExecutionContext,
    lkjip: LkjipConfig,
    referensi: ReferensiIntake,
    capaian_iku: Section,
    kemajuan_renstra: Section,
    realisasi_anggaran: Section,
    efisiensi: Section,
    kinerja_program: Section,
):
    """Draf dokumen LKjIP (Word): sampul, kata pengantar, ringkasan eksekutif, Bab I-IV dengan
    Tabel 2.1-2.4 dan 3.1-3.8, grafik dan kalimat capaian; diterbitkan bersama workbook."""
    period, lkjip = period_of(context), office_config(context, lkjip)
    made_at = datetime.now(ZoneInfo(TIMEZONE)).replace(microsecond=0)
    sections = [capaian_iku, kemajuan_renstra, realisasi_anggaran, efisiensi, kinerja_program]
    sheets = {t.name: t for s in sections for t in s.tables}
    doc = make_document(lkjip.inputs, referensi.referensi, period, made_at, sheets)
    return dg.Output(doc, metadata={"templat": doc.template or "-", "grafik": doc.charts,
                                    "ukuran_byte": len(doc.content or b""), "masalah": len(doc.problems),
                                    "dibuat_di": doc.made_in})
