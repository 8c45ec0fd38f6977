"""Find a table inside a sheet the way a person would, and keep every cell's address.

A sheet arrives as text cells (see :mod:`pipeline.intake.workbook`): a frame
of strings whose columns are the true Excel column letters and whose row ``i``
is Excel row ``i + 1``.  This module finds the header row by content (within
the first 30 rows, one or two header rows), maps the user's header names to our
fields, separates the title block, total rows and empty rows from the data,
and hands back the data rows as raw text with their Excel row numbers.
Casting and rules come later; nothing here throws a row away silently.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import polars as pl

from pipeline.intake.tables import Table, normalize_header
from pipeline.problems import Problem, problem

HEADER_SEARCH_ROWS = 30
TOTAL_LABELS = {"jumlah", "total", "subtotal", "jumlahtotal", "grandtotal", "totalkeseluruhan", "jumlahkeseluruhan", "jumlahseluruhnya"}
ROW = "_row"  # column holding the Excel row number of each data row
_YEAR_HEADER = re.compile(r"^(?:target|tahun)?((?:19|20)\d{2})$")


@dataclass
class Located:
    """A table found in one sheet: where its header is and its raw data rows."""

    table: Table
    file: str
    sheet: str
    header_rows: tuple[int, ...]  # Excel row numbers of the header (one or two)
    columns: dict[str, str]  # field name -> column letter
    year_columns: dict[int, str]  # year -> column letter (tables with year columns)
    title: list[list[str]]  # non-empty rows above the header, as text
    data: pl.DataFrame  # ROW + one String column per found field (+ "y2024"...)
    totals: list[tuple[int, dict[str, str | None]]] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    sheet_data: object = None  # the SheetData it came from (cell formats)

    @property
    def rows_read(self) -> int:
        return self.data.height

    def at(self, row: int, field_name: str) -> dict[str, int | str | None]:
        """Where a field's cell of a data row is, as :func:`~pipeline.problems.problem` takes it:
        ``{"row": 12, "col": "H"}`` (no column letter when the field's column is not in the sheet)."""
        return {"row": row, "col": self.columns.get(field_name)}


def _row_texts(cells: pl.DataFrame, index: int) -> list[str | None]:
    return [None if v is None or not str(v).strip() else str(v).strip() for v in cells.row(index)]


def _match_fields(table: Table, names: list[str | None]) -> tuple[dict[str, int], dict[int, int]]:
    """Column positions of each field (first match wins) and of year columns."""
    lookup: dict[str, str] = {}
    for f in table.fields:
        for alias in f.names():
            lookup.setdefault(normalize_header(alias), f.name)
    found: dict[str, int] = {}
    years: dict[int, int] = {}
    for pos, name in enumerate(names):
        key = normalize_header(name)
        if not key:
            continue
        if key in lookup and lookup[key] not in found:
            found[lookup[key]] = pos
        elif table.year_columns:
            m = _YEAR_HEADER.match(key)
            if m and int(m.group(1)) not in years:
                years[int(m.group(1))] = pos
    return found, years


def _joined_header(parent: list[str | None], child: list[str | None]) -> list[str | None]:
    """Names of a two-row header: a merged parent cell spans the children to its right."""
    names: list[str | None] = []
    carried: str | None = None
    for p, c in zip(parent, child, strict=True):
        if p is not None:
            carried = p
        elif c is None:
            carried = None  # an empty column ends a merged parent's span
        if p is not None and c is not None:
            names.append(f"{p} {c}")
        elif p is not None:
            names.append(p)
        elif c is not None:
            names.append(f"{carried} {c}" if carried else c)
        else:
            names.append(None)
    return names


def _find_header(table: Table, cells: pl.DataFrame):
    """(header row indexes, field positions, year positions) or the closest miss."""
    required = {f.name for f in table.required}
    best: tuple[int, set[str]] = (-1, set())
    limit = min(HEADER_SEARCH_ROWS, cells.height)
    for i in range(limit):
        row = _row_texts(cells, i)
        if all(v is None for v in row):
            continue
        found, years = _match_fields(table, row)
        if i + 1 < cells.height:
            joined_found, joined_years = _match_fields(table, _joined_header(row, _row_texts(cells, i + 1)))
            # prefer the two-row reading when the second row adds fields
            if required <= set(joined_found) and len(joined_found) > len(found):
                return (i, i + 1), joined_found, joined_years
        if required <= set(found):
            return (i,), found, years
        if len(set(found) & required) > len(best[1]):
            best = (i, set(found) & required)
    return None, best, None


def locate(table: Table, cells: pl.DataFrame, *, file: str, sheet: str) -> Located | Problem:
    """Find ``table`` in a sheet's text cells, or the problem saying why not."""
    header, found, years = _find_header(table, cells)
    if header is None:
        missing = [f.label for f in table.required if f.name not in found[1]]
        return problem("header_not_found", file=file, sheet=sheet, table=table.label, expected=", ".join(missing))
    letters = cells.columns
    columns = {name: letters[pos] for name, pos in found.items()}
    year_columns = {year: letters[pos] for year, pos in (years or {}).items()}
    first_data = header[-1] + 1
    title = [[v for v in _row_texts(cells, i) if v is not None] for i in range(header[0])]
    title = [r for r in title if r]

    wanted = {**columns, **{f"y{y}": c for y, c in year_columns.items()}}
    body = cells.slice(first_data).with_row_index(ROW, offset=first_data + 1)
    body = body.with_columns(pl.col(ROW).cast(pl.Int64))
    stripped = [pl.col(c).str.strip_chars().replace("", None) for c in letters]
    body = body.with_columns(stripped)
    non_empty = pl.any_horizontal([pl.col(c).is_not_null() for c in letters])
    body = body.filter(non_empty)

    # total rows: the first filled cell of the row, or a label column, says JUMLAH/TOTAL
    first_filled = pl.coalesce([pl.col(c) for c in letters])
    label_cols = [columns[f] for f in ("uraian", "kode", "nama", "jenis_belanja", "kabupaten", "kategori") if f in columns]
    total_expr = _is_total_expr(first_filled)
    for c in label_cols:
        total_expr = total_expr | _is_total_expr(pl.col(c))
    body = body.with_columns(total_expr.fill_null(False).alias("_total"))

    select = [pl.col(ROW)] + [pl.col(letter).alias(name) for name, letter in wanted.items()]
    totals_frame = body.filter(pl.col("_total")).select(select)
    data = body.filter(~pl.col("_total")).select(select)
    totals = [(r[ROW], {k: v for k, v in r.items() if k != ROW}) for r in totals_frame.iter_rows(named=True)]
    return Located(table, file, sheet, header_rows=tuple(i + 1 for i in header), columns=columns,
                   year_columns=year_columns, title=title, data=data, totals=totals)


def _is_total_expr(expr: pl.Expr) -> pl.Expr:
    norm = expr.str.to_lowercase().str.replace_all(r"[^0-9a-z%]+", "")
    return norm.is_in(list(TOTAL_LABELS))


def choose_sheet(table: Table, sheets: list) -> list:
    """Sheets to try, best first: the preferred name, then the rest in order."""
    preferred = [s for s in sheets if normalize_header(s.name) == normalize_header(table.sheet)]
    return preferred + [s for s in sheets if s not in preferred]


def find_table(table: Table, sheets: list, *, file: str) -> Located | Problem:
    """The first sheet (preferred name first) in which the table's header is found."""
    if not sheets:
        return problem("sheet_not_found", file=file, table=table.label,
                       expected=", ".join(f.label for f in table.required))
    first_miss: Problem | None = None
    for sheet in choose_sheet(table, sheets):
        result = locate(table, sheet.cells, file=file, sheet=sheet.name)
        if isinstance(result, Located):
            result.sheet_data = sheet  # keeps cell formats at hand for casting
            return result
        first_miss = first_miss or result
    return first_miss
