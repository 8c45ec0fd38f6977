"""The planner's edited drafts in ``inputs/referensi/``: the text written in the draft's regions.

The planner writes in the regions of the draft (:mod:`pipeline.report.regions`) in Word or
LibreOffice and puts the edited draft back into ``referensi/`` (any ``.docx`` name) or uploads it on
the planner's page, which stores it there.  An edited draft is told apart from an office's template
(:mod:`pipeline.intake.docx_template`) by having regions and no Jinja tags.  Each one is checked like
every dropped ``.docx`` first (zip sane, no macros, no DTD); then its regions are read.  A draft that
cannot be read is a ``Peringatan`` naming it and the new draft is made without it; the others still
count.  Several edited drafts: for each region the newest file (modification time, then name) that
has text in it wins, so a draft saved before the planner wrote a region never wipes that region.

Reading a draft is python-docx on a file the safety check has passed (bounded sizes and ratios, no
DTD or entities), in this process: unlike an Excel workbook there are no formulas or external
links to evaluate, and every failure is caught and reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pipeline.intake.docx_template import DRAFT, _inspect, docx_kind, is_document_template
from pipeline.intake.files import REJECTED, FileReport, discover, display_name
from pipeline.problems import Problem, problem
from pipeline.report.regions import Region, read_regions

KIND = "draf dokumen"


@dataclass
class EditedDrafts:
    """The regions to carry (newest file wins per region), the account of each draft, the problems."""

    regions: dict[str, Region] = field(default_factory=dict)
    reports: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_edited_drafts(inputs: Path) -> EditedDrafts:
    """Every edited draft under ``inputs/referensi/``; never raises."""
    found = EditedDrafts()
    try:
        paths = [p for p in discover(inputs, "referensi") if is_document_template(p)]
    except OSError:
        return found
    read: list[tuple] = []
    for path in paths:
        name = display_name(inputs, path)
        report, problems = _inspect(path, name)
        if report.status == REJECTED or docx_kind(path) != DRAFT:
            continue  # a template, or a file the template's check reports (pipeline.intake.docx_template)
        report.kind = KIND
        try:
            regions = read_regions(path.read_bytes(), source=name)
        except Exception as exc:  # python-docx could not open it: the draft is made without it
            reason = " ".join(str(exc).split())[:200] or type(exc).__name__
            item = problem("draft_unreadable", file=name, reason=reason)
            report.status, report.note = REJECTED, item.message
            found.reports.append(report)
            found.problems.append(item)
            continue
        report.rows_read = report.rows_accepted = len(regions)
        report.note = (f"draf yang disunting perencana: {len(regions)} bagian berisi teks perencana"
                       if regions else "draf yang disunting perencana: belum ada bagian yang diisi")
        found.reports.append(report)
        read.append((report.modified, name, regions, report))
    read.sort(key=lambda r: (r[0] is not None, r[0], r[1]))
    winner: dict[str, str] = {}
    for _, name, regions, _ in read:  # oldest first: a newer file's text replaces an older one's
        for key, region in regions.items():
            found.regions[key] = region
            winner[key] = name
    for _, name, regions, report in read:
        lost = [k for k in regions if winner[k] != name]
        if lost:
            report.note += (f"; {len(lost)} bagian diganti teks dari draf yang lebih baru"
                            f" ({', '.join(sorted({winner[k] for k in lost}))})")
    return found
