"""Reporting periods (a month of a year) and dates, as staff write them.

The one period type of the project: every parse, format and step of a month
(previous, next, quarter end, the reporting period of a moment in WITA) and
the mapping to Dagster partition keys lives here.  Pure: no clock, no files,
no environment (callers pass ``now``).
"""

from __future__ import annotations

import calendar
import datetime as dt
import os
import re
from dataclasses import dataclass
from zoneinfo import ZoneInfo

__all__ = [
    "PeriodError",
    "DateError",
    "Period",
    "MONTHS",
    "MONTH_NAMES_ID",
    "month_number",
    "period_from_text",
    "period_from_title_block",
    "period_from_path",
    "parse_date",
    "PARTITION_FMT",
    "TIMEZONE",
    "partition_key",
    "period_of_partition_key",
    "reporting_period",
    "date_label_id",
]

TIMEZONE = "Asia/Makassar"  # WITA, Bali's time: months start and end here
PARTITION_FMT = "%Y-%m"  # Dagster partition keys are periods: "2024-12"

MONTH_NAMES_ID = (
    "Januari", "Februari", "Maret", "April", "Mei", "Juni",
    "Juli", "Agustus", "September", "Oktober", "November", "Desember",
)

# every accepted spelling (lower case) -> month number
MONTHS: dict[str, int] = {}
for _number, _names in enumerate(
    (
        ("januari", "jan", "january"),
        ("februari", "pebruari", "feb", "peb", "february"),
        ("maret", "mar", "march"),
        ("april", "apr"),
        ("mei", "may"),
        ("juni", "jun", "june"),
        ("juli", "jul", "july"),
        ("agustus", "agu", "agt", "agus", "ags", "aug", "august"),
        ("september", "sep", "sept"),
        ("oktober", "okt", "oct", "october"),
        ("november", "nov", "nop", "nopember"),
        ("desember", "des", "dec", "december"),
    ),
    start=1,
):
    for _name in _names:
        MONTHS[_name] = _number

_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_MONTH = rf"(?<![a-z])({_MONTH_RE})(?![a-z])\.?"
_YEAR = r"((?:19|20)\d{2})(?!\d)"


class PeriodError(ValueError):
    """A period that cannot be read or is stated twice differently; ``reason`` is Indonesian."""

    def __init__(self, reason: str, periods: tuple[Period, ...] = ()):
        super().__init__(reason)
        self.reason = reason
        self.periods = periods


class DateError(ValueError):
    """A date that cannot be read; ``reason`` is Indonesian."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, order=True)
class Period:
    """One reporting month."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12:
            raise PeriodError(f"bulan {self.month} tidak ada (harus 1 sampai 12)")
        if not 1900 <= self.year <= 2999:
            raise PeriodError(f"tahun {self.year} tidak masuk akal")

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @classmethod
    def parse(cls, text: str) -> Period:
        """``2024-12`` (the partition key form) to a Period."""
        m = re.fullmatch(r"\s*(\d{4})-(\d{1,2})\s*", str(text))
        if not m:
            raise PeriodError(f"periode '{text}' harus berbentuk TTTT-BB, misalnya 2024-12")
        return cls(int(m.group(1)), int(m.group(2)))

    @classmethod
    def from_key(cls, text: str) -> Period | None:
        """The canonical ``YYYY-MM`` form only (folder names, URLs), else None."""
        m = re.fullmatch(r"(\d{4})-(\d{2})", str(text or ""))
        if not m:
            return None
        return _safe_period(int(m.group(1)), int(m.group(2)))

    @classmethod
    def from_date(cls, date: dt.date) -> Period:
        return cls(date.year, date.month)

    def shifted(self, months: int) -> Period:
        index = self.year * 12 + self.month - 1 + months
        return Period(index // 12, index % 12 + 1)

    def previous(self) -> Period:
        return self.shifted(-1)

    def next(self) -> Period:
        return self.shifted(1)

    @property
    def quarter(self) -> int:
        """Triwulan 1..4."""
        return (self.month - 1) // 3 + 1

    def quarter_end(self) -> Period:
        """The last month of this period's quarter (Desember for Oktober)."""
        return Period(self.year, self.quarter * 3)

    def label_id(self) -> str:
        """``Desember 2024``."""
        return f"{MONTH_NAMES_ID[self.month - 1]} {self.year}"

    @property
    def start_date(self) -> dt.date:
        return dt.date(self.year, self.month, 1)

    @property
    def end_date(self) -> dt.date:
        return dt.date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])


def month_number(text: str) -> int | None:
    """Month number of a month name or short form (any case), or of ``1``..``12``."""
    s = str(text).strip().lower().rstrip(".")
    if s in MONTHS:
        return MONTHS[s]
    if re.fullmatch(r"\d{1,2}", s) and 1 <= int(s) <= 12:
        return int(s)
    return None


def partition_key(period: Period | str) -> str:
    """The ``monthly_partitions`` key of a period (``PARTITION_FMT``)."""
    p = period if isinstance(period, Period) else Period.parse(period)
    return dt.date(p.year, p.month, 1).strftime(PARTITION_FMT)


def period_of_partition_key(key: str) -> Period:
    """The period of a partition key (inverse of :func:`partition_key`)."""
    try:
        moment = dt.datetime.strptime(str(key), PARTITION_FMT)
    except ValueError:
        raise PeriodError(f"kunci partisi '{key}' bukan bulan ({PARTITION_FMT})") from None
    return Period(moment.year, moment.month)


def _in_wita(moment: dt.datetime, tz: str = TIMEZONE) -> dt.datetime:
    zone = ZoneInfo(tz)
    return moment.replace(tzinfo=zone) if moment.tzinfo is None else moment.astimezone(zone)


def reporting_period(now: dt.datetime, tz: str = TIMEZONE) -> Period:
    """The period being reported at ``now``: the month before it, in WITA (naive = WITA)."""
    return Period.from_date(_in_wita(now, tz).date()).previous()


def date_label_id(moment: dt.date) -> str:
    """``5 Januari 2025``."""
    return f"{moment.day} {MONTH_NAMES_ID[moment.month - 1]} {moment.year}"


# --- periods in free text -------------------------------------------------------

_D = r"(?<!\d)"
_PATTERNS: tuple[tuple[re.Pattern, str], ...] = (
    # 2024-12-31, 2024-12-31 00:00:00, 2024-12-31T10:20:00, 2024/12/31
    (re.compile(_D + r"(\d{4})([/-])(\d{1,2})\2(\d{1,2})(?!\d)"), "ymd"),
    # 31/12/2024, 31-12-2024, 31.12.2024
    (re.compile(_D + r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})(?!\d)"), "dmy"),
    # Desember 2024, DESEMBER TAHUN 2024, Des. 2024, 31 Desember 2024, Des-2024
    (re.compile(_MONTH + r"[\s,/-]*(?:tahun\s*)?" + _YEAR, re.IGNORECASE), "name"),
    # 2024-12, 2024/12
    (re.compile(_D + r"(\d{4})[-/](\d{1,2})(?![\d/-])"), "ym"),
    # 12/2024, 12-2024
    (re.compile(_D + r"(?<![\d/-])(\d{1,2})[-/](\d{4})(?!\d)"), "my"),
)


def _safe_period(year: int, month: int, day: int | None = None) -> Period | None:
    if not 1 <= month <= 12 or not 1900 <= year <= 2999:
        return None
    if day is not None and not 1 <= day <= calendar.monthrange(year, month)[1]:
        return None
    return Period(year, month)


def _periods_in_text(text: str) -> list[Period]:
    """Every period mentioned in a text, in order of position (overlaps skipped)."""
    found: list[tuple[int, Period]] = []
    taken: list[tuple[int, int]] = []
    for pattern, kind in _PATTERNS:
        for m in pattern.finditer(text):
            if any(m.start() < end and start < m.end() for start, end in taken):
                continue
            g = m.groups()
            if kind == "ymd":
                p = _safe_period(int(g[0]), int(g[2]), int(g[3]))
            elif kind == "dmy":
                p = _safe_period(int(g[3]), int(g[2]), int(g[0]))
            elif kind == "name":
                p = _safe_period(int(g[1]), MONTHS[g[0].lower()])
            elif kind == "ym":
                p = _safe_period(int(g[0]), int(g[1]))
            else:
                p = _safe_period(int(g[1]), int(g[0]))
            if p is not None:
                found.append((m.start(), p))
                taken.append((m.start(), m.end()))
    return [p for _, p in sorted(found, key=lambda x: x[0])]


def period_from_text(text: object) -> Period | None:
    """The period a text states, or None.

    ``Desember 2024``, ``BULAN DESEMBER TAHUN 2024``, ``2024-12``, ``12/2024``,
    ``31 Desember 2024``, ``2024-12-31 00:00:00``, ``31/12/2024``.  A range
    (``1 Januari 2024 s/d 31 Desember 2024``) gives its end: realisation is
    cumulative.
    """
    if text is None:
        return None
    if isinstance(text, dt.date):
        return Period(text.year, text.month)
    found = _periods_in_text(str(text))
    return max(found) if found else None


# --- the title block above a header -----------------------------------------

_LABEL = re.compile(r"^\s*(bulan|periode)(?:\s+laporan)?\s*:?\s*(.*)$", re.IGNORECASE | re.DOTALL)
_YEAR_LABEL = re.compile(r"^\s*tahun(?:\s+anggaran)?\s*:?\s*(.*)$", re.IGNORECASE | re.DOTALL)


def _cell_text(cell: object) -> str:
    if cell is None:
        return ""
    if isinstance(cell, dt.datetime):
        return cell.isoformat(sep=" ")
    return str(cell).strip()


def _labelled_value(cells: list[str], j: int, pattern: re.Pattern) -> str:
    """The value of a label cell: after the colon, or the next non-empty cell right."""
    m = pattern.match(cells[j])
    value = m.group(m.lastindex).strip() if m else ""
    if value:
        return value
    for k in range(j + 1, len(cells)):
        if cells[k] and cells[k] != ":":
            return cells[k].lstrip(":").strip()
    return ""


def period_from_title_block(rows: list[list[object]]) -> Period | None:
    """The period stated in the cells above the header, or None.

    A ``Bulan``/``Periode`` label with its value after a colon or in the next
    cell to the right (a bare month combines with a ``Tahun`` label), or a month
    and year anywhere in a title cell.  Two different periods: :class:`PeriodError`.
    """
    grid = [[_cell_text(c) for c in row] for row in rows]
    year: int | None = None
    for cells in grid:
        for j, text in enumerate(cells):
            if text and _YEAR_LABEL.match(text):
                m = re.fullmatch(r"((?:19|20)\d{2})(?:\.0)?", _labelled_value(cells, j, _YEAR_LABEL))
                if m:
                    year = int(m.group(1))

    found: list[Period] = []
    for cells in grid:
        for j, text in enumerate(cells):
            if not text:
                continue
            p = period_from_text(text)
            if p is None and _LABEL.match(text):
                value = _labelled_value(cells, j, _LABEL)
                p = period_from_text(value)
                if p is None and year is not None:
                    month = month_number(value)
                    if month is None:
                        month = month_number(value.split(" ")[0]) if value else None
                    if month is not None:
                        p = Period(year, month)
            if p is not None:
                found.append(p)

    distinct = sorted(set(found))
    if len(distinct) > 1:
        listed = " dan ".join(p.label_id() for p in distinct)
        raise PeriodError(f"judul laporan menyebut lebih dari satu periode: {listed}", tuple(distinct))
    return distinct[0] if distinct else None


# --- folders ---------------------------------------------------------------------


def period_from_path(relative_path: str | os.PathLike) -> Period | None:
    """Period from a parent folder ``2024-12``, ``2024_12`` or ``2024/12``; nearest wins."""
    parts = [p for p in re.split(r"[\\/]+", os.fspath(relative_path)) if p]
    folders = parts[:-1]  # the last part is the file
    for i in range(len(folders) - 1, -1, -1):
        name = folders[i].strip()
        m = re.fullmatch(r"(\d{4})[-_](\d{1,2})", name)
        if m:
            p = _safe_period(int(m.group(1)), int(m.group(2)))
            if p is not None:
                return p
        if re.fullmatch(r"\d{1,2}", name) and i > 0 and re.fullmatch(r"\d{4}", folders[i - 1].strip()):
            p = _safe_period(int(folders[i - 1]), int(name))
            if p is not None:
                return p
    return None


# --- dates -------------------------------------------------------------------------

_ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?")
_YMD_SLASH = re.compile(r"(\d{4})/(\d{1,2})/(\d{1,2})")
_DMY = re.compile(r"(\d{1,2})([/.-])(\d{1,2})\2(\d{4})")
_D_NAME_Y = re.compile(r"(\d{1,2})[\s-]*(" + _MONTH_RE + r")\.?[\s,-]*(\d{4})", re.IGNORECASE)


def parse_date(raw: object) -> dt.date | None:
    """A date cell to a ``datetime.date`` (a datetime gives its date); None for empty."""
    if raw is None:
        return None
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if not isinstance(raw, str):
        raise DateError(f"'{raw}' bukan tanggal; tulis seperti 31/12/2024 atau 31 Desember 2024")
    s = re.sub(r"\s+", " ", raw).strip()
    if s in ("", "-", "\u2013"):
        return None
    if m := _ISO.fullmatch(s) or _YMD_SLASH.fullmatch(s):
        y, mo, d = int(m.group(1)), int(m.group(2)), int(m.group(3))
    elif m := _DMY.fullmatch(s):
        y, mo, d = int(m.group(4)), int(m.group(3)), int(m.group(1))
    elif m := _D_NAME_Y.fullmatch(s):
        y, mo, d = int(m.group(3)), MONTHS[m.group(2).lower()], int(m.group(1))
    else:
        raise DateError(f"'{raw}' bukan tanggal; tulis seperti 31/12/2024 atau 31 Desember 2024")
    try:
        return dt.date(y, mo, d)
    except ValueError:
        raise DateError(f"tanggal '{raw}' tidak ada di kalender") from None
