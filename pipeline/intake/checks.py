"""Rules that Great Expectations cannot express: totals and cross-file checks.

They report exactly like the expectation suites: one problem per finding, at
the cell where a person would go to fix it.
"""

from __future__ import annotations

from collections.abc import Callable

import polars as pl

from pipeline.domain.numbers import NumberError, parse_number
from pipeline.intake.sheets import ROW
from pipeline.problems import WARNING, Problem, problem
from pipeline.domain.formatting import rupiah

TOLERANCE = 0.5  # rupiah


def check_total_rows(loaded, columns: tuple[str, ...], rows_filter: Callable[[pl.DataFrame], pl.DataFrame] | None = None) -> list[Problem]:
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
                                     column=loc.table.field(column).label, value=raw, reason=exc.reason, severity=WARNING))
                continue
            computed = float(block[column].sum() or 0)
            if stated is not None and abs(stated - computed) > TOLERANCE:
                found.append(problem("total_mismatch", file=loc.file, sheet=loc.sheet, **loc.at(row, column),
                                     column=loc.table.field(column).label, value=rupiah(stated),
                                     expected=rupiah(computed), label="JUMLAH"))
    return found
