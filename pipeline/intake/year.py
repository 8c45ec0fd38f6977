"""Through the year: every month of the period's year up to the period, from one reading.

Each realisation file is read once (``read_sources``, the sandbox reads all of
them in one child process).  The period's own rows are checked as always
(``period_intake``); each earlier month of the year with files, and December of
each earlier year of the Renstra, is deduplicated and checked the same way
(newest file wins per sub kegiatan), so their problems are in ``Validasi`` too.
A month's cumulative value below the previous month's is a ``Peringatan`` at
its cell.

:func:`year_figures` turns the month intakes into one series per code (month ->
cumulative value, months without a file carried forward from the last earlier
month) for the through-the-year sheets.
"""

from __future__ import annotations

from pathlib import Path

import polars as pl

from pipeline.domain import sifat as sifat_rules
from pipeline.domain.series import CodeSeries, YearFigures
from pipeline.domain.periods import Period
from pipeline.intake.realisasi import (
    LEVEL,
    RealisasiIntake,
    mark_other_periods,
    period_intake,
    read_sources,
)
from pipeline.intake import rules
from pipeline.intake.referensi import Referensi
from pipeline.intake.sheets import ROW
from pipeline.problems import Problem
from pipeline.settings import Settings

USED_NOTE = "dipakai hanya untuk Tren Bulanan, Evaluasi Renja dan Peringatan Dini periode {period}"
NOT_USED_NOTE = "tidak dipakai untuk {period}"


def earlier_periods(period: Period, tahun_awal: int | None) -> list[str]:
    """The periods read besides ``period``: its year's earlier months, and December of the
    Renstra's years before the period's year."""
    months = [str(Period(period.year, m)) for m in range(1, period.month)]
    first = tahun_awal if tahun_awal is not None and tahun_awal < period.year else period.year
    decembers = [str(Period(y, 12)) for y in range(first, period.year)]
    return decembers + months


def read_year(inputs: Path, ref: Referensi, period: str, paths: list[Path] | None = None, *,
              settings: Settings | None = None) -> RealisasiIntake:
    """The period's realisation (as :func:`~pipeline.intake.realisasi.read_realisasi`) with the
    earlier months of its year and the Renstra's earlier Decembers in ``earlier``."""
    current_period = Period.parse(period)
    sources, per_file = read_sources(inputs, paths, settings=settings)
    wanted = set(earlier_periods(current_period, ref.tahun_awal))
    intake = period_intake(str(current_period), sources, per_file, ref)
    for source, found, _ in per_file:
        if str(found) != str(current_period):
            note = USED_NOTE if str(found) in wanted else NOT_USED_NOTE
            mark_other_periods([(source, found, None)], str(current_period), note)
    present = sorted({str(found) for _, found, _ in per_file} & wanted)
    intake.earlier = {p: period_intake(p, sources, per_file, ref) for p in present}
    intake.year = year_figures(intake)  # once per run: the rule below and the figures model read it
    for source in sources:
        intake.problems.extend(source.problems)
    intake.problems.extend(decrease_problems(intake))
    year_values(intake)
    return intake


MONTH_REALISASI = "realisasi_bulan"  # the period's own stated value, where the year's value differs from it


def year_values(intake: RealisasiIntake) -> None:
    """An output whose Sifat is ``Rata-rata``, ``Maksimum`` or ``Minimum`` is, for the year up to the
    period, the mean / highest / lowest of its months, not the period's own figure: the period's rows
    then carry that value as ``realisasi`` (the sheets of the year: Kinerja Program, Efisiensi), and the
    month's own figure as ``realisasi_bulan`` (what :func:`year_figures` reads for the month)."""
    figures = year_figures(intake)
    month = figures.period.month
    values = {k: sifat_rules.year_value(s.realisasi, month, s.sifat_value) for k, s in figures.codes.items()
              if s.sifat_value in (sifat_rules.RATA_RATA, sifat_rules.MAKSIMUM, sifat_rules.MINIMUM)}
    if not values:
        return
    for name in ("sub", "parents", "stated"):
        frame = getattr(intake, name)
        if not frame.height or "realisasi" not in frame.columns or MONTH_REALISASI in frame.columns:
            continue
        year = pl.col("kode").replace_strict(values, default=None, return_dtype=pl.Float64)
        setattr(intake, name, frame.with_columns(
            pl.col("realisasi").alias(MONTH_REALISASI),
            pl.when(pl.col("kode").is_in(list(values))).then(year).otherwise(pl.col("realisasi")).alias("realisasi")))


# --- one series per code ----------------------------------------------------------------------


def _rows(intake: RealisasiIntake) -> list[dict]:
    frames = [f for f in (intake.parents, intake.sub) if f.height]
    rows = pl.concat(frames, how="diagonal_relaxed").to_dicts() if frames else []
    for r in rows:  # the month's own figure where the period's rows carry the year's (year_values)
        if MONTH_REALISASI in r:
            r["realisasi"] = r[MONTH_REALISASI]
    return rows


def year_figures(intake: RealisasiIntake) -> YearFigures:
    """Series per code for the months of the period's year up to the period (made once: an intake
    of :func:`read_year` carries them in ``intake.year``)."""
    if intake.year is not None:
        return intake.year
    period = Period.parse(intake.period)
    by_month: dict[int, RealisasiIntake] = {period.month: intake}
    decembers: dict[int, dict[str, dict]] = {}
    for key, other in intake.earlier.items():
        p = Period.parse(key)
        if p.year == period.year and p.month < period.month:
            by_month[p.month] = other
        elif p.month == 12 and p.year < period.year:
            decembers[p.year] = {r["kode"]: r for r in _rows(other)}
    codes: dict[str, CodeSeries] = {}
    sent: dict[str, set[int]] = {}
    files: dict[str, dict[int, list[str]]] = {}
    for month in sorted(by_month):
        month_intake = by_month[month]
        for bidang, sources in month_intake.received.items():
            sent.setdefault(bidang, set()).add(month)
            files.setdefault(bidang, {})[month] = [s.report.file for s in sources]
        for r in _rows(month_intake):
            series = codes.get(r["kode"])
            if series is None:
                series = codes[r["kode"]] = CodeSeries(r["kode"], r[LEVEL], program=r["program"], kegiatan=r["kegiatan"])
            # names, indicator and target as in the latest file
            series.uraian = r["uraian"] or series.uraian
            series.indikator = r["indikator"] or series.indikator
            series.satuan = r["satuan"] or series.satuan
            series.bidang = r["bidang"] or series.bidang
            series.target = r["target"] if r["target"] is not None else series.target
            for name in ("pagu", "realisasi", "realisasi_anggaran"):
                if r[name] is not None:
                    getattr(series, name)[month] = float(r[name])
            letters = month_intake.letters.get(r["file"], {})
            series.where[month] = {"file": r["file"], "sheet": r["sheet"], "row": r[ROW],
                                   "realisasi": letters.get("realisasi"),
                                   "realisasi_anggaran": letters.get("realisasi_anggaran")}
    for series in codes.values():
        series.sifat = intake.sifat.of(series.kode, series.satuan)
    return YearFigures(period, codes, decembers, sent, files)


def decrease_problems(intake: RealisasiIntake) -> list[Problem]:
    """A ``Peringatan`` at the cell of every month whose cumulative value fell below the previous
    month's (the rule is :func:`pipeline.intake.rules.cumulative_decreases`)."""
    figures = year_figures(intake)
    return rules.cumulative_decreases(sorted(figures.codes.values(), key=lambda s: s.kode), figures.period.year)
