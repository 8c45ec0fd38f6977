"""Every rule of the input tables that is not a cell's own (those are the expectation suites).

One function per rule, each returning the problems it finds (and, where rows
are thrown out, which).  The readers call the rules that one table can be
judged by; the rules that need two inputs at once are called by whoever holds
both: the Dagster assets in a run, ``lkjip validate`` when the file it checks
is one of them.  Nobody else raises a problem about an input.

=========================  ======================================  ===============================
rule                       function                                called by
=========================  ======================================  ===============================
total_mismatch             :func:`total_rows` (in ``loading``)     the realisasi and referensi readers
required (money)           :func:`missing_money`                   the realisasi reader
duplicate_row/_superseded  :func:`duplicate_kegiatan`              the realisasi reader
realisasi_over_pagu/target :func:`sub_kegiatan_rows`               the realisasi reader
unknown_sub_kegiatan       :func:`sub_kegiatan_rows`               the realisasi reader
subtotal_mismatch          :func:`subtotals`                       the realisasi reader
missing_sub_kegiatan       :func:`missing_sub_kegiatan`            the realisasi reader
unknown_region/_ambiguous  :func:`unknown_regions`                 the ODK reader
duplicate_superseded       :func:`duplicate_koperasi`              the ODK reader
budget_mismatch            :func:`budget_by_jenis`                 asset ``realisasi_anggaran``
iku_override               :func:`stated_iku`                      asset ``capaian_iku``; ``lkjip validate`` on a referensi
iku_data_missing           :func:`iku_data_missing`                the referensi reader (Statistik), the ODK reader
sifat_without_key          :func:`sifat_rules`                     the referensi reader
=========================  ======================================  ===============================

Money in messages is written with :mod:`pipeline.domain.formatting`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

import polars as pl

from pipeline.domain import budget
from pipeline.domain.formatting import number_id, percent_id, rupiah
from pipeline.domain.iku import IkuResult
from pipeline.domain.regions import RegionError, RegionIndex
from pipeline.intake.loading import total_rows  # noqa: F401 - the rule of JUMLAH rows, beside load_table
from pipeline.intake.sheets import ROW, Located
from pipeline.problems import Problem, problem

# a pipeline.intake.referensi.Referensi: described, not imported (referensi.py calls these rules too)
Referensi = Any

TOLERANCE = 0.5  # rupiah
STATED_TOLERANCE = 0.005  # percent points: a stated IKU value this close to the computed one agrees
LEVEL = "level"
LEVEL_LABEL = {"program": "Program", "kegiatan": "Kegiatan", "sub_kegiatan": "Sub Kegiatan"}
MONEY_LABEL = {"pagu": "Pagu", "realisasi_anggaran": "Realisasi Anggaran"}
SUB_REQUIRED = ("pagu", "realisasi_anggaran")

Letters = Mapping[str, Mapping[str, str]]  # file -> field name -> column letter


class RealisasiIntake(Protocol):
    """What these rules read of a :class:`pipeline.intake.realisasi.RealisasiIntake` (described, not
    imported: realisasi.py calls these rules)."""

    sub: pl.DataFrame
    parents: pl.DataFrame
    stated: pl.DataFrame
    own_sub: pl.DataFrame
    letters: dict[str, dict[str, str]]
    received: dict[str, list]

    @property
    def names(self) -> dict[str, str]: ...


def _at(letters: Letters, file: str, row: int, field_name: str) -> dict:
    return {"row": row, "col": letters.get(file, {}).get(field_name)}


# --- rules of one table ----------------------------------------------------------------


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
    """Which rows of the period's files count: (kept rows, an Error per row not used).

    ``rows`` carry file, sheet, ``_mtime`` (the file's time), ``level``,
    ``program`` and ``kegiatan``.  A sub kegiatan belongs to the newest file
    that reports it; within a file the first row counts.  A program or kegiatan
    row is the subtotal of its own file's rows below it: two bidang under one
    program each state the program row above their own kegiatan, and both rows
    stand (the whole program is the sum over files).  Such a row is superseded
    only when every sub kegiatan under it in its file was superseded; a row
    with no sub kegiatan under it in its file counts only where no other file
    states that code.
    """
    ordered = rows.sort(["_mtime", "file", ROW], descending=[True, True, False])
    records = ordered.to_dicts()
    subs = [r for r in records if r[LEVEL] == "sub_kegiatan"]
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
    for r in records:
        if r[LEVEL] == "sub_kegiatan":
            continue
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
        else:  # all its rows now come from a newer file: name that file's row of this code
            newer = winner_of[children[0]["kode"]]
            losers.append((r, next((x for x in records if x["file"] == newer["file"] and x["kode"] == r["kode"]), newer)))
    stated = {r["kode"]: r for r in reversed(kept_parents)}
    for r in childless:
        if r["kode"] in stated:
            losers.append((r, stated[r["kode"]]))
        else:
            stated[r["kode"]] = r
            kept_parents.append(r)
    found: list[Problem] = []
    for loser, winner in losers:
        same_file = winner["file"] == loser["file"]
        found.append(problem(
            "duplicate_row" if same_file else "duplicate_superseded",
            file=loser["file"], sheet=loser["sheet"], row=loser[ROW], column="Kode", value=loser["kode"],
            what=f"{_level_label(loser[LEVEL])} {loser['kode']}",
            expected=f"baris {winner[ROW]}" if same_file else f"{winner['file']} baris {winner[ROW]}",
            where="di berkas yang lebih baru",
        ))
    kept = [*winner_of.values(), *kept_parents]
    return (pl.DataFrame(kept, schema=ordered.schema) if kept else ordered.clear()), found


def own_sub_kegiatan(rows: pl.DataFrame) -> pl.DataFrame:
    """Each file's own sub kegiatan rows (the first of a code within a file), superseded or not:
    what a program or kegiatan row of that file is the subtotal of."""
    ordered = rows.filter(pl.col(LEVEL) == "sub_kegiatan").sort(["_mtime", "file", ROW], descending=[True, True, False])
    return ordered.unique(subset=["file", "kode"], keep="first", maintain_order=True)


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
    """Program and kegiatan rows whose stated money differs from the sum of their own file's sub kegiatan.

    A stated row is a subtotal of the rows of its file: two bidang under one
    program each state the part of the program they report.
    """
    stated_all = intake.stated if intake.stated.height else intake.parents
    own_all = intake.own_sub if intake.own_sub.height else intake.sub
    if own_all.height == 0 or stated_all.height == 0:
        return []
    found = []
    for file in sorted(set(stated_all["file"].to_list())):
        tree = budget.budget_tree(own_all.filter(pl.col("file") == file), intake.names)
        stated = stated_all.filter(pl.col("file") == file).select(LEVEL, "kode", *SUB_REQUIRED, "file", "sheet", ROW)
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


def unknown_regions(rows: pl.DataFrame, known_names: list[str], letters: Letters) -> tuple[pl.DataFrame, list[Problem]]:
    """ODK rows whose Kabupaten/Kota is none of the referensi's Statistik, or cannot be told apart
    (``Malang`` when there are a Kabupaten and a Kota Malang): an Error each, and the rows are
    dropped; the others get the referensi's spelling (see :mod:`pipeline.domain.regions`)."""
    index = RegionIndex(known_names)
    resolved: dict[str, str | None] = {}
    candidates: dict[str, list[str]] = {}
    for name in rows["kabupaten"].drop_nulls().unique().sort().to_list():  # each name once
        try:
            resolved[name] = index.resolve(name)
        except RegionError as exc:
            resolved[name] = None
            candidates[name] = exc.candidates
    keyed = rows.with_columns(pl.col("kabupaten").replace_strict(resolved, default=None, return_dtype=pl.String)
                              .alias("_canon"))
    bad = keyed.filter(pl.col("_canon").is_null() & pl.col("kabupaten").is_not_null())
    expected = ", ".join(sorted(index.names))
    found = []
    for r in bad.iter_rows(named=True):
        where = dict(file=r["file"], sheet=r["sheet"], **_at(letters, r["file"], r[ROW], "kabupaten"),
                     column="Kabupaten/Kota", value=r["kabupaten"])
        if candidates.get(r["kabupaten"]):
            found.append(problem("region_ambiguous", **where, expected=" atau ".join(candidates[r["kabupaten"]])))
        else:
            found.append(problem("unknown_region", **where, expected=expected))
    keyed = keyed.join(bad.select("file", ROW), on=["file", ROW], how="anti")
    return keyed.with_columns(pl.col("_canon").alias("kabupaten")).drop("_canon"), found


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
        same_file = w["file"] == record["file"]
        found.append(problem(
            "duplicate_superseded", file=record["file"], sheet=record["sheet"], row=record[ROW], column="NIK",
            value=record["nik"], what=f"Koperasi NIK {record['nik']} tahun buku {record['tahun_buku']}",
            where="di berkas yang sama" if same_file else "di berkas lain",
            expected=(f"baris {w[ROW]}" if same_file else f"{w['file']} baris {w[ROW]}")
            + f", tanggal update {w['tanggal_update'] or '-'}"))
    return winners, found


# --- rules across inputs ------------------------------------------------------------------


def budget_by_jenis(ref: Referensi, intake: RealisasiIntake) -> list[Problem]:
    """The budget by jenis belanja (referensi) must add up to the pagu of all sub kegiatan (realisasi)."""
    if ref.anggaran.height == 0 or intake.sub.height == 0:
        return []
    by_type = float(ref.anggaran["pagu_pergeseran"].sum())
    by_sub = float(intake.sub["pagu"].sum())
    if abs(by_type - by_sub) > TOLERANCE:
        reported = {" ".join(name.split()).casefold() for name in intake.received}
        pending = [name for name in ref.bidang_names if " ".join(name.split()).casefold() not in reported]
        note = f" (bidang yang belum melapor: {', '.join(pending)})" if pending else ""
        return [problem("budget_mismatch", file=ref.file, sheet="Anggaran", column="Pagu Pergeseran",
                        value=rupiah(by_type), expected=rupiah(by_sub), pending=note)]
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
    :class:`~pipeline.domain.series.CodeSeries` (additive outputs of every level; realisasi anggaran of
    sub kegiatan; a percentage output is a level and may go down)."""
    from pipeline.domain.periods import MONTH_NAMES_ID

    found: list[Problem] = []
    labels = {"realisasi": "Realisasi", "realisasi_anggaran": "Realisasi Anggaran"}
    for series in codes:
        for name, d in series.drops:  # computed once per series (the early warnings read them too)
            money = name == "realisasi_anggaran"
            where = series.where[d.month]
            shown = rupiah if money else _plain_number
            found.append(problem(
                "cumulative_decrease", file=where["file"], sheet=where["sheet"], row=where["row"],
                col=where.get(name), column=labels[name], value=shown(d.value), expected=shown(d.previous),
                what=f"{LEVEL_LABEL.get(series.level, 'Baris')} {series.kode}",
                month=f"{MONTH_NAMES_ID[d.month - 1]} {year}",
                previous=f"{MONTH_NAMES_ID[d.previous_month - 1]} {year}",
            ))
    return found


def _plain_number(value: float) -> str:
    return number_id(value, 0) if float(value).is_integer() else number_id(value, 2)


# --- which inputs an office needs, how its outputs add up ----------------------------------------


def iku_data_missing(ref: Referensi, data: str, *, file: str) -> list[Problem]:
    """An ``Error`` on every IKU whose Sumber computes from ``data`` (``"statistik"`` or ``"odk"``),
    which is missing.  An office whose IKU do not need it gets none: the sheet or folder is optional."""
    from pipeline.domain.iku import DATA_LABEL, needs

    if ref.iku.height == 0:
        return []
    found = []
    for record in ref.iku.iter_rows(named=True):
        if data not in needs(record.get("sumber")):
            continue
        found.append(problem("iku_data_missing", file=file if data == "statistik" else ref.file,
                             sheet="IKU", row=record.get(ROW), column="Sumber", value=record["kode_iku"],
                             indicator=record.get("indikator") or "", sumber=record.get("sumber"),
                             expected=DATA_LABEL[data]))
    return found


def sifat_rules(rows: pl.DataFrame, *, file: str, sheet: str, letters: Mapping[str, str]):
    """The ``Sifat Indikator`` sheet as :class:`~pipeline.domain.sifat.SifatRules`; a row with
    neither Kode nor Satuan is an ``Error`` (rows whose Sifat is not one of the five were already
    rejected by the suite)."""
    from pipeline.domain.codes import CodeError, parse_code
    from pipeline.domain.sifat import SifatRules, normalize_sifat

    by_kode: dict[str, str] = {}
    by_satuan: dict[str, str] = {}
    found: list[Problem] = []
    for record in rows.iter_rows(named=True):
        sifat = normalize_sifat(record.get("sifat"))
        if sifat is None:
            continue
        kode = " ".join(str(record.get("kode") or "").split())
        satuan = " ".join(str(record.get("satuan") or "").split()).casefold()
        if kode:
            try:
                kode = parse_code(kode).text  # a nomenclature code as the files write it; else a Kode IKU
            except CodeError:
                pass
            by_kode[kode] = sifat
        elif satuan:
            by_satuan[satuan] = sifat
        else:
            found.append(problem("sifat_without_key", file=file, sheet=sheet, row=record.get(ROW),
                                 col=letters.get("kode"), column="Kode"))
    return SifatRules(by_kode, by_satuan), found
