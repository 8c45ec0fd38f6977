"""How a cumulative-from-January output adds up through the year: its *Sifat*.

- ``Jumlah`` (additive): a triwulan is the difference of cumulative values, the
  year is the value at the period (a count of documents, of people trained);
- ``Tingkat`` (a level): a triwulan and the year are the value at the period's
  end (a percentage, an index, a score, a ratio, a rate per 100.000);
- ``Rata-rata``: the mean of the months given; ``Maksimum`` / ``Minimum``: the
  highest / lowest of the months given.

The referensi's optional ``Sifat Indikator`` sheet names it per code (a sub
kegiatan, kegiatan, program or Kode IKU: the longest code that matches wins)
or per Satuan; without it, :func:`default_sifat` decides from the unit.  Pure.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

__all__ = ["JUMLAH", "TINGKAT", "RATA_RATA", "MAKSIMUM", "MINIMUM", "SIFAT_VALUES", "LEVEL_UNITS",
           "default_sifat", "normalize_sifat", "is_additive", "SifatRules", "quarter_values", "year_value"]

JUMLAH = "Jumlah"
TINGKAT = "Tingkat"
RATA_RATA = "Rata-rata"
MAKSIMUM = "Maksimum"
MINIMUM = "Minimum"
SIFAT_VALUES = (JUMLAH, TINGKAT, RATA_RATA, MAKSIMUM, MINIMUM)

# units that are a level by default (any case, spaces ignored); "per 1.000 ..." and "per 100.000 ..." too
LEVEL_UNITS = ("%", "persen", "persentase", "prosentase", "indeks", "nilai", "skor", "rasio", "predikat",
               "per 1.000", "per 100.000")
_LEVEL_WORDS = frozenset({"%", "persen", "persentase", "prosentase", "indeks", "nilai", "skor", "rasio", "predikat"})
_RATE = re.compile(r"^(per|/)\s*(1[.,]?000|100[.,]?000)(\s|$)")


def _norm(text: object) -> str:
    return " ".join(str(text or "").split()).casefold()


def default_sifat(satuan: object) -> str:
    """``Tingkat`` for a percentage, an index, a score, a value, a ratio, a predikat or a rate per
    1.000 / 100.000 (``Indeks``, ``Skor (0-100)``, ``per 100.000 penduduk``), ``Jumlah`` otherwise."""
    unit = _norm(satuan)
    if not unit:
        return JUMLAH
    if unit in _LEVEL_WORDS or _RATE.match(unit):
        return TINGKAT
    first = re.split(r"[\s(/]", unit, maxsplit=1)[0]
    return TINGKAT if first in _LEVEL_WORDS else JUMLAH


def normalize_sifat(text: object) -> str | None:
    """The Sifat a planner typed (``tingkat``, ``Rata rata``, ``rerata``), or None when it is none of them."""
    key = re.sub(r"[\s\-_]+", "", _norm(text))
    return {"jumlah": JUMLAH, "kumulatif": JUMLAH, "tingkat": TINGKAT, "level": TINGKAT, "ratarata": RATA_RATA,
            "rerata": RATA_RATA, "maksimum": MAKSIMUM, "maks": MAKSIMUM, "minimum": MINIMUM,
            "min": MINIMUM}.get(key)


def is_additive(sifat: str) -> bool:
    return sifat == JUMLAH


@dataclass(frozen=True)
class SifatRules:
    """The referensi's ``Sifat Indikator``: per code and per Satuan (normalized)."""

    by_kode: Mapping[str, str] = field(default_factory=dict)
    by_satuan: Mapping[str, str] = field(default_factory=dict)

    def of(self, kode: str | None, satuan: object = None) -> str:
        """The Sifat of a code: the longest listed code equal to it or containing it (a sub kegiatan
        takes its kegiatan's, then its program's), else its Satuan's, else :func:`default_sifat`."""
        code = str(kode or "")
        best: tuple[int, str] | None = None
        for listed, sifat in self.by_kode.items():
            if code == listed or code.startswith(listed + "."):
                if best is None or len(listed) > best[0]:
                    best = (len(listed), sifat)
        if best is not None:
            return best[1]
        unit = _norm(satuan)
        if unit and unit in self.by_satuan:
            return self.by_satuan[unit]
        return default_sifat(satuan)


def _carried(series: Mapping[int, float | None], month: int) -> float | None:
    for m in range(month, 0, -1):
        value = series.get(m)
        if value is not None:
            return float(value)
    return None


def _given(series: Mapping[int, float | None], first: int, last: int) -> list[float]:
    return [float(series[m]) for m in range(first, last + 1) if series.get(m) is not None]


def _combine(values: list[float], sifat: str) -> float | None:
    if not values:
        return None
    if sifat == RATA_RATA:
        return sum(values) / len(values)
    if sifat == MAKSIMUM:
        return max(values)
    if sifat == MINIMUM:
        return min(values)
    return values[-1]


def quarter_values(series: Mapping[int, float | None], period_month: int, sifat: str) -> list[float | None]:
    """Triwulan I-IV at the end of ``period_month`` for a non-additive Sifat (``Jumlah`` is
    :func:`pipeline.domain.triwulan.triwulan`).  ``Tingkat``: the value at the quarter's last month
    (carried forward); the others combine the months of the quarter that have a value.  The quarter
    in progress ends at the period; later quarters are empty."""
    out: list[float | None] = []
    for end in (3, 6, 9, 12):
        start = end - 2
        if start > period_month:
            out.append(None)
            continue
        last = min(end, period_month)
        if sifat == TINGKAT:
            out.append(_carried(series, last))
        else:
            out.append(_combine(_given(series, start, last), sifat))
    return out


def year_value(series: Mapping[int, float | None], period_month: int, sifat: str) -> float | None:
    """The year's value up to the period (E.81 column 12): the value at the period for ``Jumlah`` and
    ``Tingkat`` (carried forward), the mean / highest / lowest of the months given for the others."""
    if sifat in (JUMLAH, TINGKAT):
        return _carried(series, period_month)
    return _combine(_given(series, 1, period_month), sifat)
