"""The LKjIP draft (Word), made from the same sections as the workbook, before the workbook is written.

The document is rendered here, in memory, and published by ``laporan_kinerja``
together with the workbook, so that a template that does not work can be
reported in the workbook's ``Validasi`` sheet.  Nothing in this step can cost the
workbook: an office's template that fails falls back to the bundled one, and a
document that cannot be made at all is one ``Error`` row.
"""


from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from pipeline.defs.kinerja.assets import Section
from pipeline.defs.masukan.assets import ReferensiIntake
from pipeline.defs.partitions import monthly_partitions
from pipeline.defs.resources import LkjipConfig
from pipeline.domain.periods import Period
from pipeline.intake.docx_template import find_template
from pipeline.intake.files import FileReport
from pipeline.problems import Problem, problem
from pipeline.settings import TIMEZONE


@dataclass
class DokumenLkjip:
    """The rendered document (None when it could not be made), the template used, what went wrong."""

    content: bytes | None
    template: str
    problems: list[Problem] = field(default_factory=list)
    reports: list[FileReport] = field(default_factory=list)  # the .docx templates found, for Ringkasan
    charts: int = 0


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]


def make_document(inputs, ref, period: Period, made_at: datetime, sheets: dict) -> DokumenLkjip:
    """Render the document with the office's template, else the bundled one; never raises."""
    from pipeline.report.charts import chart_specs, render_png
    from pipeline.report.document import document_context, render_document

    choice = find_template(inputs)
    problems = list(choice.problems)
    try:
        charts = [(c, render_png(c)) for c in chart_specs(sheets, period.year)]
        context = document_context(ref, period, made_at, sheets)
    except Exception as exc:  # a bug must not cost the workbook
        problems.append(problem("document_failed", reason=_reason(exc)))
        return DokumenLkjip(None, "", problems, choice.reports)
    if choice.path is not None:
        try:
            content = render_document(context, charts, choice.path)
            return DokumenLkjip(content, choice.path.name, problems, choice.reports, len(charts))
        except Exception as exc:
            name = choice.reports[-1].file if choice.reports else choice.path.name
            report = next((r for r in choice.reports if r.file.endswith(choice.path.name)), None)
            item = problem("template_invalid", file=report.file if report else name, reason=_reason(exc))
            if report is not None:
                report.status, report.note = "Ditolak", item.message
            problems.append(item)
    try:
        content = render_document(context, charts)
        return DokumenLkjip(content, "bawaan", problems, choice.reports, len(charts))
    except Exception as exc:
        problems.append(problem("document_failed", reason=_reason(exc)))
        return DokumenLkjip(None, "", problems, choice.reports)


@dg.asset(partitions_def=monthly_partitions, group_name="laporan")
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
    period = Period.parse(context.partition_key)
    made_at = datetime.now(ZoneInfo(TIMEZONE)).replace(microsecond=0)
    sections = [capaian_iku, kemajuan_renstra, realisasi_anggaran, efisiensi, kinerja_program]
    sheets = {t.name: t for s in sections for t in s.tables}
    doc = make_document(lkjip.inputs, referensi.referensi, period, made_at, sheets)
    return dg.Output(doc, metadata={"templat": doc.template or "-", "grafik": doc.charts,
                                    "ukuran_byte": len(doc.content or b""), "masalah": len(doc.problems)})
