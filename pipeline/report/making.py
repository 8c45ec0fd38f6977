"""Making the LKjIP document of one period: the template, the charts, the rendering, what went wrong.

Called through :func:`pipeline.dokumen.make_document` by the ``dokumen_lkjip`` asset, in the run's
process or in the helper process of ``lkjip run`` (:mod:`pipeline.report.document_worker`).  It never raises: an office's template that fails
falls back to the bundled one with a ``template_invalid`` problem, and a document that cannot be
made at all is one ``document_failed`` problem; the workbook is written either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.intake.docx_template import find_template
from pipeline.intake.files import REJECTED, FileReport
from pipeline.problems import Problem, problem


@dataclass
class DokumenLkjip:
    """The rendered document (None when it could not be made), the template used, what went wrong."""

    content: bytes | None
    template: str
    problems: list[Problem] = field(default_factory=list)
    reports: list[FileReport] = field(default_factory=list)  # the .docx templates found, for Ringkasan
    charts: int = 0
    made_in: str = "proses run"  # or "proses pembantu" (the helper process of lkjip run)
    chart_specs: list = field(default_factory=list)  # the report's charts (the workbook draws them too)


def _reason(exc: BaseException) -> str:
    text = " ".join(str(exc).split()) or type(exc).__name__
    return f"{type(exc).__name__}: {text}"[:300]


def make_document_here(inputs: Path, ref, angka, made_at: datetime, charts: list) -> DokumenLkjip:
    """Render the document of the period's figures ``angka`` (:class:`~pipeline.domain.figures.AngkaPeriode`)
    with its ``charts`` (:func:`pipeline.report.charts.chart_specs`) and the office's template, else the
    bundled one; never raises."""
    try:
        choice = find_template(inputs)
    except Exception as exc:  # the folder vanished, permissions ...: the bundled template then
        choice = None
        problems = [problem("document_failed", reason=_reason(exc))]
    else:
        problems = list(choice.problems)
    reports = choice.reports if choice else []
    try:
        from pipeline.report.charts import render_png
        from pipeline.report.document import document_context, render_document

        charts = [(c, render_png(c)) for c in charts]
        context = document_context(ref, angka, made_at)
    except Exception as exc:  # a bug must not cost the workbook
        problems.append(problem("document_failed", reason=_reason(exc)))
        return DokumenLkjip(None, "", problems, reports)
    if choice is not None and choice.path is not None:
        try:
            content = render_document(context, charts, choice.path)
            return DokumenLkjip(content, choice.path.name, problems, reports, len(charts))
        except Exception as exc:
            report = next((r for r in reports if r.file.endswith(choice.path.name) and r.status != REJECTED), None)
            item = problem("template_invalid", file=report.file if report else choice.path.name, reason=_reason(exc))
            if report is not None:
                report.status, report.note = REJECTED, item.message
            problems.append(item)
    try:
        content = render_document(context, charts)
        return DokumenLkjip(content, "bawaan", problems, reports, len(charts))
    except Exception as exc:
        problems.append(problem("document_failed", reason=_reason(exc)))
        return DokumenLkjip(None, "", problems, reports)
