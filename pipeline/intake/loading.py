"""Locate, cast and validate one table of one file, keeping the account straight.

The three readers (referensi, realisasi, odk) all go through :func:`load_table`:
find the header, cast the text cells, run the table's expectation suite, and
split the rows into accepted and rejected, with a problem for every rejection;
then :func:`total_rows` checks the table's JUMLAH rows against the rows above them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.domain.budget import TOLERANCE_RUPIAH
from pipeline.domain.formatting import rupiah
from pipeline.domain.numbers import NumberError, parse_number
from pipeline.intake.cast import cast_table
from pipeline.intake.files import REJECTED, FileReport, display_name, link_reason, modified_at
from pipeline.intake.safety import inspect_file
from pipeline.intake.sheets import ROW, Located, find_table
from pipeline.intake.tables import Table
from pipeline.intake.validation import validate
from pipeline.intake.workbook import WorkbookData, read_csv_text, read_workbooks
from pipeline.problems import ERROR, WARNING, Problem, problem
from pipeline.settings import Settings


@dataclass
class Loaded:
    """One table of one file: its good rows, and where they came from."""

    located: Located
    rows: pl.DataFrame  # accepted rows, typed, with ROW
    rejected: set[int] = field(default_factory=set)


@dataclass
class SourceFile:
    """An input file as read: its report line, its sheets (or CSV text), its problems."""

    path: Path
    report: FileReport
    sheets: list = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    located: Located | None = None  # the table found in it, for the cell addresses of later findings
    settings: Settings | None = None  # how it was read, and how its tables are checked (None: the environment's)

    @property
    def readable(self) -> bool:
        return self.report.status != REJECTED

    def reject(self, item: Problem) -> None:
        self.problems.append(item)
        self.report.status = REJECTED
        self.report.note = item.message


CSV_KINDS = ("odk", "sipd")  # only the ODK and SIPD exports may come as CSV; a bidang's or the planner's workbook must be .xlsx


def open_sources(inputs: Path, kind: str, paths: list[Path], *, settings: Settings | None = None,
                 shown_from: str = "") -> list[SourceFile]:
    """Check and read every file of a kind (xlsx in a sandboxed child process, CSV here), with the
    sandbox limits and expectation engine of ``settings`` (left out: as the environment gives them).
    ``shown_from``: put before each file's name (``../`` for the Pemda's files read in an OPD's run)."""
    sources: list[SourceFile] = []
    names = {p: shown_from + display_name(inputs, p) for p in paths}
    xlsx: list[Path] = []
    for path in paths:
        refused = link_reason(inputs, path)
        if refused:  # a symlink, or out of the drop folder: never opened, not even hashed
            source = SourceFile(path, FileReport(file=names[path], kind=kind), settings=settings)
            source.reject(problem("file_unsafe", file=names[path], reason=refused))
            sources.append(source)
            continue
        verdict = inspect_file(path, names[path])
        report = FileReport(file=names[path], kind=kind, sha256=verdict.sha256, size=verdict.size,
                            modified=modified_at(path))
        source = SourceFile(path, report, settings=settings)
        source.problems.extend(p for p in verdict.problems if p.severity != ERROR)
        errors = [p for p in verdict.problems if p.severity == ERROR]
        if errors:
            source.reject(errors[0])
            source.problems.extend(errors[1:])
        elif verdict.kind == "csv" and kind not in CSV_KINDS:
            source.reject(problem("file_not_readable", file=names[path],
                                  reason=f"berkas {kind} harus berupa Excel Workbook (.xlsx), bukan .csv; "
                                         "buka di Excel lalu simpan sebagai .xlsx"))
        elif verdict.kind == "csv":
            frame, problems = read_csv_text(path, names[path])
            source.problems.extend(problems)
            if frame is None:
                if problems:
                    source.report.status = REJECTED
                    source.report.note = problems[0].message
            else:
                source.sheets = [_CsvSheet(Path(path).stem, frame)]
        else:
            xlsx.append(path)
        sources.append(source)
    if xlsx:
        books: dict[Path, WorkbookData] = read_workbooks(xlsx, names, settings=settings)
        for source in sources:
            book = books.get(source.path)
            if book is None:
                continue
            errors = [p for p in book.problems if p.severity == ERROR]
            source.problems.extend(p for p in book.problems if p.severity != ERROR)
            if errors:
                source.reject(errors[0])
                source.problems.extend(errors[1:])
            source.sheets = book.sheets
    return sources


@dataclass
class _CsvSheet:
    name: str
    cells: pl.DataFrame
    text_cells: frozenset = frozenset()
    percent_cells: frozenset = frozenset()
    long_number_cells: frozenset = frozenset()
    is_csv: bool = True


def load_table(source: SourceFile, table: Table, sheets: list | None = None, *,
               reject_file: bool = True) -> Loaded | None:
    """The table's accepted rows, or None (with a problem) when the table is not there.

    A missing table rejects the whole file, unless ``reject_file`` is False (a
    workbook of several tables, like the referensi, keeps its other tables).
    """
    found = find_table(table, source.sheets if sheets is None else sheets, file=source.report.file)
    if isinstance(found, Problem):
        if reject_file:
            source.reject(found)
        else:
            source.problems.append(found)
        return None
    frame, problems, rejected = cast_table(found)
    engine = source.settings.expectations_engine if source.settings is not None else None
    rule_problems, rule_rejected = validate(found, frame, engine=engine)
    source.problems.extend(problems + rule_problems)
    rejected |= rule_rejected
    return Loaded(found, frame.filter(~pl.col(ROW).is_in(list(rejected))) if rejected else frame, rejected)


def total_rows(loaded: Loaded, columns: tuple[str, ...],
               rows_filter: Callable[[pl.DataFrame], pl.DataFrame] | None = None) -> list[Problem]:
    """Each JUMLAH/TOTAL row against the sum of the accepted rows above it (since the previous total)."""
    loc = loaded.located
    found: list[Problem] = []
    previous = 0
    for row, cells in loc.totals:
        block = loaded.rows.filter((pl.col(ROW) > previous) & (pl.col(ROW) < row))
        if rows_filter is not None:
            block = rows_filter(block)
        previous = row
        for column in columns:
            raw = cells.get(column)
            if raw is None:
                continue
            try:
                stated = parse_number(raw)
            except NumberError as exc:
                found.append(problem("number_invalid", file=loc.file, sheet=loc.sheet, **loc.at(row, column),
                                     column=loc.table.field(column).label, value=raw, reason=exc.reason,
                                     severity=WARNING))
                continue
            computed = float(block[column].sum() or 0)
            if stated is not None and abs(stated - computed) > TOLERANCE_RUPIAH:
                found.append(problem("total_mismatch", file=loc.file, sheet=loc.sheet, **loc.at(row, column),
                                     column=loc.table.field(column).label, value=rupiah(stated),
                                     expected=rupiah(computed), label="JUMLAH"))
    return found
