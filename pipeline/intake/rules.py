"""Every rule of the input tables that is not a cell's own (those are the expectation suites).

One function per rule, each returning the problems it finds (and, where rows
are thrown out, which).  The readers call the rules that one table can be
judged by; the rules that need two inputs at once are called by whoever holds
both: the Dagster assets in a run, ``lkjip validate`` when the file it checks
is one of them.  Nobody else raises a problem about an input.

=========================  ======================================  ===============================
rule                       function                                called by
=========================  ======================================  ===============================
total_mismatch             :func:`total_rows`                      the realisasi and referensi readers
required (money)           :func:`missing_money`                   the realisasi reader
duplicate_row/_superseded  :func:`duplicate_kegiatan`              the realisasi reader
realisasi_over_pagu/target :func:`sub_kegiatan_rows`               the realisasi reader
unknown_sub_kegiatan       :func:`sub_kegiatan_rows`               the realisasi reader
subtotal_mismatch          :func:`subtotals`                       the realisasi reader
missing_sub_kegiatan       :func:`missing_sub_kegiatan`            the realisasi reader
unknown_region             :func:`unknown_regions`                 the ODK reader
duplicate_superseded       :func:`duplicate_koperasi`              the ODK reader
budget_mismatch            :func:`budget_by_jenis`                 asset ``realisasi_anggaran``
iku_override               :func:`stated_iku`                      asset ``capaian_iku``; ``lkjip validate`` on a referensi
=========================  ======================================  ===============================

Money in messages is written with :mod:`pipeline.domain.formatting`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

import polars as pl

from pipeline.domain import budget
from pipeline.domain.formatting import number_id, percent_id, rupiah
from pipeline.domain.iku import IkuResult
from pipeline.domain.numbers import NumberError, parse_number
from pipeline.intake.sheets import ROW, Located
from pipeline.problems import WARNING, Problem, problem

if TYPE_CHECKING:
    from pipeline.intake.loading import Loaded
    from pipeline.intake.realisasi import RealisasiIntake
    from pipeline.intake.referensi import Referensi

TOLERANCE = 0.5  # rupiah
STATED_TOLERANCE = 0.005  # percent points: a stated IKU value this close to the computed one agrees
LEVEL = "level"
LEVEL_LABEL = {"program": "Program", "kegiatan": "Kegiatan", "sub_kegiatan": "Sub Kegiatan"}
MONEY_LABEL = {"pagu": "Pagu", "realisasi_anggaran": "Realisasi Anggaran"}
SUB_REQUIRED = ("pagu", "realisasi_anggaran")

Letters = Mapping[str, Mapping[str, str]]  # file -> field name -> column letter


def _at(letters: Letters, file: str, row: int, field_name: str) -> dict:
    return {"row": row, "col": letters.get(file, {}).get(field_name)}


# --- rules of one table ----------------------------------------------------------------


def total_rows(loaded: Loaded, columns: tuple[str, ...],
               rows_filter: Callable[[pl.DataFrame], pl.DataFrame] | None = None) -> list[Problem]:
    """Each JUMLAH/TOTAL row against the sum of the accepted rows above it (since the previous total)."""
    loc = loaded.located
    found: list[Problem] = []
    previous = 0
    for row, cells in loc.totals:
        block = loaded.rows.filter((pl.col(ROW) > previous) & (pl.col(ROW) < row))
        if rows_filter is not None:
            block = rows_filter(block)
        previous = row
        for column in columns:
            raw = cells.get(column)
            if raw is None:
                continue
            try:
                stated = parse_number(raw)
            except NumberError as exc:
                found.append(problem("number_invalid", file=loc.file, sheet=loc.sheet, **loc.at(row, column),
                                     column=loc.table.field(column).label, value=raw, reason=exc.reason,
                                     severity=WARNING))
                continue
            computed = float(block[column].sum() or 0)
            if stated is not None and abs(stated - computed) > TOLERANCE:
                found.append(problem("total_mismatch", file=loc.file, sheet=loc.sheet, **loc.at(row, column),
                                     column=loc.table.field(column).label, value=rupiah(stated),
                                     expected=rupiah(computed), label="JUMLAH"))
    return found


def missing_money(loc: Located, rows: pl.DataFrame) -> tuple[list[Problem], set[int]]:
    """Sub kegiatan rows without their money: an Error each, and the rows are rejected.

    Money is a fact of the sub kegiatan; program and kegiatan rows are subtotals
    the pipeline recomputes, so an empty subtotal there is fine (a blank
    template leaves them empty).  ``rows`` carry their ``level``.
    """
    found: list[Problem] = []
    missing: set[int] = set()
    subs = rows.filter(pl.col(LEVEL) == "sub_kegiatan")
    for name in SUB_REQUIRED:
        for row in subs.filter(pl.col(name).is_null())[ROW].to_list():
            found.append(problem("required", file=loc.file, sheet=loc.sheet, **loc.at(row, name),
                                 column=loc.table.field(name).label))
            missing.add(row)
    return found, missing


def _level_label(level: str) -> str:
    return {"program": "Program", "kegiatan": "Kegiatan", "sub_kegiatan": "Sub kegiatan"}.get(level, "Baris")


def duplicate_kegiatan(rows: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    """One row per code across every file of the period: the newest file wins, within a file the first row.

    ``rows`` carry file, sheet, ``_mtime`` (the file's time) and ``level``.
    Returns the winners and one Error per row not used (each is one rejected row of its file).
    """
    ordered = rows.sort(["_mtime", "file", ROW], descending=[True, True, False])
    winners = ordered.unique(subset=["kode"], keep="first", maintain_order=True)
    losers = ordered.join(winners.select("file", ROW), on=["file", ROW], how="anti")
    found: list[Problem] = []
    if losers.height:
        winner_of = {r["kode"]: r for r in winners.join(losers.select("kode").unique(), on="kode").iter_rows(named=True)}
        for loser in losers.iter_rows(named=True):
            winner = winner_of[loser["kode"]]
            same_file = winner["file"] == loser["file"]
            found.append(problem(
                "duplicate_row" if same_file else "duplicate_superseded",
                file=loser["file"], sheet=loser["sheet"], row=loser[ROW], column="Kode", value=loser["kode"],
                what=f"{_level_label(loser[LEVEL])} {loser['kode']}",
                expected=f"baris {winner[ROW]}" if same_file else f"{winner['file']} baris {winner[ROW]}",
            ))
    return winners, found


def _plain(value: float) -> str:
    return number_id(value, 2).rstrip("0").rstrip(",")


def sub_kegiatan_rows(rows: pl.DataFrame, letters: Letters, ref: Referensi) -> list[Problem]:
    """Per sub kegiatan row (``rows`` with file, sheet, level, bidang): realisasi above pagu or
    target, and a code the referensi's Bidang does not list."""
    found: list[Problem] = []
    for record in rows.filter(pl.col(LEVEL) == "sub_kegiatan").iter_rows(named=True):
        file, row = record["file"], record[ROW]
        where = {"file": file, "sheet": record["sheet"]}
        pagu, spent = record["pagu"], record["realisasi_anggaran"]
        if pagu is not None and spent is not None and spent > pagu + TOLERANCE:
            found.append(problem("realisasi_over_pagu", **where, **_at(letters, file, row, "realisasi_anggaran"),
                                 column="Realisasi Anggaran", value=rupiah(spent), expected=rupiah(pagu)))
        target, done = record["target"], record["realisasi"]
        if target is not None and done is not None and done > target:
            found.append(problem("realisasi_over_target", **where, **_at(letters, file, row, "realisasi"),
                                 column="Realisasi", value=_plain(done), expected=_plain(target)))
        if ref.bidang and record["bidang"] is None:
            found.append(problem("unknown_sub_kegiatan", **where, **_at(letters, file, row, "kode"),
                                 column="Kode", value=record["kode"]))
    return found


def subtotals(intake: RealisasiIntake) -> list[Problem]:
    """Program and kegiatan rows whose stated money differs from the sum of their sub kegiatan."""
    if intake.sub.height == 0 or intake.parents.height == 0:
        return []
    tree = budget.budget_tree(intake.sub, intake.names)
    stated = intake.parents.select(LEVEL, "kode", *SUB_REQUIRED, "file", "sheet", ROW)
    found = []
    for d in budget.subtotal_differences(stated, tree):
        found.append(problem("subtotal_mismatch", file=d["file"], sheet=d["sheet"],
                             **_at(intake.letters, d["file"], d[ROW], d["column"]),
                             column=MONEY_LABEL.get(d["column"], d["column"]), value=rupiah(d["stated"]),
                             expected=rupiah(d["computed"]), level=LEVEL_LABEL[d["level"]], code=d["kode"]))
    return found


def missing_sub_kegiatan(reported: set[str], ref: Referensi) -> list[Problem]:
    """Sub kegiatan that the referensi lists by their full code but nobody reported."""
    return [problem("missing_sub_kegiatan", file=ref.file, sheet="Bidang", value=code, expected=name)
            for code, name in ref.bidang if code.count(".") == 5 and code not in reported]


def unknown_regions(rows: pl.DataFrame, known_names: list[str], letters: Letters,
                    key: Callable[[str | None], str]) -> tuple[pl.DataFrame, list[Problem]]:
    """ODK rows whose Kabupaten/Kota is none of the referensi's Statistik (compared by ``key``):
    an Error each, and the rows are dropped; the others get the referensi's spelling."""
    known = {key(n): n for n in known_names}
    regions = {v: key(v) for v in rows["kabupaten"].drop_nulls().unique().to_list()}  # each name once
    keyed = rows.with_columns(pl.col("kabupaten").replace_strict(regions, default=None, return_dtype=pl.String)
                              .alias("_region"))
    keyed = keyed.with_columns(pl.col("_region").replace_strict(known, default=None, return_dtype=pl.String).alias("_canon"))
    bad = keyed.filter(pl.col("_canon").is_null() & pl.col("kabupaten").is_not_null())
    expected = ", ".join(sorted(known.values()))
    found = [problem("unknown_region", file=r["file"], sheet=r["sheet"], **_at(letters, r["file"], r[ROW], "kabupaten"),
                     column="Kabupaten/Kota", value=r["kabupaten"], expected=expected)
             for r in bad.iter_rows(named=True)]
    keyed = keyed.join(bad.select("file", ROW), on=["file", ROW], how="anti")
    return keyed.with_columns(pl.col("_canon").alias("kabupaten")).drop("_region", "_canon"), found


def duplicate_koperasi(rows: pl.DataFrame) -> tuple[pl.DataFrame, list[Problem]]:
    """One row per (NIK, Tahun Buku): the latest Tanggal Update wins, then the later file
    (``_order``), then the later row; an Error for each row not used."""
    ordered = rows.sort(["nik", "tahun_buku", "tanggal_update", "_order", ROW],
                        descending=[False, False, True, True, True], nulls_last=True)
    winners = ordered.unique(subset=["nik", "tahun_buku"], keep="first", maintain_order=True)
    losers = ordered.join(winners.select("file", ROW), on=["file", ROW], how="anti")
    if losers.height == 0:
        return winners, []
    winner_at = {(r["nik"], r["tahun_buku"]): r for r in winners.join(losers.select("nik", "tahun_buku").unique(),
                                                                     on=["nik", "tahun_buku"]).iter_rows(named=True)}
    found = []
    for record in losers.iter_rows(named=True):
        w = winner_at[(record["nik"], record["tahun_buku"])]
        found.append(problem(
            "duplicate_superseded", file=record["file"], sheet=record["sheet"], row=record[ROW], column="NIK",
            value=record["nik"], what=f"Koperasi NIK {record['nik']} tahun buku {record['tahun_buku']}",
            expected=f"{w['file']} baris {w[ROW]}, tanggal update {w['tanggal_update'] or '-'}"))
    return winners, found


# --- rules across inputs ------------------------------------------------------------------


def budget_by_jenis(ref: Referensi, intake: RealisasiIntake) -> list[Problem]:
    """The budget by jenis belanja (referensi) must add up to the pagu of all sub kegiatan (realisasi)."""
    if ref.anggaran.height == 0 or intake.sub.height == 0:
        return []
    by_type = float(ref.anggaran["pagu_pergeseran"].sum())
    by_sub = float(intake.sub["pagu"].sum())
    if abs(by_type - by_sub) > TOLERANCE:
        return [problem("budget_mismatch", file=ref.file, sheet="Anggaran", column="Pagu Pergeseran",
                        value=rupiah(by_type), expected=rupiah(by_sub))]
    return []


def stated_iku(ref: Referensi, result: IkuResult) -> list[Problem]:
    """A realisasi stated in the referensi that differs from what its formula gives (the stated one is used)."""
    found: list[Problem] = []
    for record in ref.iku.iter_rows(named=True):
        kode = record["kode_iku"]
        for year in sorted(y for (k, y) in result.computed if k == kode):
            computed, stated = result.computed[(kode, year)], ref.stated.get((kode, year))
            if stated is None or abs(computed - stated) <= STATED_TOLERANCE:
                continue
            sheet, row, col = ref.stated_at[(kode, year)]
            found.append(problem("iku_override", file=ref.file, sheet=sheet, row=row, col=col, column="Realisasi",
                                 value=percent_id(stated), expected=percent_id(computed),
                                 indicator=record["indikator"], year=year))
    return found


def stated_iku_alone(ref: Referensi) -> list[Problem]:
    """:func:`stated_iku` for the referensi on its own (``lkjip validate``): only the formulas
    whose data are all in the referensi (the Statistik sheet) can be compared."""
    from pipeline.domain.iku import compute_iku

    years = sorted({y for (_, y) in ref.stated})
    return stated_iku(ref, compute_iku(ref.iku, ref.stated, ref.statistik, pl.DataFrame(), years)) if years else []


# --- through the year ------------------------------------------------------------------------------


def cumulative_decreases(codes, year: int) -> list[Problem]:
    """Realisation is cumulative from January: a month's value below the last earlier month's is a
    ``Peringatan`` at its cell in the later month's file.  ``codes``: the year's
    :class:`~pipeline.intake.year.CodeSeries` (additive outputs of every level; realisasi anggaran of
    sub kegiatan; a percentage output is a level and may go down)."""
    from pipeline.domain import triwulan as tw
    from pipeline.domain.periods import MONTH_NAMES_ID

    found: list[Problem] = []
    for series in codes:
        checks = [("realisasi", "Realisasi")] if not series.is_level else []
        if series.level == "sub_kegiatan":
            checks.append(("realisasi_anggaran", "Realisasi Anggaran"))
        for name, label in checks:
            money = name == "realisasi_anggaran"
            for d in tw.drops(getattr(series, name), tolerance=TOLERANCE if money else 0.0):
                where = series.where[d.month]
                shown = rupiah if money else _plain_number
                found.append(problem(
                    "cumulative_decrease", file=where["file"], sheet=where["sheet"], row=where["row"],
                    col=where.get(name), column=label, value=shown(d.value), expected=shown(d.previous),
                    what=f"{LEVEL_LABEL.get(series.level, 'Baris')} {series.kode}",
                    month=f"{MONTH_NAMES_ID[d.month - 1]} {year}",
                    previous=f"{MONTH_NAMES_ID[d.previous_month - 1]} {year}",
                ))
    return found


def _plain_number(value: float) -> str:
    return number_id(value, 0) if float(value).is_integer() else number_id(value, 2)
