"""SIPD exports: the Pemda's Laporan Realisasi Anggaran, one row per sub kegiatan and rekening.

Read with the same sandboxed reader, header detection and casting as every
input (``sipd/*.xlsx`` or ``.csv``), validated by ``expectations/sipd.json``.
Then, per file: the cut-off date (a ``Tanggal`` column, else the title block's
date or month, else a ``YYYY-MM`` folder), the rows of this OPD (a Pemda-wide
export is split by ``Kode SKPD``), realisasi above pagu; across the files of one
cut-off date: duplicated rekening rows.  :func:`apply_to_realisasi` makes SIPD's
figures the budget of the bidang's sub kegiatan rows (see
:func:`pipeline.domain.sipd.apply_sipd`) and reports every difference.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import polars as pl

from pipeline.domain import sipd as domain
from pipeline.domain.formatting import rupiah
from pipeline.domain.periods import Period, PeriodError, date_label_id, period_from_path, period_from_title_block
from pipeline.intake.files import OTHER_PERIOD, REJECTED, discover
from pipeline.intake.loading import SourceFile, load_table, open_sources
from pipeline.intake.sheets import ROW, Located
from pipeline.intake.tables import SIPD
from pipeline.problems import Problem, problem
from pipeline.settings import Settings

if TYPE_CHECKING:
    from pipeline.intake.realisasi import RealisasiIntake
    from pipeline.intake.referensi import Referensi

KIND = "sipd"
CUTOFF = "tanggal_posisi"
_COLUMNS = ("kode", "uraian", "kode_akun", "nama_akun", "pagu", "realisasi_anggaran", "kode_skpd", "file", "sheet",
            ROW, CUTOFF)


@dataclass
class SipdIntake:
    """The rekening rows of this OPD from every SIPD export, and which export the period uses."""

    rows: pl.DataFrame  # accepted rows: _COLUMNS
    sources: list[SourceFile] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    letters: dict[str, dict[str, str]] = field(default_factory=dict)  # file -> field -> column letter
    period: str = ""
    cutoff: dt.date | None = None  # the export the period uses (None: SIPD does not give this year's budget)
    # the Pemda's own export the period uses (sipd/ beside pemda/): its file under the Pemda's folder ->
    # Kode SKPD -> rows, so that Bappeda's rekap can list the rows of an SKPD that no OPD uses
    pemda_skpd: dict[str, dict[str, int]] = field(default_factory=dict)
    pemda_sources: list[SourceFile] = field(default_factory=list)  # those of ``sources`` from the Pemda's sipd/

    @property
    def own_sources(self) -> list[SourceFile]:
        """The exports of the OPD's own drop folder (the Pemda's export is no arrival of the OPD's)."""
        theirs = {id(s) for s in self.pemda_sources}
        return [s for s in self.sources if id(s) not in theirs]

    @property
    def present(self) -> bool:
        return self.cutoff is not None

    def rows_at(self, cutoff: dt.date | None) -> pl.DataFrame:
        if cutoff is None or self.rows.height == 0:
            return self.rows.clear()
        return self.rows.filter(pl.col(CUTOFF) == cutoff)

    @property
    def used(self) -> pl.DataFrame:
        """The rekening rows of the export the period uses."""
        return self.rows_at(self.cutoff)

    @property
    def files(self) -> list[str]:
        return sorted(set(self.used["file"].to_list())) if self.present else []

    def month_rows(self, period: Period) -> pl.DataFrame:
        """An earlier month's rows: the latest export whose cut-off date is within that month (none: empty)."""
        if self.rows.height == 0:
            return self.rows
        dates = [d for d in self.rows[CUTOFF].unique().to_list() if domain.in_month(d, period)]
        return self.rows_at(max(dates)) if dates else self.rows.clear()

    def jenis_belanja(self) -> pl.DataFrame:
        """Tabel 2.3 from the rekening codes of the export the period uses."""
        return domain.by_jenis_belanja(self.used)


def _empty() -> pl.DataFrame:
    return pl.DataFrame(schema={"kode": pl.String, "uraian": pl.String, "kode_akun": pl.String,
                                "nama_akun": pl.String, "pagu": pl.Float64, "realisasi_anggaran": pl.Float64,
                                "kode_skpd": pl.String, "file": pl.String, "sheet": pl.String, ROW: pl.Int64,
                                CUTOFF: pl.Date})


def read_sipd(inputs: Path, ref: Referensi, period: str | None = None, paths: list[Path] | None = None, *,
              settings: Settings | None = None, pemda: Path | None = None) -> SipdIntake:
    """Read every SIPD export (or just ``paths``); with ``period``, choose the export it uses.
    ``pemda``: the Pemda's folder of an OPD, whose ``sipd/`` (one export for the whole Pemda) is read
    after the OPD's own exports (which win a rekening both hold), shown as ``../sipd/...``."""
    paths = discover(inputs, KIND) if paths is None else paths
    own = open_sources(inputs, KIND, paths, settings=settings)
    theirs = open_sources(pemda, KIND, discover(pemda, KIND), settings=settings, shown_from="../") if pemda else []
    intake = SipdIntake(rows=_empty(), sources=own + theirs, period=period or "", pemda_sources=theirs)
    frames, pemda_skpd = [], {}
    for source, of_pemda in [(s, False) for s in own] + [(s, True) for s in theirs]:
        if source.readable:
            skpd: list[tuple[dt.date, dict[str, int]]] = []
            rows = _read_file(source, ref, skpd)
            if skpd and of_pemda:
                pemda_skpd[Path(source.path).relative_to(pemda).as_posix()] = skpd[0]
            if rows is not None:
                intake.letters[source.report.file] = dict(source.located.columns)
                frames.append(rows)
    if frames:
        intake.rows = _dedupe(pl.concat(frames, how="vertical_relaxed"), intake.sources)
    if period:
        _choose(intake, Period.parse(period))
        chosen = domain.choose_cutoff([cutoff for cutoff, _ in pemda_skpd.values()], Period.parse(period))
        intake.pemda_skpd = {file: rows for file, (cutoff, rows) in pemda_skpd.items() if cutoff == chosen}
    for source in intake.sources:
        intake.problems.extend(source.problems)
    return intake


def _header_at(loc: Located, name: str) -> dict:
    return {"row": loc.header_rows[-1], "col": loc.columns.get(name)}


def _cutoff(source: SourceFile, loc: Located, rows: pl.DataFrame) -> dt.date | None:
    """The cut-off date: the Tanggal column, else a date or month in the title block, else the folder."""
    stated = rows["tanggal"].drop_nulls()
    if stated.len():
        return stated.max()
    found = domain.cutoff_from_title(loc.title)
    if found is not None:
        return found
    try:
        month = period_from_title_block(loc.title)
    except PeriodError:
        month = None
    month = month or period_from_path(source.report.file)
    return month.end_date if month is not None else None


def _read_file(source: SourceFile, ref: Referensi, skpd: list) -> pl.DataFrame | None:
    """The accepted rows of one export that belong to this OPD, or None when the file is not used;
    ``skpd`` gets the export's cut-off date and its number of rows of each Kode SKPD."""
    loaded = load_table(source, SIPD)
    if loaded is None:
        return None
    loc, read = loaded.located, loaded.located.rows_read
    source.located = loc
    file, sheet = source.report.file, loc.sheet

    def refuse(found: Problem) -> None:
        source.reject(found)
        source.report.count(read, read)

    if "realisasi_anggaran" not in loc.columns:
        if "realisasi_rencana" in loc.columns:
            refuse(problem("sipd_realisasi_rencana", file=file, sheet=sheet, **_header_at(loc, "realisasi_rencana"),
                           column="realisasi_rencana", value=_header_text(loc, "realisasi_rencana")))
        else:
            refuse(problem("sipd_realisasi_missing", file=file, sheet=sheet, row=loc.header_rows[-1],
                           column="Realisasi"))
        return None
    rows = loaded.rows
    cutoff = _cutoff(source, loc, rows)
    if cutoff is None:
        refuse(problem("sipd_date_missing", file=file, sheet=sheet))
        return None

    # the rows of this OPD: a Pemda-wide export holds several Kode SKPD
    rows = rows.with_columns(pl.col("kode_skpd").str.replace_all(r"\s+", "").str.to_lowercase()
                             .replace("", None).alias("kode_skpd"))  # as domain.normalize_skpd, column-wise
    counts = {code: n for code, n in rows["kode_skpd"].value_counts().iter_rows() if code}
    skpd.append((cutoff, counts))
    codes = sorted(counts)
    other = 0
    own = domain.normalize_skpd(getattr(ref, "kode_skpd", None))
    if own is not None and codes:
        mine = rows.filter(pl.col("kode_skpd").is_null() | (pl.col("kode_skpd") == own))
        other = rows.height - mine.height
        rows = mine
        if own not in codes:
            source.problems.append(problem("sipd_skpd_absent", file=file, sheet=sheet, **_header_at(loc, "kode_skpd"),
                                           column="Kode SKPD", expected=own,
                                           value=", ".join(codes[:5]) + (" ..." if len(codes) > 5 else "")))
    elif len(codes) > 1:
        refuse(problem("sipd_skpd_missing", file=file, sheet=sheet, **_header_at(loc, "kode_skpd"),
                       column="Kode SKPD", value=", ".join(codes[:5]) + (" ..." if len(codes) > 5 else ""),
                       count=len(codes)))
        return None

    rows = rows.with_columns(pl.col("realisasi_anggaran").fill_null(0.0))
    over = rows.filter(pl.col("realisasi_anggaran") > pl.col("pagu") + domain.TOLERANCE)
    for r in over.iter_rows(named=True):
        source.problems.append(problem("realisasi_over_pagu", file=file, sheet=sheet, **loc.at(r[ROW], "realisasi_anggaran"),
                                       column="Realisasi", value=rupiah(r["realisasi_anggaran"]),
                                       expected=rupiah(r["pagu"])))
    source.report.count(read, len(loaded.rejected))
    source.report.period = str(Period(cutoff.year, cutoff.month))
    notes = [f"posisi data per {date_label_id(cutoff)}"]
    if other:
        notes.append(f"{other} baris milik SKPD lain tidak dipakai untuk OPD ini")
    source.report.note = "; ".join(notes)
    return rows.with_columns(pl.lit(file).alias("file"), pl.lit(sheet).alias("sheet"),
                             pl.lit(cutoff, dtype=pl.Date).alias(CUTOFF)).select(_COLUMNS)


def _header_text(loc: Located, name: str) -> str:
    sheet = loc.sheet_data
    letter = loc.columns.get(name)
    try:
        return str(sheet.cells[letter][loc.header_rows[-1] - 1])
    except Exception:  # noqa: BLE001 - only for the message
        return name


def _dedupe(rows: pl.DataFrame, sources: list[SourceFile]) -> pl.DataFrame:
    """One row per (cut-off date, Kode SKPD, sub kegiatan, rekening): the first (file order, row) counts."""
    key = [CUTOFF, "kode_skpd", "kode", "kode_akun"]
    order = {s.report.file: i for i, s in enumerate(sources)}
    ranked = rows.with_columns(pl.col("file").replace_strict(order, return_dtype=pl.Int64).alias("_order"))
    ranked = ranked.sort(["_order", ROW]).with_columns(pl.int_range(pl.len()).over(key).alias("_n"))
    dupes = ranked.filter(pl.col("_n") > 0)
    if dupes.height == 0:
        return ranked.drop("_order", "_n")
    first = ranked.filter(pl.col("_n") == 0).join(dupes.select(key).unique(), on=key, how="semi")
    winner = {tuple(r[k] for k in key): r for r in first.iter_rows(named=True)}
    by_file = {s.report.file: s for s in sources}
    for r in dupes.iter_rows(named=True):
        w = winner[tuple(r[k] for k in key)]
        where = f"baris {w[ROW]}" if w["file"] == r["file"] else f"{w['file']} baris {w[ROW]}"
        source = by_file[r["file"]]
        source.problems.append(problem("sipd_duplicate", file=r["file"], sheet=r["sheet"], row=r[ROW],
                                       col=source.located.columns.get("kode_akun") if source.located else None,
                                       column="Kode Rekening", value=r["kode_akun"],
                                       what=f"{r['kode_akun']} sub kegiatan {r['kode']}", expected=where))
        source.report.rows_accepted -= 1
        source.report.rows_rejected += 1
    return ranked.filter(pl.col("_n") == 0).drop("_order", "_n")


def _choose(intake: SipdIntake, period: Period) -> None:
    """The export the period uses; the others are marked; a cut-off outside the month is a Peringatan."""
    cutoffs = intake.rows[CUTOFF].unique().to_list() if intake.rows.height else []
    intake.cutoff = domain.choose_cutoff(cutoffs, period)
    used = set(intake.rows_at(intake.cutoff)["file"].to_list()) if intake.cutoff else set()
    for source in intake.sources:
        if source.report.status == REJECTED or source.report.file in used or not source.report.period:
            continue
        source.report.status = OTHER_PERIOD
        source.report.note += f"; tidak dipakai untuk {period}"
    if intake.cutoff is not None and not domain.in_month(intake.cutoff, period):
        for source in intake.sources:
            if source.report.file in used:
                source.problems.append(problem("sipd_cutoff_outside", file=source.report.file,
                                               value=date_label_id(intake.cutoff), expected=period.label_id()))


# --- SIPD's figures as the budget -------------------------------------------------------------------


def with_anggaran(ref: Referensi, sipd: SipdIntake) -> Referensi:
    """The referensi whose ``Anggaran`` (Tabel 2.3) comes from SIPD's rekening codes when the planner
    states none; unchanged otherwise (the referensi's own sheet wins)."""
    from dataclasses import replace

    if ref.anggaran.height or not sipd.present:
        return ref
    return replace(ref, anggaran=sipd.jenis_belanja())



def apply_to_realisasi(intake: RealisasiIntake, sipd: SipdIntake, ref: Referensi) -> list[Problem]:
    """SIPD's pagu and realisasi become the budget of the period's sub kegiatan (and of each earlier
    month that has an export of its own month); every difference of the period is in
    ``intake.rekonsiliasi`` and is a Peringatan.  Returns the problems (also added to
    ``intake.problems``)."""
    differences: list[domain.Difference] = []
    if sipd.present:
        sub, differences = domain.apply_sipd(intake.sub, domain.per_sub_kegiatan(sipd.used))
        intake.sub = _with_bidang(sub, ref)
        intake.rekonsiliasi = differences
    for month, earlier in intake.earlier.items():
        rows = sipd.month_rows(Period.parse(month))
        if rows.height:
            earlier.sub = _with_bidang(domain.apply_sipd(earlier.sub, domain.per_sub_kegiatan(rows))[0], ref)
    found = _problems(differences, intake, sipd)
    intake.problems.extend(found)
    if getattr(intake, "year", None) is not None:  # series per code made by read_year before SIPD: made again
        from pipeline.intake.year import year_figures

        intake.year = year_figures(intake)
    return found


def _with_bidang(sub: pl.DataFrame, ref: Referensi) -> pl.DataFrame:
    if "bidang" not in sub.columns or sub.height == 0:
        return sub
    missing = sub["bidang"].is_null()
    if not missing.any():
        return sub
    return sub.with_columns(pl.when(pl.col("bidang").is_null())
                            .then(pl.col("kode").map_elements(ref.bidang_of, return_dtype=pl.String))
                            .otherwise(pl.col("bidang")).alias("bidang"))


def _problems(differences: list[domain.Difference], intake: RealisasiIntake, sipd: SipdIntake) -> list[Problem]:
    found: list[Problem] = []
    files = "; ".join(sipd.files)
    for d in differences:
        if d.kind == domain.BERBEDA:
            col = intake.letters.get(d.bidang_file, {}).get(d.column)
            found.append(problem(
                "sipd_difference", file=d.bidang_file, sheet=d.bidang_sheet, row=d.bidang_row, col=col,
                column=domain.COLUMNS[d.column], value=rupiah(d.bidang_value), expected=rupiah(d.sipd_value),
                code=d.kode, bidang_file=d.bidang_file, sipd_file=d.sipd_file, selisih=rupiah(d.selisih)))
        elif d.kind == domain.HANYA_SIPD:
            col = sipd.letters.get(d.sipd_file.split("; ")[0], {}).get("kode")
            found.append(problem("sipd_not_reported", file=d.sipd_file.split("; ")[0], sheet=d.sipd_sheet,
                                 row=d.sipd_row, col=col, column="Kode Sub Kegiatan", value=d.kode,
                                 name=d.uraian, sipd_file=d.sipd_file, pagu=rupiah(d.sipd_value)))
        else:
            col = intake.letters.get(d.bidang_file, {}).get("kode")
            found.append(problem("sipd_not_in_sipd", file=d.bidang_file, sheet=d.bidang_sheet, row=d.bidang_row,
                                 col=col, column="Kode", value=d.kode, sipd_file=files))
    found += _money_required(intake, sipd)
    return found


def _money_required(intake: RealisasiIntake, sipd: SipdIntake) -> list[Problem]:
    """A sub kegiatan row that left its budget to SIPD, which does not have it: an Error at each
    empty cell, and the row is rejected (as without SIPD)."""
    if intake.sub.height == 0 or "file" not in intake.sub.columns:
        return []
    empty = intake.sub.filter(pl.col("pagu").is_null() | pl.col("realisasi_anggaran").is_null())
    if empty.height == 0:
        return []
    where = (f"ekspor SIPD per {date_label_id(sipd.cutoff)}" if sipd.present
             else f"ekspor SIPD tahun {intake.period[:4]} (tidak ada)")
    by_file = {s.report.file: s for s in intake.sources}
    found: list[Problem] = []
    for r in empty.iter_rows(named=True):
        here = [problem("sipd_money_required", file=r["file"] or "", sheet=r["sheet"] or "", row=r[ROW],
                        col=intake.letters.get(r["file"], {}).get(column), column=domain.COLUMNS[column],
                        value=r["kode"], where=where)
                for column in ("pagu", "realisasi_anggaran") if r[column] is None]
        found += here
        source = by_file.get(r["file"])
        if source is not None:
            source.problems.extend(here)  # the file's own account explains its rejected row
            source.report.rows_accepted -= 1
            source.report.rows_rejected += 1
    intake.sub = intake.sub.join(empty.select("file", ROW), on=["file", ROW], how="anti")
    return found
