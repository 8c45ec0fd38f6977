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
    """The document, from the run's helper process when there is one, else made here."""
    from pipeline.report import document_worker

    job = (Path(inputs), ref, angka, made_at, charts)
    result = document_worker.make(job)
    if isinstance(result, DokumenLkjip):
        result.made_in = "proses pembantu"
        return result
    return make_document_here(*job)
