"""CSV files as text cells, read in-process (no native parser involved).

Columns are named "A", "B", ... like a sheet's letters and row ``i`` is line
``i + 1``; the encoding (UTF-8 with or without BOM, else cp1252) and the
delimiter (``;``, ``,`` or tab, or Excel's ``sep=`` line) are detected.
"""

from __future__ import annotations

import codecs
import csv
import io
from pathlib import Path

import polars as pl

from pipeline.intake.safety import inspect_file
from pipeline.problems import Problem, column_letter, problem


def read_csv_text(path: Path, display_name: str) -> tuple[pl.DataFrame | None, list[Problem]]:
    """A CSV file as text cells named "A", "B", ...; row i is line i+1; no header interpretation."""
    path = Path(path)
    verdict = inspect_file(path, display_name)
    if not verdict.ok:
        return None, list(verdict.problems)
    problems = list(verdict.problems)
    raw = path.read_bytes()
    text = _decode(raw)
    try:
        delimiter = _sniff_delimiter(text)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:  # e.g. one field longer than the csv module's limit: not a table
        return None, problems + [problem("file_not_readable", file=display_name, reason=f"CSV tidak dapat dibaca ({exc})")]
    width = max((len(r) for r in rows), default=0)
    columns = {
        column_letter(j): pl.Series(column_letter(j), [(r[j] if j < len(r) and r[j] != "" else None) for r in rows], dtype=pl.String)
        for j in range(width)
    }
    return pl.DataFrame(columns), problems


def _decode(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _sniff_delimiter(text: str) -> str:
    """Comma or semicolon: the one that splits the most of the first lines into the same, larger
    number of fields (a title block of one-cell lines above the header does not count)."""
    lines = [line for line in text.splitlines()[:40] if line.strip()][:20]
    if lines and lines[0].lower().startswith("sep=") and len(lines[0].strip()) == 5:
        return lines[0].strip()[4]
    best, best_score = ",", (-1, -1)
    for delimiter in (";", ",", "\t"):
        counts = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)]
        split = [c for c in counts if c >= 2]
        if not split:
            continue
        width = max(set(split), key=lambda c: (split.count(c), c))
        score = (split.count(width), width)
        if score > best_score:
            best, best_score = delimiter, score
    return best
