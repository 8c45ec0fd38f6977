"""Read workbook sheets as text, safely: inspection, then calamine in a sandboxed child.

Every cell comes back as text (``pl.String``), columns named by their true
Excel letters and row ``i`` of the frame being Excel row ``i + 1``; the cells
whose text alone would mislead (text like ``"1.234"``, numbers with a percent
format, numbers of 15+ digits) are marked.  By concern:

- :mod:`pipeline.intake.safety`: the inspection before any parser (zip bombs, DTDs, macros ...);
- :mod:`pipeline.intake.sandbox`: the child process with memory and time limits;
- :mod:`pipeline.intake.xlsx_scan`: the streaming scans of the sheet XML done in the child;
- :mod:`pipeline.intake.csv_text`: CSV files, read in-process;
- :mod:`pipeline.intake.prefetch`: the store of the workbooks read ahead while Dagster starts.

Here: :func:`read_workbooks`, which batches files into children and, when a
child dies, reads the files it had not finished again one per child, so the
culprit is isolated and the others are read normally; and :func:`prefetched_inputs`,
which reads the drop folder ahead while Dagster starts.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.intake.csv_text import read_csv_text
from pipeline.intake import prefetch as _ahead
from pipeline.intake.files import discover, display_name, readable_files
from pipeline.intake.prefetch import any_prefetched, clear_prefetched, take_prefetched
from pipeline.intake.safety import inspect_file
from pipeline.intake.sandbox import R_CRASHED, R_FAILED, memory_limit, run_child
from pipeline.intake.xlsx_scan import is_percent_code as _is_percent_code  # noqa: F401 - kept for callers
from pipeline.problems import Problem, problem
from pipeline.settings import Settings, resolve

__all__ = ["SheetData", "WorkbookData", "read_workbooks", "read_csv_text", "prefetch", "prefetched_inputs",
           "clear_prefetched", "memory_limit"]

# Files per child process: a month's workbooks of an office in one child (each child costs ~0.4 s of CPU to
# start, a good part of an OPD-month in a Pemda); a child that dies costs only the file it was reading.
BATCH_SIZE = 100


@dataclass
class SheetData:
    name: str
    cells: pl.DataFrame  # all columns pl.String, named by their true Excel letters; row i is Excel row i+1
    text_cells: frozenset[tuple[int, str]] = frozenset()  # (excel_row, letter) of TEXT cells like "1.234"
    percent_cells: frozenset[tuple[int, str]] = frozenset()  # (excel_row, letter) of numeric cells with a % format
    long_number_cells: frozenset[tuple[int, str]] = frozenset()  # numeric cells of 15+ digits (a NIK typed as a number)


@dataclass
class WorkbookData:
    path: Path
    sheets: list[SheetData] = field(default_factory=list)  # visible sheets, in workbook order
    hidden_sheets: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_workbooks(
    paths: list[Path],
    display_names: dict[Path, str] | None = None,
    *,
    timeout: float | None = None,
    memory_bytes: int | None = None,
    settings: Settings | None = None,
    _prefetched_ok: bool = True,
) -> dict[Path, WorkbookData]:
    """Inspect then read each workbook; hostile or broken files get problems, never a crash.

    ``settings`` give the time and memory limits of the sandboxed children (left out: as the
    environment gives them); ``timeout`` / ``memory_bytes`` override them."""
    if settings is None:
        settings = resolve()
    if timeout is None:  # LKJIP_READ_TIMEOUT, 60 s by default
        timeout = settings.read_timeout_seconds
    names = {Path(p): (display_names or {}).get(p) or Path(p).name for p in paths}
    results: dict[Path, WorkbookData] = {}
    to_read: list[Path] = []
    for path in map(Path, paths):
        if path in results or path in to_read:
            continue
        if _prefetched_ok and any_prefetched():
            book = take_prefetched(path, names[path])
            if book is not None:
                results[path] = book
                continue
        verdict = inspect_file(path, names[path])
        book = WorkbookData(path, problems=list(verdict.problems))
        results[path] = book
        if not verdict.ok:
            continue
        if verdict.kind != "xlsx":
            book.problems.append(problem("file_format_unsupported", file=names[path], value=path.suffix.lower() or "(tanpa ekstensi)"))
            continue
        to_read.append(path)

    while to_read:
        batch, to_read = to_read[:BATCH_SIZE], to_read[BATCH_SIZE:]
        done, failure = run_child(batch, timeout, memory_bytes or memory_limit(batch, settings.read_memory_bytes))
        for path in batch:
            if path in done:
                _merge(results[path], done[path], names[path])
        left = [path for path in batch if path not in done]
        if not left:
            continue
        if failure is None:  # the child ended normally but said nothing: should not happen
            for path in left:
                results[path].problems.append(problem("file_not_readable", file=names[path], reason=R_CRASHED))
            continue
        # the child reads in order: it died on the first file it did not finish.  That file alone in a
        # child of its own (a batch's memory or time is not held against it); the rest in the next batch.
        culprit, to_read = left[0], left[1:] + to_read
        single, single_failure = run_child([culprit], timeout,
                                          memory_bytes or memory_limit([culprit], settings.read_memory_bytes))
        if culprit in single:
            _merge(results[culprit], single[culprit], names[culprit])
        else:
            results[culprit].problems.append(problem("file_unsafe", file=names[culprit],
                                                     reason=single_failure or R_CRASHED))
    return {Path(p): results[Path(p)] for p in paths}


def _merge(book: WorkbookData, outcome: dict, name: str) -> None:
    if outcome.get("ok"):
        book.sheets = [SheetData(**sheet) for sheet in outcome["sheets"]]
        book.hidden_sheets = outcome["hidden"]
        return
    if outcome.get("kind") == "memory":
        book.problems.append(problem("file_unsafe", file=name, reason=outcome["error"]))
    else:
        book.problems.append(problem("file_not_readable", file=name, reason=R_FAILED.format(detail=outcome["error"])))


def prefetch(paths: list[Path], display_names: dict[Path, str], uses: dict[Path, int] | None = None, *,
             settings: Settings | None = None) -> None:
    """Start reading ``paths`` in one sandboxed child, in a background thread (see
    :func:`pipeline.intake.prefetch.prefetch`)."""
    _ahead.prefetch(paths, display_names, uses,
                    read=lambda ps, names: read_workbooks(ps, names, settings=settings, _prefetched_ok=False))


@contextmanager
def prefetched_inputs(inputs: Path, *, twice: bool = False, settings: Settings | None = None) -> Iterator[None]:
    """Read the drop folder's workbooks in the background for the duration of the block.

    Two sandboxed children: the small files (referensi, realisasi) and the ODK
    and SIPD exports, so the period can be chosen before the (possibly national-size)
    ODK export is read.  With ``twice`` the realisation files are kept for two
    reads (the period is chosen from them first).  Whatever was not used is let
    go at the end.
    """
    try:  # a symlink is never read, not even ahead
        small = [p for kind in ("referensi", "realisasi") for p in readable_files(inputs, discover(inputs, kind))]
        odk = readable_files(inputs, discover(inputs, "odk")) + readable_files(inputs, discover(inputs, "sipd"))
        uses = {p: 2 for p in readable_files(inputs, discover(inputs, "realisasi"))} if twice else {}
        for group in (small, odk):
            xlsx = [p for p in group if p.suffix.lower() == ".xlsx"]
            prefetch(xlsx, {p: display_name(inputs, p) for p in xlsx}, uses, settings=settings)
        yield
    finally:
        clear_prefetched()
