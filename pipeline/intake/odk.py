"""Online Data Koperasi (ODK) exports: one row per cooperative per Tahun Buku.

The same (NIK, Tahun Buku) more than once, in one file or across files: the
row with the latest Tanggal Update counts, the others are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.intake import rules
from pipeline.intake.files import discover
from pipeline.intake.loading import SourceFile, load_table, open_sources
from pipeline.intake.referensi import Referensi
from pipeline.intake.sheets import ROW
from pipeline.intake.tables import ODK
from pipeline.problems import Problem
from pipeline.settings import Settings

MAX_LISTED_DUPLICATES = 10_000  # beyond this, duplicates are still counted, not each listed


@dataclass
class OdkIntake:
    rows: pl.DataFrame  # accepted, deduplicated rows
    sources: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_odk(inputs: Path, ref: Referensi, paths: list[Path] | None = None, *,
             settings: Settings | None = None) -> OdkIntake:
    """Read every ODK export (or just ``paths``), keep the latest row per (NIK, Tahun Buku)."""
    paths = discover(inputs, "odk") if paths is None else paths
    sources = open_sources(inputs, "odk", paths, settings=settings)
    frames = []
    located = {}
    for order, source in enumerate(sources):
        if not source.readable:
            continue
        loaded = load_table(source, ODK)
        if loaded is None:
            continue
        located[source.report.file] = (source, loaded.located)
        source.report.count(loaded.located.rows_read, len(loaded.rejected))
        frames.append(loaded.rows.with_columns(pl.lit(source.report.file).alias("file"), pl.lit(order).alias("_order"),
                                               pl.lit(loaded.located.sheet).alias("sheet")))
    if not frames:
        intake = OdkIntake(rows=pl.DataFrame(), sources=sources)
        if not sources:  # an office without cooperative data: only an IKU computed from ODK needs the folder
            intake.problems.extend(rules.iku_data_missing(ref, "odk", file=ref.file))
        for s in sources:
            intake.problems.extend(s.problems)
        return intake
    rows = pl.concat(frames, how="diagonal_relaxed")
    rows = _check_regions(rows, ref, located)
    rows = _dedupe(rows, located)
    intake = OdkIntake(rows=rows.drop("_order"), sources=sources)
    for s in sources:
        intake.problems.extend(s.problems)
    return intake


def _reject(found: list[Problem], located) -> None:
    """Report each problem and move its row from accepted to rejected in its file's account."""
    for item in found:
        source, _ = located[item.file]
        source.problems.append(item)
        source.report.rows_accepted -= 1
        source.report.rows_rejected += 1


def _check_regions(rows: pl.DataFrame, ref: Referensi, located) -> pl.DataFrame:
    """Each Kabupaten/Kota becomes the referensi's name of that region; unknown or ambiguous names are rejected."""
    if ref.statistik.height == 0:
        return rows
    letters = {file: loc.columns for file, (_, loc) in located.items()}
    kept, found = rules.unknown_regions(rows, ref.statistik["kabupaten"].to_list(), letters)
    _reject(found, located)
    return kept


def _dedupe(rows: pl.DataFrame, located) -> pl.DataFrame:
    winners, found = rules.duplicate_koperasi(rows)
    _reject(found, located)
    return winners
