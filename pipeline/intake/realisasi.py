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

from pipeline.domain.periods import Period, PeriodError, period_from_path, period_from_title_block
from pipeline.intake.checks import check_total_rows
from pipeline.intake.files import OTHER_PERIOD, REJECTED, discover
from pipeline.intake.loading import SourceFile, load_table, open_sources
from pipeline.intake.referensi import Referensi
from pipeline.intake.sheets import ROW
from pipeline.intake.tables import REALISASI
from pipeline.problems import Problem, problem
from pipeline.report.format import number_id, rupiah

LEVEL = "level"
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
    # every program/kegiatan row that stands (one per file that states it), and each file's own
    # sub kegiatan: a stated row is the subtotal of its own file's rows
    stated: pl.DataFrame = field(default_factory=pl.DataFrame)
    own_sub: pl.DataFrame = field(default_factory=pl.DataFrame)

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


SUB_REQUIRED = ("pagu", "realisasi_anggaran")


def _missing_facts(source: SourceFile, loc, rows: pl.DataFrame) -> set[int]:
    """Sub kegiatan rows without their money: an Error each, and the rows are rejected.

    Money is a fact of the sub kegiatan; program and kegiatan rows are subtotals
    the pipeline recomputes, so an empty subtotal there is fine (a blank
    template leaves them empty).
    """
    missing: set[int] = set()
    subs = rows.filter(pl.col(LEVEL) == "sub_kegiatan")
    for name in SUB_REQUIRED:
        for row in subs.filter(pl.col(name).is_null())[ROW].to_list():
            label = REALISASI.field(name).label
            source.problems.append(problem("required", file=source.report.file, sheet=loc.sheet,
                                           cell=loc.cell(row, name), column=label))
            missing.add(row)
    return missing


def read_file(source: SourceFile) -> tuple[Period | None, pl.DataFrame | None]:
    """Rows of one realisation file with their period (None when the file is rejected)."""
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
    missing = _missing_facts(source, loaded.located, rows)
    if missing:
        rows = rows.filter(~pl.col(ROW).is_in(sorted(missing)))
    rows = rows.with_columns(
        pl.lit(source.report.file).alias("file"),
        pl.lit(loaded.located.sheet).alias("sheet"),
        pl.lit(source.report.modified.timestamp()).alias("_mtime"),
        # column letters, so findings made after the files are closed still name a cell
        *(pl.lit(loaded.located.columns.get(name), dtype=pl.String).alias(f"_col_{name}") for name in MONEY),
    )
    source.report.period = str(period)
    source.problems.extend(check_total_rows(loaded, ("pagu", "realisasi_anggaran"),
                                            lambda block: _with_levels(block).filter(pl.col(LEVEL) == "sub_kegiatan")))
    source.report.count(read, len(loaded.rejected) + len(missing))
    source.located = loaded.located
    return period, rows


def read_realisasi(inputs: Path, ref: Referensi, period: str | None = None,
                   paths: list[Path] | None = None) -> RealisasiIntake:
    """Read every realisation file (or just ``paths``); keep the rows of ``period`` (default: the latest found)."""
    paths = discover(inputs, "realisasi") if paths is None else paths
    sources = open_sources(inputs, "realisasi", paths)
    per_file: list[tuple[SourceFile, Period, pl.DataFrame]] = []
    for source in sources:
        if not source.readable:
            continue
        found_period, rows = read_file(source)
        if found_period is not None:
            per_file.append((source, found_period, rows))
    chosen = period or (str(max(p for _, p, _ in per_file)) if per_file else None)
    intake = RealisasiIntake(period=chosen or "", sub=_empty_sub(), parents=_empty_sub(), sources=sources)
    frames = []
    for source, found_period, rows in per_file:
        if str(found_period) != chosen:
            source.report.status = OTHER_PERIOD
            source.report.note = f"periode {found_period}: tidak dipakai untuk {chosen}"
            continue
        frames.append(rows)
    if frames:
        _combine(intake, pl.concat(frames, how="diagonal_relaxed"), ref)
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
    """Deduplicate across files (newest wins), attach bidang, run cross-checks."""
    by_file = {s.report.file: s for s in intake.sources}
    rows = rows.with_columns(
        pl.col("kode").map_elements(lambda c: ref.bidang_of(c), return_dtype=pl.String).alias("bidang")
    )
    # newest file first; within a file, the first row wins
    rows = rows.sort(["_mtime", "file", ROW], descending=[True, True, False])
    kept, own, losers = _choose(rows.to_dicts())
    for loser, winner in losers:
        source = by_file[loser["file"]]
        same_file = winner["file"] == loser["file"]
        source.problems.append(problem(
            "duplicate_row" if same_file else "duplicate_superseded",
            file=loser["file"], sheet=loser["sheet"], cell=f"baris {loser[ROW]}", column="Kode", value=loser["kode"],
            what=f"{_level_label(loser[LEVEL])} {loser['kode']}",
            expected=f"baris {winner[ROW]}" if same_file else f"{winner['file']} baris {winner[ROW]}",
            where="di berkas yang lebih baru",
        ))
        source.report.rows_accepted -= 1
        source.report.rows_rejected += 1
    frame = pl.DataFrame(kept, schema=rows.schema).drop("_mtime") if kept else rows.clear().drop("_mtime")
    subs = frame.filter(pl.col(LEVEL) == "sub_kegiatan").sort(["kode"], maintain_order=True)
    stated = frame.filter(pl.col(LEVEL) != "sub_kegiatan")
    intake.sub = subs
    intake.stated = stated
    # one program/kegiatan row per code for names and indicators: the newest file's
    intake.parents = stated.unique(subset=["kode"], keep="first", maintain_order=True).sort(["kode"], maintain_order=True)
    intake.own_sub = (pl.DataFrame(own, schema=rows.schema).drop("_mtime") if own else subs.clear())
    winners = frame

    # a file's bidang are those of all its rows: a file superseded by a newer one still came from its bidang
    for record in rows.iter_rows(named=True):
        source = by_file[record["file"]]
        if record["bidang"] and record["bidang"] not in source.report.bidang:
            source.report.bidang.append(record["bidang"])
    for record in winners.iter_rows(named=True):
        _row_checks(by_file[record["file"]], record, ref)
    for source in intake.sources:
        if source.report.status == REJECTED or source.report.period != intake.period:
            continue
        for name in source.report.bidang or ["(tanpa bidang)"]:
            intake.received.setdefault(name, []).append(source)
    _missing_expected(intake, ref)


def _choose(records: list[dict]) -> tuple[list[dict], list[dict], list[tuple[dict, dict]]]:
    """Which rows count: (kept rows, each file's own sub kegiatan, [(loser, the row it lost to)]).

    ``records`` come newest file first.  A sub kegiatan belongs to the first
    file that reports it (the newest); the others are superseded, and the same
    code twice in one file keeps its first row.  A program or kegiatan row is
    the subtotal of its own file's rows below it: two bidang under one program
    each state the program row above their own kegiatan, and both rows stand
    (the program's total is the sum over files).  Such a row is superseded only
    when every sub kegiatan under it in its file was superseded; a row with no
    sub kegiatan under it in its file counts only where no other file states
    that code.
    """
    subs = [r for r in records if r[LEVEL] == "sub_kegiatan"]
    parents = [r for r in records if r[LEVEL] != "sub_kegiatan"]
    losers: list[tuple[dict, dict]] = []
    winner_of: dict[str, dict] = {}
    own: list[dict] = []
    first_in_file: dict[tuple[str, str], dict] = {}
    for r in subs:
        here = first_in_file.get((r["file"], r["kode"]))
        if here is not None:
            losers.append((r, here))  # twice in one file
            continue
        first_in_file[(r["file"], r["kode"])] = r
        own.append(r)
        if r["kode"] in winner_of:
            losers.append((r, winner_of[r["kode"]]))
        else:
            winner_of[r["kode"]] = r
    below: dict[tuple[str, str], list[dict]] = {}  # (file, parent code) -> its own sub kegiatan
    for r in own:
        for code in (r["program"], r["kegiatan"]):
            below.setdefault((r["file"], code), []).append(r)
    kept_parents: list[dict] = []
    childless: list[dict] = []
    for r in parents:
        key = (r["file"], r["kode"])
        here = first_in_file.get(key)
        if here is not None:
            losers.append((r, here))
            continue
        first_in_file[key] = r
        children = below.get(key)
        if not children:
            childless.append(r)
        elif any(winner_of[c["kode"]] is c for c in children):
            kept_parents.append(r)
        else:  # all its rows now come from a newer file
            losers.append((r, _same_level(r, winner_of[children[0]["kode"]], records)))
    stated = {r["kode"]: r for r in reversed(kept_parents)}
    for r in childless:
        if r["kode"] in stated:
            losers.append((r, stated[r["kode"]]))
        else:
            stated[r["kode"]] = r
            kept_parents.append(r)
    kept = [*winner_of.values(), *kept_parents]
    return kept, own, losers


def _same_level(parent: dict, sub: dict, records: list[dict]) -> dict:
    """The row of ``parent``'s code in the file that now holds ``sub`` (else ``sub`` itself)."""
    return next((r for r in records if r["file"] == sub["file"] and r["kode"] == parent["kode"]), sub)


def _level_label(level: str) -> str:
    return {"program": "Program", "kegiatan": "Kegiatan", "sub_kegiatan": "Sub kegiatan"}.get(level, "Baris")


def _row_checks(source: SourceFile, record: dict, ref: Referensi) -> None:
    loc = source.located
    where = {"file": record["file"], "sheet": record["sheet"]}
    if record[LEVEL] != "sub_kegiatan":
        return
    pagu, spent = record["pagu"], record["realisasi_anggaran"]
    if pagu is not None and spent is not None and spent > pagu + 0.5:
        source.problems.append(problem("realisasi_over_pagu", **where, cell=loc.cell(record[ROW], "realisasi_anggaran"),
                                       column="Realisasi Anggaran", value=rupiah(spent), expected=rupiah(pagu)))
    target, done = record["target"], record["realisasi"]
    if target is not None and done is not None and done > target:
        source.problems.append(problem("realisasi_over_target", **where, cell=loc.cell(record[ROW], "realisasi"),
                                       column="Realisasi", value=number_id(done, 2).rstrip("0").rstrip(","),
                                       expected=number_id(target, 2).rstrip("0").rstrip(",")))
    if ref.bidang and record["bidang"] is None:
        source.problems.append(problem("unknown_sub_kegiatan", **where, cell=loc.cell(record[ROW], "kode"),
                                       column="Kode", value=record["kode"]))


def _missing_expected(intake: RealisasiIntake, ref: Referensi) -> None:
    """Sub kegiatan that the referensi lists by their full code but nobody reported."""
    reported = set(intake.sub["kode"].to_list())
    for code, name in ref.bidang:
        if code.count(".") == 5 and code not in reported:
            intake.problems.append(problem("missing_sub_kegiatan", file=ref.file, sheet="Bidang", value=code, expected=name))


def stated_subtotals(intake: RealisasiIntake) -> pl.DataFrame:
    return intake.parents.select(LEVEL, "kode", "pagu", "realisasi_anggaran", "file", "sheet", ROW)


def latest_period(inputs: Path) -> str | None:
    """The latest month for which any realisation file exists (title block or folder)."""
    from pipeline.intake.sheets import Located, find_table

    found: list[Period] = []
    for source in open_sources(inputs, "realisasi", discover(inputs, "realisasi")):
        if not source.readable:
            continue
        located = find_table(REALISASI, source.sheets, file=source.report.file)
        if isinstance(located, Located):
            period = file_period(source, located.title)
            if isinstance(period, Period):
                found.append(period)
    return str(max(found)) if found else None
