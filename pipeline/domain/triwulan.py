"""Through the year: monthly cumulative figures, quarters (triwulan), the Renstra to date,
absorption against the plan, and the early-warning arithmetic.

Every realisation file is cumulative from January.  A series here is a mapping
month (1..12) -> cumulative value at the end of that month (``None`` or absent:
no file for that month).  Pure functions, no I/O.

- A month with no value takes the last earlier month's value (:func:`carry_forward`).
- Triwulan I-IV of a money figure or an additive output: the cumulative value at
  the quarter's last month minus the one at the previous quarter's last month
  (triwulan I: the March value).  A quarter whose previous quarter end has no
  value counts from 0 (nothing known realised before), so the quarters always
  add up to the year's value.  The quarter in progress at the period ends at the
  period; quarters after the period are empty.
- An output that is a level (``level=True``; its Sifat, :mod:`pipeline.domain.sifat`:
  a percentage, an index, a rate ...) is not a sum: its triwulan value is the value
  at the quarter's last month (or at the period, for the quarter in progress); the
  other Sifat (a mean, a highest, a lowest) are :func:`pipeline.domain.sifat.quarter_values`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from pipeline.domain.numbers import is_percent_unit  # noqa: F401  (an output in percent is a level)

QUARTER_ENDS = (3, 6, 9, 12)
TRIWULAN_LABELS = ("I", "II", "III", "IV")


def quarter_of(month: int) -> int:
    """1..4 for a month 1..12."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1..12")
    return (month - 1) // 3 + 1


def is_quarter_end(month: int) -> bool:
    return month in QUARTER_ENDS


def carry_forward(series: Mapping[int, float | None], up_to: int) -> dict[int, float | None]:
    """Months 1..``up_to``: each month's value, or the last earlier month's when it has none."""
    filled: dict[int, float | None] = {}
    last: float | None = None
    for month in range(1, up_to + 1):
        value = series.get(month)
        if value is not None:
            last = value
        filled[month] = last
    return filled


def source_month(series: Mapping[int, float | None], month: int) -> int | None:
    """The month whose value stands for ``month`` (itself, or the last earlier month with a value)."""
    for m in range(month, 0, -1):
        if series.get(m) is not None:
            return m
    return None


def triwulan(series: Mapping[int, float | None], period_month: int, *, level: bool = False) -> list[float | None]:
    """Realisation of triwulan I-IV at the end of ``period_month``.

    ``level``: the series is a level (a percentage output), not a running sum.
    """
    filled = carry_forward(series, period_month)
    out: list[float | None] = []
    previous_end: float | None = None
    for q, end in enumerate(QUARTER_ENDS, start=1):
        start = end - 2
        if start > period_month:
            out.append(None)
            continue
        at = filled[min(end, period_month)]
        if at is None:
            out.append(None)
        elif level:
            out.append(at)
        else:
            out.append(at - (previous_end or 0.0))
        previous_end = at if at is not None else previous_end
    return out


def renstra_before(yearly: Mapping[int, float | None], years: Iterable[int], *, level: bool = False) -> float | None:
    """Realisation of the Renstra up to the year before (E.81 column 6) from the December values of ``years``.

    Additive: the sum over the years (a missing year makes it unknown).  Level:
    the value of the last of those years.  No earlier year of the Renstra: 0 for
    an additive figure (nothing was realised before the Renstra began), unknown
    for a level.
    """
    years = sorted(years)
    if not years:
        return None if level else 0.0
    values = [yearly.get(y) for y in years]
    if level:
        return values[-1]
    if any(v is None for v in values):
        return None
    return float(sum(values))


def renstra_to_date(before: float | None, this_year: float | None, *, level: bool = False) -> float | None:
    """E.81 column 13 = 6 + 12; for a level, the level of column 12."""
    if level:
        return this_year
    if before is None or this_year is None:
        return None
    return before + this_year


def ratio_percent(value: float | None, base: float | None) -> float | None:
    """value / base x 100, or None without a base (no target is N/A, never 0)."""
    if value is None or base is None or base == 0:
        return None
    return value / base * 100


def elapsed_share(month: int) -> float:
    """Share of the year elapsed at the end of ``month``, in percent points (June: 50)."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month} is not 1..12")
    return month / 12 * 100


def expected_absorption(plan: float | None, pagu: float | None, month: int) -> float | None:
    """Where absorption should be at the end of ``month``: the plan's share of the pagu, or,
    without a plan, the share of the year elapsed."""
    if plan is not None:
        return ratio_percent(plan, pagu)
    return elapsed_share(month)


def points_behind(actual: float | None, expected: float | None) -> float | None:
    """Percent points ``actual`` is behind ``expected`` (negative: ahead)."""
    if actual is None or expected is None:
        return None
    return expected - actual


def behind_since(gaps: Mapping[int, float | None], period_month: int, threshold: float) -> int | None:
    """The first month of the unbroken run of months ending at ``period_month`` whose gap
    exceeds ``threshold``; None when the period itself is not behind."""
    gap = gaps.get(period_month)
    if gap is None or gap <= threshold:
        return None
    since = period_month
    for month in range(period_month - 1, 0, -1):
        g = gaps.get(month)
        if g is None or g <= threshold:
            break
        since = month
    return since


@dataclass(frozen=True)
class Drop:
    """A cumulative value that fell: ``month``'s value is below ``previous_month``'s."""

    month: int
    value: float
    previous_month: int
    previous: float

    @property
    def amount(self) -> float:
        return self.previous - self.value


def drops(series: Mapping[int, float | None], tolerance: float = 0.0) -> list[Drop]:
    """Months whose cumulative value is below the last earlier month's value (months without a
    value are skipped)."""
    found: list[Drop] = []
    last: tuple[int, float] | None = None
    for month in sorted(m for m, v in series.items() if v is not None):
        value = float(series[month])
        if last is not None and value < last[1] - tolerance:
            found.append(Drop(month, value, last[0], last[1]))
        last = (month, value)
    return found


def average(values: Iterable[float | None]) -> float | None:
    """Mean of the known values, or None when there are none."""
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def months_silent(sent: Iterable[int], period_month: int) -> int | None:
    """For a bidang that sent files in earlier months but none for ``period_month``: the first
    month without a file after its last one; None when it sent this month or never."""
    months = sorted(set(sent))
    if not months or period_month in months:
        return None
    earlier = [m for m in months if m < period_month]
    if not earlier:
        return None
    return earlier[-1] + 1
