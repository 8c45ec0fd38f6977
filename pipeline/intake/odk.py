"""Online Data Koperasi (ODK) exports: one row per cooperative per Tahun Buku.

The same (NIK, Tahun Buku) more than once, in one file or across files: the
row with the latest Tanggal Update counts, the others are reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.domain.regions import RegionError, RegionIndex
from pipeline.intake.files import discover
from pipeline.intake.loading import SourceFile, load_table, open_sources
from pipeline.intake.referensi import Referensi
from pipeline.intake.sheets import ROW
from pipeline.intake.tables import ODK
from pipeline.problems import Problem, problem

MAX_LISTED_DUPLICATES = 10_000  # beyond this, duplicates are still counted, not each listed


@dataclass
class OdkIntake:
    rows: pl.DataFrame  # accepted, deduplicated rows
    sources: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_odk(inputs: Path, ref: Referensi, paths: list[Path] | None = None) -> OdkIntake:
    """Read every ODK export (or just ``paths``), keep the latest row per (NIK, Tahun Buku)."""
    paths = discover(inputs, "odk") if paths is None else paths
    sources = open_sources(inputs, "odk", paths)
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


def _reject(bad: pl.DataFrame, located, make) -> None:
    """Report each row of ``bad`` and move it from accepted to rejected in its file's account."""
    for record in bad.iter_rows(named=True):
        source, loc = located[record["file"]]
        source.problems.append(make(record, loc))
        source.report.rows_accepted -= 1
        source.report.rows_rejected += 1


def _check_regions(rows: pl.DataFrame, ref: Referensi, located) -> pl.DataFrame:
    """Each Kabupaten/Kota becomes the referensi's name of that region; unknown or ambiguous names are rejected."""
    if ref.statistik.height == 0:
        return rows
    index = RegionIndex(ref.statistik["kabupaten"].to_list())
    resolved: dict[str, str | None] = {}
    reasons: dict[str, list[str]] = {}
    for name in rows["kabupaten"].drop_nulls().unique().sort().to_list():  # each name once
        try:
            resolved[name] = index.resolve(name)
        except RegionError as exc:
            resolved[name] = None
            reasons[name] = exc.candidates
    keyed = rows.with_columns(pl.col("kabupaten").replace_strict(resolved, default=None, return_dtype=pl.String)
                              .alias("_canon"))
    bad = keyed.filter(pl.col("_canon").is_null() & pl.col("kabupaten").is_not_null())
    expected = ", ".join(sorted(index.names))

    def make(r, loc):
        where = dict(file=r["file"], sheet=r["sheet"], cell=loc.cell(r[ROW], "kabupaten"), column="Kabupaten/Kota",
                     value=r["kabupaten"])
        if reasons.get(r["kabupaten"]):
            return problem("region_ambiguous", **where, expected=" atau ".join(reasons[r["kabupaten"]]))
        return problem("unknown_region", **where, expected=expected)

    _reject(bad, located, make)
    keyed = keyed.join(bad.select("file", ROW), on=["file", ROW], how="anti")
    return keyed.with_columns(pl.col("_canon").alias("kabupaten")).drop("_canon")


def _dedupe(rows: pl.DataFrame, located) -> pl.DataFrame:
    ordered = rows.sort(["nik", "tahun_buku", "tanggal_update", "_order", ROW],
                        descending=[False, False, True, True, True], nulls_last=True)
    winners = ordered.unique(subset=["nik", "tahun_buku"], keep="first", maintain_order=True)
    losers = ordered.join(winners.select("file", ROW), on=["file", ROW], how="anti")
    if losers.height == 0:
        return winners
    winner_at = {(r["nik"], r["tahun_buku"]): r for r in winners.join(losers.select("nik", "tahun_buku").unique(),
                                                                     on=["nik", "tahun_buku"]).iter_rows(named=True)}

    def make(record, loc):
        w = winner_at[(record["nik"], record["tahun_buku"])]
        same_file = w["file"] == record["file"]
        return problem("duplicate_superseded", file=record["file"], sheet=record["sheet"], cell=f"baris {record[ROW]}",
                       column="NIK", value=record["nik"], what=f"Koperasi NIK {record['nik']} tahun buku {record['tahun_buku']}",
                       where="di berkas yang sama" if same_file else "di berkas lain",
                       expected=(f"baris {w[ROW]}" if same_file else f"{w['file']} baris {w[ROW]}")
                       + f", tanggal update {w['tanggal_update'] or '-'}")

    _reject(losers, located, make)
    return winners
