"""``lkjip validate FILE...``: the run's reading and rules for single files, without a report.

A bidang checks its file before sending it: every problem is printed with its
cell, and ``--annotate`` writes a copy of the file with the problem cells
coloured and commented, to send back.  Exit status 1 when a file has an Error.

The file is read by the run's own reader, which applies every rule of its table
(:mod:`pipeline.intake.rules`), subtotals and duplicates included; of the rules
across inputs, the ones a file can be judged by alone run too (a referensi's
stated IKU against what its own Statistik gives).
"""

from __future__ import annotations

import sys
from pathlib import Path

from pipeline import settings
from pipeline.problems import ERROR, WARNING, Problem

KIND_FOLDERS = ("realisasi", "odk", "referensi", "sipd")


def kind_of(path: Path) -> str | None:
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
        kind = kind_of(path) or sniff_kind(path)
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


def format_problem(p: Problem) -> str:
    where = "!".join(x for x in (p.sheet, p.cell) if x)
    column = f" [{p.column}]" if p.column else ""
    return f"{p.severity:<10} {where or '-'}{column}: {p.message}"


def cmd_validate(files: list[Path], inputs: Path, annotate: bool, out: Path | None) -> int:
    from pipeline.intake.safety import assert_openpyxl_uses_defusedxml

    assert_openpyxl_uses_defusedxml()
    missing = [f for f in files if not Path(f).is_file()]
    for f in missing:
        print(f"lkjip: berkas tidak ditemukan: {f}", file=sys.stderr)
    files = [f for f in files if Path(f).is_file()]
    failed = bool(missing)
    for path, (report, problems) in zip(files, check_files(files, Path(inputs)), strict=True):
        errors = sum(1 for p in problems if p.severity == ERROR)
        warnings = len(problems) - errors
        print(f"{path}: {report.status}; {report.rows_read} baris dibaca, {report.rows_accepted} diterima, "
              f"{report.rows_rejected} ditolak; {errors} Error, {warnings} Peringatan"
              + (f"; periode {report.period}" if report.period else ""))
        for p in problems:
            print("  " + format_problem(p))
        failed |= errors > 0
        if annotate and problems:
            target = annotate_copy(Path(path), problems, out or settings.resolve().outputs / "validasi")
            if target:
                print(f"  salinan bertanda: {target}")
    return 1 if failed else 0


def annotate_copy(path: Path, problems: list[Problem], out: Path) -> Path | None:
    """A copy of the file with problem cells filled and commented, plus a sheet listing every problem."""
    from openpyxl import load_workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import PatternFill

    from pipeline.report.workbook import clean_text

    if path.suffix.lower() != ".xlsx" or any(p.rule in {"file_unsafe", "file_incomplete", "file_format_unsupported",
                                                          "file_not_readable"} for p in problems):
        return None
    fills = {ERROR: PatternFill("solid", fgColor="F8CBAD"), WARNING: PatternFill("solid", fgColor="FFE699")}
    wb = load_workbook(path)
    notes: dict[tuple[str, str], list[Problem]] = {}
    for p in problems:
        if p.sheet in wb.sheetnames and p.row is not None:
            ref = p.address or f"A{p.row}"  # a problem about a whole row is noted on its first cell
            notes.setdefault((p.sheet, ref), []).append(p)
    for (sheet, ref), items in notes.items():
        cell = wb[sheet][ref]
        worst = ERROR if any(p.severity == ERROR for p in items) else WARNING
        cell.fill = fills[worst]
        cell.comment = Comment("\n".join(f"{p.severity}: {p.message}" for p in items), "lkjip", width=320, height=140)
    ws = wb.create_sheet("Catatan Validasi")
    rows = [["Tingkat", "Lembar", "Sel/Baris", "Kolom", "Nilai", "Pesan"]]
    rows += [[str(p.severity), p.sheet, p.cell, p.column, p.value, p.message] for p in problems]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=c)
            cell.value = clean_text(str(value))
            cell.data_type = "s"  # input text never becomes a formula
    out.mkdir(parents=True, exist_ok=True)
    target = out / f"{path.stem} (catatan).xlsx"
    wb.save(target)
    return target
