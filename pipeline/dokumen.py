"""Making the LKjIP document of one period: from the run's helper process when there is one.

Called by the ``dokumen_lkjip`` asset.  The making itself (template, charts, rendering, what went
wrong) is :mod:`pipeline.report.making`, which the helper process
(:mod:`pipeline.report.document_worker`) runs too.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from pipeline.report.making import DokumenLkjip, make_document_here

__all__ = ["DokumenLkjip", "make_document", "make_document_here"]


def make_document(inputs: Path, ref, angka, made_at: datetime, charts: list) -> DokumenLkjip:
    """The document, from the run's helper process when there is one, else made here; then the
    planner's text of the edited drafts in ``inputs/referensi/`` carried into it."""
    from pipeline.report import document_worker

    job = (Path(inputs), ref, angka, made_at, charts)
    result = document_worker.make(job)
    if isinstance(result, DokumenLkjip):
        result.made_in = "proses pembantu"
    else:
        result = make_document_here(*job)
    return carry_planner_text(Path(inputs), result)


def carry_planner_text(inputs: Path, result: DokumenLkjip) -> DokumenLkjip:
    """``result`` with the regions the planner wrote in the edited drafts (:mod:`pipeline.intake.draf`)
    carried in and every region guarded (:func:`pipeline.report.regions.carry`); their accounts and
    problems added; never raises."""
    from pipeline.intake.draf import read_edited_drafts
    from pipeline.problems import problem
    from pipeline.report.making import _reason
    from pipeline.report.regions import carry

    drafts = read_edited_drafts(inputs)
    result.reports.extend(drafts.reports)
    result.problems.extend(drafts.problems)
    if result.content is None:
        return result
    try:
        result.content, _carried, homeless = carry(result.content, drafts.regions)
    except Exception as exc:  # the draft without the planner's text rather than no draft
        result.problems.append(problem("draft_unreadable", file=", ".join(r.file for r in drafts.reports),
                                       reason=f"teks perencana tidak dapat dipindahkan ({_reason(exc)})"))
        return result
    if homeless:
        names = ", ".join(n.removeprefix("lkjip_") for n in homeless)
        result.problems.append(problem("region_homeless", value=names))
    return result
