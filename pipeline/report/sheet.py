"""A sheet of the consolidated workbook as plain data: title lines, columns, rows.

Cell values say how they are shown by their type: :class:`Rupiah` (whole
rupiah with thousands separators), :class:`Percent` (percent points, stored as
a fraction with a percent format), ``int``, ``float`` (two decimals), text,
dates, or ``None``/``"N/A"`` for missing values — never 0.
"""

from __future__ import annotations

from dataclasses import dataclass, field


class Rupiah(float):
    """Money in rupiah."""


class Percent(float):
    """Percent points: ``Percent(19.61)`` is 19,61 %."""


def rupiah(value: float | None) -> Rupiah | None:
    return None if value is None else Rupiah(value)


def percent(value: float | None) -> Percent | str:
    return "N/A" if value is None else Percent(value)


@dataclass
class SheetTable:
    name: str  # sheet name (Indonesian, at most 31 characters)
    title: list[str]  # title lines above the header
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    widths: dict[str, int] = field(default_factory=dict)  # column -> width, when the default guess is wrong
    formats: dict[str, str] = field(default_factory=dict)  # column -> number format, e.g. years as "0"
    charts: list = field(default_factory=list)  # native charts over the table's rows (report/charts.py)

    def add(self, *values) -> None:
        if len(values) != len(self.columns):
            raise ValueError(f"{self.name}: {len(values)} values for {len(self.columns)} columns")
        self.rows.append(list(values))


def indicator_value(value: float | None, persen: bool):
    """An indicator value shown in its unit: a percentage unit as :class:`Percent`, a whole number
    as ``int``, else ``float``; no value is ``N/A``."""
    if value is None:
        return "N/A"
    if persen:
        return percent(value)
    return int(value) if float(value).is_integer() else float(value)
