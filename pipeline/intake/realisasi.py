"""The bidang's monthly realisation workbooks.

Money and outputs are facts of sub kegiatan rows; program and kegiatan rows
are subtotals (recomputed, differences reported) and carry the program and
kegiatan names and indicators.  The same sub kegiatan reported twice for one
period is a conflict: the newest file wins and the other row is reported.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.domain.sifat import SifatRules
from pipeline.domain.periods import Period, PeriodError, period_from_path, period_from_title_block
from pipeline.domain.series import YearFigures
from pipeline.intake import rules
from pipeline.intake.files import OTHER_PERIOD, REJECTED, discover
from pipeline.intake.loading import SourceFile, load_table, open_sources
from pipeline.intake.referensi import Referensi
from pipeline.intake.sheets import ROW
from pipeline.intake.tables import REALISASI
from pipeline.problems import Problem, problem
from pipeline.settings import Settings

LEVEL = rules.LEVEL
FACTS = ["indikator", "satuan", "target", "realisasi", "pagu", "realisasi_anggaran"]
MONEY = ("pagu", "realisasi_anggaran")


@dataclass
class RealisasiIntake:
    """Everything the bidang reported for one period."""

    period: str
    sub: pl.DataFrame  # one row per sub kegiatan (the facts)
    parents: pl.DataFrame  # one program and kegiatan row per code, as stated (names, indicators)
    sources: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    received: dict[str, list[SourceFile]] = field(default_factory=dict)  # bidang -> files for the period
    letters: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> field -> column letter
    sifat: SifatRules = field(default_factory=SifatRules)  # the referensi's Sifat Indikator
    # every program/kegiatan row that stands (one per file that states it), and each file's own
    # sub kegiatan: a stated row is the subtotal of its own file's rows
    stated: pl.DataFrame = field(default_factory=pl.DataFrame)
    own_sub: pl.DataFrame = field(default_factory=pl.DataFrame)
    # through the year (pipeline/intake/year.py): the intakes of the earlier months of the period's year
    # and of December of the Renstra's earlier years, by period ("2024-03"); empty for a single month
    earlier: dict[str, RealisasiIntake] = field(default_factory=dict)
    # the series per code of those months (pipeline.intake.year.year_figures), made once by read_year
    year: YearFigures | None = None
    # where SIPD gives the budget: each difference between the bidang's and SIPD's figures
    # (pipeline.domain.sipd.Difference), set by pipeline/intake/sipd.py
    rekonsiliasi: list = field(default_factory=list)

    @property
    def names(self) -> dict[str, str]:
        return {r["kode"]: r["uraian"] for r in self.parents.iter_rows(named=True) if r["uraian"]}


def file_period(source: SourceFile, title: list[list[str]]) -> Period | Problem:
    """The period of a file: its title block, else its folder; both must agree."""
    relative = Path(source.report.file)
    folder = period_from_path(relative.as_posix())
    try:
        stated = period_from_title_block(title)
    except PeriodError as exc:
        return problem("period_ambiguous", file=source.report.file, reason=str(exc))
    if stated and folder and stated != folder:
        return problem("period_conflict", file=source.report.file, value=stated.label_id(), expected=folder.label_id())
    if stated or folder:
        return stated or folder
    return problem("period_missing", file=source.report.file)


def _with_levels(rows: pl.DataFrame) -> pl.DataFrame:
    """Level, program and kegiatan of each row, from its (already normalised) code."""
    parts = pl.col("kode").str.split(".")
    n = parts.list.len()
    return rows.with_columns(
        pl.when(n == 3).then(pl.lit("program")).when(n == 5).then(pl.lit("kegiatan"))
        .when(n == 6).then(pl.lit("sub_kegiatan")).alias(LEVEL),
        parts.list.head(3).list.join(".").alias("program"),
        pl.when(n >= 5).then(parts.list.head(5).list.join(".")).alias("kegiatan"),
    )


def read_file(source: SourceFile, money_optional: bool = False) -> tuple[Period | None, pl.DataFrame | None]:
    """Rows of one realisation file with their period (None when the file is rejected).

    ``money_optional``: SIPD exports are in the drop folder, so a sub kegiatan row may leave
    its pagu and realisasi anggaran empty (SIPD gives them)."""
    loaded = load_table(source, REALISASI)
    if loaded is None:
        return None, None
    read = loaded.located.rows_read
    period = file_period(source, loaded.located.title)
    if isinstance(period, Problem):
        source.reject(period)
        source.report.count(read, read)
        return None, None
    rows = _with_levels(loaded.rows)
    found, missing = rules.missing_money(loaded.located, rows) if not money_optional else ([], set())
    source.problems.extend(found)
    if missing:
        rows = rows.filter(~pl.col(ROW).is_in(sorted(missing)))
    rows = rows.with_columns(
        pl.lit(source.report.file).alias("file"),
        pl.lit(loaded.located.sheet).alias("sheet"),
        pl.lit(source.report.modified.timestamp()).alias("_mtime"),
    )
    source.report.period = str(period)
    source.problems.extend(rules.total_rows(loaded, MONEY,
                                            lambda block: _with_levels(block).filter(pl.col(LEVEL) == "sub_kegiatan")))
    source.report.count(read, len(loaded.rejected) + len(missing))
    source.located = loaded.located
    return period, rows


FileRows = tuple[SourceFile, Period, pl.DataFrame]


def read_sources(inputs: Path, paths: list[Path] | None = None, money_optional: bool | None = None, *,
                 settings: Settings | None = None) -> tuple[list[SourceFile], list[FileRows]]:
    """Open and read every realisation file (or just ``paths``) once: the sources, and the rows
    of each accepted file with its period.  ``money_optional`` (default: SIPD exports are in the
    drop folder): a sub kegiatan row may leave its budget empty."""
    paths = discover(inputs, "realisasi") if paths is None else paths
    sources = open_sources(inputs, "realisasi", paths, settings=settings)
    if money_optional is None:
        money_optional = bool(discover(inputs, "sipd"))  # SIPD gives the budget: the bidang may leave it empty
    per_file: list[FileRows] = []
    for source in sources:
        if not source.readable:
            continue
        found_period, rows = read_file(source, money_optional)
        if found_period is not None:
            per_file.append((source, found_period, rows))
    return sources, per_file


def period_intake(period: str, sources: list[SourceFile], per_file: list[FileRows], ref: Referensi) -> RealisasiIntake:
    """The rows of one period, deduplicated across its files and checked (problems go to the sources)."""
    intake = RealisasiIntake(period=period, sub=_empty_sub(), parents=_empty_sub(), sources=sources, sifat=ref.sifat)
    frames = []
    for source, found_period, rows in per_file:
        if str(found_period) == period:
            frames.append(rows)
            intake.letters[source.report.file] = dict(source.located.columns)
    if frames:
        _combine(intake, pl.concat(frames, how="diagonal_relaxed"), ref)
    return intake


def mark_other_periods(per_file: list[FileRows], period: str, note: str = "tidak dipakai untuk {period}") -> None:
    for source, found_period, _ in per_file:
        if str(found_period) != period:
            source.report.status = OTHER_PERIOD
            source.report.note = f"periode {found_period}: " + note.format(period=period, found=found_period)


def read_realisasi(inputs: Path, ref: Referensi, period: str | None = None,
                   paths: list[Path] | None = None, money_optional: bool | None = None, *,
                   settings: Settings | None = None) -> RealisasiIntake:
    """Read every realisation file (or just ``paths``); keep the rows of ``period`` (default: the latest found)."""
    sources, per_file = read_sources(inputs, paths, money_optional, settings=settings)
    chosen = period or (str(max(p for _, p, _ in per_file)) if per_file else None)
    mark_other_periods(per_file, chosen or "")
    intake = period_intake(chosen or "", sources, per_file, ref)
    for source in sources:
        intake.problems.extend(source.problems)
    return intake


def _empty_sub() -> pl.DataFrame:
    return pl.DataFrame(schema={
        "kode": pl.String, "uraian": pl.String, "indikator": pl.String, "satuan": pl.String,
        "target": pl.Float64, "realisasi": pl.Float64, "pagu": pl.Float64, "realisasi_anggaran": pl.Float64,
        LEVEL: pl.String, "program": pl.String, "kegiatan": pl.String, "file": pl.String, "sheet": pl.String,
        ROW: pl.Int64, "bidang": pl.String,
    })


def _combine(intake: RealisasiIntake, rows: pl.DataFrame, ref: Referensi) -> None:
    """Deduplicate across files (newest wins), attach bidang, run the rules across rows and files."""
    by_file = {s.report.file: s for s in intake.sources}
    rows = rows.with_columns(
        pl.col("kode").map_elements(lambda c: ref.bidang_of(c), return_dtype=pl.String).alias("bidang")
    )
    winners, duplicates = rules.duplicate_kegiatan(rows)
    for found in duplicates:
        source = by_file[found.file]
        source.problems.append(found)
        source.report.rows_accepted -= 1
        source.report.rows_rejected += 1
    winners = winners.drop("_mtime")
    intake.sub = winners.filter(pl.col(LEVEL) == "sub_kegiatan").sort(["kode"], maintain_order=True)
    intake.stated = winners.filter(pl.col(LEVEL) != "sub_kegiatan")
    # one program/kegiatan row per code for names and indicators: the newest file's
    intake.parents = intake.stated.unique(subset=["kode"], keep="first", maintain_order=True).sort(
        ["kode"], maintain_order=True)
    intake.own_sub = rules.own_sub_kegiatan(rows).drop("_mtime")

    # a file's bidang are those of its sub kegiatan rows (a program or kegiatan row another bidang's file
    # repeats as a subtotal header credits nobody); a file superseded by a newer one still came from its
    # bidang.  Only a file without any sub kegiatan row is attributed by its other rows.
    for record in file_bidang(rows).iter_rows(named=True):
        report = by_file[record["file"]].report
        if record["bidang"] and record["bidang"] not in report.bidang:
            report.bidang.append(record["bidang"])
    for found in rules.sub_kegiatan_rows(winners, intake.letters, ref) + rules.subtotals(intake):
        by_file[found.file].problems.append(found)
    for source in intake.sources:
        if source.report.status == REJECTED or source.report.period != intake.period:
            continue
        for name in source.report.bidang or ["(tanpa bidang)"]:
            intake.received.setdefault(name, []).append(source)
    intake.problems.extend(rules.missing_sub_kegiatan(set(intake.sub["kode"].to_list()), ref))


def file_periods(inputs: Path, paths: list[Path], *, settings: Settings | None = None) -> dict[Path, Period | None]:
    """The period the run reads for each realisation file, or None when the run would not
    use the file (refused, unreadable, no table, no period, or title and folder disagree).

    Light: the same safety checks, sandboxed reading, table search and
    :func:`file_period` as :func:`read_realisasi`, without casting or validating rows.
    """
    from pipeline.intake.sheets import Located, find_table

    found: dict[Path, Period | None] = {Path(p): None for p in paths}
    for source in open_sources(inputs, "realisasi", [Path(p) for p in paths], settings=settings):
        if not source.readable:
            continue
        located = find_table(REALISASI, source.sheets, file=source.report.file)
        if isinstance(located, Located):
            period = file_period(source, located.title)
            if isinstance(period, Period):
                found[Path(source.path)] = period
    return found


def latest_period(inputs: Path, *, settings: Settings | None = None) -> str | None:
    """The latest month for which any realisation file exists (title block or folder)."""
    found = [p for p in file_periods(inputs, discover(inputs, "realisasi"), settings=settings).values() if p is not None]
    return str(max(found)) if found else None


def file_bidang(rows: pl.DataFrame) -> pl.DataFrame:
    """(file, bidang) pairs in row order: the bidang of each file's sub kegiatan rows; a file
    without sub kegiatan rows takes the bidang of its program and kegiatan rows."""
    is_sub = pl.col(LEVEL) == "sub_kegiatan"
    has_sub = is_sub.any().over("file")
    return rows.filter(is_sub | ~has_sub).select("file", "bidang").unique(maintain_order=True)
