"""Cast a located table's text cells to typed columns, reporting every bad cell.

Each field kind (see :mod:`pipeline.intake.tables`) has one caster.  A cell that
cannot be read becomes an ``Error`` problem with its Excel address, and its
row is rejected; the value is left empty so later rules see only good values.
"""

from __future__ import annotations

import polars as pl

from pipeline.domain.codes import CodeError, parse_code
from pipeline.domain.numbers import NumberError, is_percent_unit, parse_number_series, parse_percent
from pipeline.domain.periods import DateError, parse_date
from pipeline.intake import tables as t
from pipeline.intake.sheets import ROW, Located
from pipeline.problems import WARNING, Problem, problem


def _flags(cells: frozenset, letter: str, rows: pl.Series) -> pl.Series:
    """Per data row: is the cell of column ``letter`` in the given cell set?"""
    if not cells:
        return pl.Series([False] * len(rows), dtype=pl.Boolean)
    marked = {r for r, c in cells if c == letter}
    return rows.is_in(list(marked)) if marked else pl.Series([False] * len(rows), dtype=pl.Boolean)


class Caster:
    """Casts one located table; collects problems and the rows they reject."""

    def __init__(self, loc: Located):
        self.loc = loc
        sheet = loc.sheet_data
        self.text_cells = getattr(sheet, "text_cells", frozenset()) or frozenset()
        self.percent_cells = getattr(sheet, "percent_cells", frozenset()) or frozenset()
        self.long_number_cells = getattr(sheet, "long_number_cells", frozenset()) or frozenset()
        self.is_csv = sheet is None or getattr(sheet, "is_csv", False)
        self.problems: list[Problem] = []
        self.rejected: set[int] = set()

    def error(self, rule: str, row: int, field_name: str, value, **ctx) -> None:
        f = self.loc.table.field(field_name) if not field_name.startswith("y") else None
        label = f.label if f else field_name[1:]
        lenient = f is not None and f.lenient  # an informative column: the row is kept, the cell left empty
        self.problems.append(problem(rule, file=self.loc.file, sheet=self.loc.sheet,
                                     **self.loc.at(row, field_name), column=label, value=value,
                                     severity=WARNING if lenient else None, **ctx))
        if not lenient:
            self.rejected.add(row)

    def _letter(self, name: str) -> str:
        if name.startswith("y") and name[1:].isdigit():
            return self.loc.year_columns[int(name[1:])]
        return self.loc.columns[name]

    # --- casters -------------------------------------------------------------
    def number(self, name: str) -> pl.Series:
        raw = self.loc.data[name]
        rows = self.loc.data[ROW]
        text_cell = None if self.is_csv else _flags(self.text_cells, self._letter(name), rows)
        values, errors = parse_number_series(raw, text_cell)
        values, errors = self._percent_rows(name, raw, values, errors)
        if errors.null_count() < len(errors):
            for row, value, reason in zip(rows.to_list(), raw.to_list(), errors.to_list(), strict=True):
                if reason is not None:
                    self.error("number_invalid", row, name, value, reason=reason)
        return values

    def _percent_rows(self, name: str, raw: pl.Series, values: pl.Series, errors: pl.Series):
        """Rows whose unit is a percentage follow the percent rule: ``2,50%`` is 2.5, and an Excel
        percentage (1 or 0.45 with a ``%`` format) is 100 or 45."""
        f = self.loc.table.field(name) if not name.startswith("y") else None
        if f is None or f.percent_unit is None or f.percent_unit not in self.loc.columns:
            return values, errors
        in_percent = self.loc.data[f.percent_unit].map_elements(is_percent_unit, return_dtype=pl.Boolean)
        in_percent = in_percent.fill_null(False)
        if not in_percent.any():
            return values, errors
        letter = self._letter(name)
        new_values, new_errors = values.to_list(), errors.to_list()
        for i in in_percent.arg_true().to_list():
            row = self.loc.data[ROW][i]
            text_cell = None if self.is_csv else (row, letter) in self.text_cells
            try:
                new_values[i] = parse_percent(raw[i], text_cell=text_cell, percent_format=(row, letter) in self.percent_cells)
                new_errors[i] = None
            except NumberError as exc:
                new_values[i], new_errors[i] = None, exc.reason
        return pl.Series(values.name, new_values, dtype=pl.Float64), pl.Series(errors.name, new_errors, dtype=pl.String)

    def percent(self, name: str) -> pl.Series:
        raw = self.loc.data[name]
        rows = self.loc.data[ROW].to_list()
        letter = self._letter(name)
        out: list[float | None] = []
        for row, value in zip(rows, raw.to_list(), strict=True):
            try:
                text_cell = None if self.is_csv else (row, letter) in self.text_cells
                out.append(parse_percent(value, text_cell=text_cell, percent_format=(row, letter) in self.percent_cells))
            except NumberError as exc:
                self.error("number_invalid", row, name, value, reason=exc.reason)
                out.append(None)
        return pl.Series(name, out, dtype=pl.Float64)

    def integer(self, name: str) -> pl.Series:
        values = self.number(name)
        bad = values.is_not_null() & (values != values.round(0))
        for row, value in zip(self.loc.data[ROW].filter(bad).to_list(), self.loc.data[name].filter(bad).to_list(), strict=True):
            self.error("integer_invalid", row, name, value)
        return values.set(bad, None).cast(pl.Int64)

    def year(self, name: str) -> pl.Series:
        values = self.number(name)
        bad = values.is_not_null() & ((values != values.round(0)) | (values < 1900) | (values > 2100))
        for row, value in zip(self.loc.data[ROW].filter(bad).to_list(), self.loc.data[name].filter(bad).to_list(), strict=True):
            self.error("year_invalid", row, name, value)
        return values.set(bad, None).cast(pl.Int64)

    def code(self, name: str) -> pl.Series:
        out: list[str | None] = []
        for row, value in zip(self.loc.data[ROW].to_list(), self.loc.data[name].to_list(), strict=True):
            if value is None:
                out.append(None)
                continue
            try:
                out.append(parse_code(value).text)
            except CodeError as exc:
                self.error("code_invalid", row, name, value, reason=exc.reason)
                out.append(None)
        return pl.Series(name, out, dtype=pl.String)

    def nik(self, name: str) -> pl.Series:
        """NIK stays text.  One typed as a number has lost digits in Excel (it keeps 15): warn."""
        raw = self.loc.data[name]
        if self.long_number_cells:
            letter = self._letter(name)
            rows = self.loc.data[ROW]
            for row, value in zip(rows.filter(_flags(self.long_number_cells, letter, rows)).to_list(),
                                  raw.filter(_flags(self.long_number_cells, letter, rows)).to_list(), strict=True):
                self.problems.append(problem("nik_as_number", file=self.loc.file, sheet=self.loc.sheet,
                                             **self.loc.at(row, name), column=self.loc.table.field(name).label,
                                             value=value))
        return raw.str.replace_all(r"[\s\u00a0'’.-]", "")

    def date(self, name: str) -> pl.Series:
        raw = self.loc.data[name]
        parsed: dict = {}
        failed: list = []
        for value in raw.drop_nulls().unique().to_list():  # each distinct text parsed once
            try:
                parsed[value] = parse_date(value)
            except DateError:
                parsed[value] = None
                failed.append(value)
        if failed:
            bad = raw.is_in(failed).fill_null(False)
            for row, value in zip(self.loc.data[ROW].filter(bad).to_list(), raw.filter(bad).to_list(), strict=True):
                self.error("date_invalid", row, name, value)
        if not parsed:
            return pl.Series(name, [None] * len(raw), dtype=pl.Date)
        return raw.replace_strict(parsed, default=None, return_dtype=pl.Date).alias(name)

    def text(self, name: str) -> pl.Series:
        f = self.loc.table.field(name)
        raw = self.loc.data[name]
        if not f.allowed:
            return raw
        canon = {t.normalize_header(a): a for a in f.allowed}
        mapping = {v: canon.get(t.normalize_header(v), v) for v in raw.drop_nulls().unique().to_list()}
        if not mapping:
            return raw
        return raw.replace_strict(mapping, default=None, return_dtype=pl.String)  # each distinct text once

    def cast(self) -> pl.DataFrame:
        kinds = {
            t.TEXT: self.text, t.CODE: self.code, t.NIK: self.nik, t.MONEY: self.number,
            t.NUMBER: self.number, t.PERCENT: self.percent, t.INTEGER: self.integer,
            t.YEAR: self.year, t.DATE: self.date,
        }
        cols = [self.loc.data[ROW]]
        for f in self.loc.table.fields:
            if f.name in self.loc.columns:
                cols.append(kinds[f.kind](f.name).alias(f.name))
            else:
                cols.append(pl.Series(f.name, [None] * self.loc.data.height, dtype=_DTYPES[f.kind]))
        for year in sorted(self.loc.year_columns):
            cols.append(self.percent(f"y{year}").alias(f"y{year}"))
        return pl.DataFrame(cols)


_DTYPES = {
    t.TEXT: pl.String, t.CODE: pl.String, t.NIK: pl.String, t.MONEY: pl.Float64, t.NUMBER: pl.Float64,
    t.PERCENT: pl.Float64, t.INTEGER: pl.Int64, t.YEAR: pl.Int64, t.DATE: pl.Date,
}


def cast_table(loc: Located) -> tuple[pl.DataFrame, list[Problem], set[int]]:
    """Typed frame (with ``_row``), the problems found, and the rejected Excel rows.

    Rows rejected here (a cell that could not be read) are left out of the
    frame: the expectation suites run on what was read, so an unreadable code
    or number is reported once, as what it is, and not a second time as an
    empty required cell.
    """
    caster = Caster(loc)
    frame = caster.cast()
    if caster.rejected:
        frame = frame.filter(~pl.col(ROW).is_in(sorted(caster.rejected)))
    return frame, caster.problems, caster.rejected
