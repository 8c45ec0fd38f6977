"""Summaries over indicators for the report's Ringkasan Eksekutif and Penutup."""

from __future__ import annotations

from collections.abc import Iterable

__all__ = ["mean_capaian"]


def mean_capaian(values: Iterable[float | None]) -> float | None:
    """The mean of the capaian that exist (percent points); None when there is none.

    The overall kategori of an office is the kategori of this mean on its Skala,
    as the Renja evaluation averages its column 14.
    """
    known = [float(v) for v in values if v is not None]
    return sum(known) / len(known) if known else None
