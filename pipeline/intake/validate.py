"""Checking single files as the run would (``lkjip validate``, the page's uploads).

A bidang checks its file before sending it.  The file is read by the run's own
reader, which applies every rule of its table (:mod:`pipeline.intake.rules`),
subtotals and duplicates included; of the rules across inputs, the ones a file
can be judged by alone run too (a referensi's stated IKU against what its own
Statistik gives).  :func:`check_files` returns each file's account and problems;
``lkjip validate`` prints them, and :func:`pipeline.report.annotated.annotate_copy`
writes the copy with the problem cells marked.
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline.problems import Problem

KIND_FOLDERS = ("realisasi", "odk", "referensi", "sipd")


def kind_of_path(path: Path) -> str | None:
    """The input kind from the folder a file sits in (``.../realisasi/...``), if any."""
    for part in reversed(Path(path).resolve().parts[:-1]):
        if part.lower() in KIND_FOLDERS:
            return part.lower()
    return None


def sniff_kind(path: Path) -> str:
    """The kind of a file outside the drop folder: by its sheets and headers."""
    from pipeline.intake.loading import open_sources
    from pipeline.intake.sheets import Located, find_table
    from pipeline.intake.tables import ODK, REALISASI, SIPD, normalize_header

    source = open_sources(path.parent, "odk", [path])[0]  # "odk": a kind that may be a CSV
    names = {normalize_header(s.name) for s in source.sheets}
    if {"iku", "bidang"} <= names:
        return "referensi"
    for kind, table in (("sipd", SIPD), ("realisasi", REALISASI), ("odk", ODK)):
        if isinstance(find_table(table, source.sheets, file=path.name), Located):
            return kind
    return "realisasi"


def check_files(files: list[Path], inputs: Path):
    """Read each file as the run would; returns [(file report, problems)]."""
    from pipeline.intake import rules
    from pipeline.intake.odk import read_odk
    from pipeline.intake.realisasi import read_realisasi
    from pipeline.intake.referensi import NoReferensi, Referensi, read_referensi

    try:
        ref, _ = read_referensi(inputs)
    except NoReferensi:
        ref = Referensi(file="")  # without a referensi, the checks against it are skipped
    results = []
    for path in files:
        path = Path(path).resolve()
        kind = kind_of_path(path) or sniff_kind(path)
        root = _root_for(path, kind)
        if kind == "referensi":
            try:
                own, sources = read_referensi(root, [path])
            except NoReferensi as exc:
                from pipeline.intake.loading import open_sources

                sources = open_sources(root, "referensi", [path])
                if not sources[0].problems:
                    print(f"lkjip: {exc}", file=sys.stderr)
                own = None
            found = sources[0].problems + (rules.stated_iku_alone(own) if own is not None else [])
            results.append((sources[0].report, found))
        elif kind == "odk":
            intake = read_odk(root, ref, [path])
            results.append((intake.sources[0].report, intake.problems))
        elif kind == "sipd":
            from pipeline.intake.sipd import read_sipd

            intake = read_sipd(root, ref, None, [path])
            results.append((intake.sources[0].report, intake.problems))
        else:
            from pipeline.intake.files import discover

            # the drop folder has SIPD exports: the budget columns may stay empty where SIPD gives them,
            # and a figure that differs from SIPD's is a Peringatan, as in a run
            sipd_folder = inputs if discover(inputs, "sipd") else root if discover(root, "sipd") else None
            intake = read_realisasi(root, ref, None, [path], money_optional=sipd_folder is not None or None)
            report = intake.sources[0].report
            if sipd_folder is not None and report.period:
                from pipeline.intake.sipd import apply_to_realisasi, read_sipd

                apply_to_realisasi(intake, read_sipd(sipd_folder, ref, report.period), ref)
            results.append((report, [p for p in intake.problems if _concerns(p, report, ref)]))
    return results


def _concerns(p: Problem, report, ref) -> bool:
    """A problem about this file, or an expected sub kegiatan of one of its bidang that it lacks.

    A run checks that every bidang reported all its sub kegiatan; checking one
    file, only the bidang that file reports for are concerned.
    """
    if p.file == report.file:
        return True
    return p.rule == "missing_sub_kegiatan" and ref.bidang_of(p.value) in report.bidang


def _root_for(path: Path, kind: str) -> Path:
    """The inputs folder above ``<kind>/``, so names and folder periods read as in a run."""
    parts = path.parts
    for i in range(len(parts) - 2, -1, -1):
        if parts[i].lower() == kind:
            return Path(*parts[:i]) if i else Path(parts[0])
    return path.parent
