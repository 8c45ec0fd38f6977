"""A copy of a checked file with its problem cells coloured and commented (``lkjip validate
--annotate``, the page's answer to an upload), plus a sheet listing every problem."""

from __future__ import annotations

from pathlib import Path

from pipeline.problems import ERROR, WARNING, Problem


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
