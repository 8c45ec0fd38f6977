"""The budget from SIPD (the Pemda's financial system), as pure logic.

SIPD's Laporan Realisasi Anggaran has one row per sub kegiatan and rekening
(account).  Here: the jenis belanja of a rekening code, the pagu and realisasi
per sub kegiatan (sums of its rekening rows), the budget by jenis belanja
(Tabel 2.3), the choice of one export (cut-off date) for a period, the rows of
one OPD in a Pemda-wide export, and :func:`apply_sipd`, which makes SIPD's
figures the budget of the bidang's sub kegiatan rows and lists every
difference.  No I/O: frames in, frames and records out.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

import polars as pl

from pipeline.domain.periods import DateError, Period, parse_date

__all__ = ["JENIS_BELANJA", "Difference", "apply_sipd", "by_jenis_belanja", "cutoff_from_title",
           "choose_cutoff", "jenis_belanja_of", "normalize_skpd", "per_sub_kegiatan", "TOLERANCE"]

TOLERANCE = 0.5  # rupiah: closer than this is the same figure

# rekening code prefix -> jenis belanja (Permendagri 90/2019, Kepmendagri 050-5889/2021); longest prefix wins
JENIS_BELANJA: tuple[tuple[str, str], ...] = (
    ("5.1.01", "Belanja Pegawai"),
    ("5.1.02", "Belanja Barang dan Jasa"),
    ("5.1.03", "Belanja Bunga"),
    ("5.1.04", "Belanja Subsidi"),
    ("5.1.05", "Belanja Hibah"),
    ("5.1.06", "Belanja Bantuan Sosial"),
    ("5.1", "Belanja Operasi Lainnya"),
    ("5.2.01", "Belanja Modal Tanah"),
    ("5.2.02", "Belanja Modal Peralatan dan Mesin"),
    ("5.2.03", "Belanja Modal Gedung dan Bangunan"),
    ("5.2.04", "Belanja Modal Jalan, Irigasi, dan Jaringan"),
    ("5.2.05", "Belanja Modal Aset Tetap Lainnya"),
    ("5.2.06", "Belanja Modal Aset Lainnya"),
    ("5.2", "Belanja Modal"),
    ("5.3", "Belanja Tidak Terduga"),
    ("5.4", "Belanja Transfer"),
)
_ORDER = {name: i for i, (_, name) in enumerate(JENIS_BELANJA)}


def jenis_belanja_of(kode_akun: str | None) -> str | None:
    """The jenis belanja of a rekening code (``5.1.02.01.01.0024`` -> Belanja Barang dan Jasa)."""
    if not kode_akun:
        return None
    for prefix, name in sorted(JENIS_BELANJA, key=lambda item: -len(item[0])):
        if kode_akun == prefix or kode_akun.startswith(prefix + "."):
            return name
    return None


def normalize_skpd(code: str | None) -> str | None:
    """A Kode SKPD compared without spaces and case: ``2.17.0.00.0.00.01.0000``."""
    if code is None:
        return None
    text = re.sub(r"\s+", "", str(code)).lower()
    return text or None


def per_sub_kegiatan(rows: pl.DataFrame) -> pl.DataFrame:
    """Pagu and realisasi anggaran per sub kegiatan: the sums of its rekening rows.

    ``rows``: kode, uraian, pagu, realisasi_anggaran, file, sheet, ``_row``.  One
    row per kode with its name (the first given), the files it came from and the
    first row's place.
    """
    if rows.height == 0:
        return pl.DataFrame(schema={"kode": pl.String, "uraian": pl.String, "pagu": pl.Float64,
                                    "realisasi_anggaran": pl.Float64, "file": pl.String, "sheet": pl.String,
                                    "_row": pl.Int64, "rekening": pl.UInt32})
    return (rows.group_by("kode", maintain_order=True)
            .agg(pl.col("uraian").drop_nulls().first(), pl.col("pagu").sum(),
                 pl.col("realisasi_anggaran").sum(),
                 pl.col("file").unique(maintain_order=True).str.join("; "),
                 pl.col("sheet").first(), pl.col("_row").first(), pl.len().alias("rekening"))
            .sort("kode"))


def by_jenis_belanja(rows: pl.DataFrame) -> pl.DataFrame:
    """Tabel 2.3 from the rekening rows: pagu and realisasi per jenis belanja, in the order of
    :data:`JENIS_BELANJA`.  The columns are those of the referensi ``Anggaran`` sheet: SIPD
    gives the budget after the shift (``pagu_pergeseran``); the budget before it is not in the
    export (``pagu_awal`` empty)."""
    schema = {"jenis_belanja": pl.String, "pagu_awal": pl.Float64, "pagu_pergeseran": pl.Float64,
              "realisasi_anggaran": pl.Float64}
    if rows.height == 0:
        return pl.DataFrame(schema=schema)
    names = {akun: jenis_belanja_of(akun) for akun in rows["kode_akun"].drop_nulls().unique().to_list()}
    typed = rows.with_columns(pl.col("kode_akun").replace_strict(names, default=None, return_dtype=pl.String)
                              .alias("jenis_belanja"))
    grouped = (typed.group_by("jenis_belanja")
               .agg(pl.col("pagu").sum().alias("pagu_pergeseran"), pl.col("realisasi_anggaran").sum())
               .with_columns(pl.lit(None, dtype=pl.Float64).alias("pagu_awal"),
                             pl.col("jenis_belanja").replace_strict(_ORDER, default=len(_ORDER),
                                                                    return_dtype=pl.Int64).alias("_order"))
               .sort("_order").drop("_order"))
    return grouped.select(list(schema))


# --- the cut-off date -------------------------------------------------------------------------------

_DATE_TEXT = re.compile(
    r"\d{4}-\d{1,2}-\d{1,2}|\d{1,2}[/.-]\d{1,2}[/.-]\d{4}|\d{1,2}[\s-]+[A-Za-z]+\.?[\s,-]+\d{4}")


_CUTOFF_WORDS = re.compile(r"\b(?:per|s\.?\s?d\.?|s/d|sampai|hingga|posisi)\b", re.IGNORECASE)
_PRINTED = re.compile(r"\b(?:cetak|dicetak|diunduh|unduh)\b", re.IGNORECASE)


def cutoff_from_title(title: list[list[str]]) -> dt.date | None:
    """The cut-off date written above the header (``Per Tanggal 31 Desember 2024``,
    ``s.d. 31/12/2024``): a date next to per / s.d. / sampai / posisi first, else any date that is
    not a printing date; the latest of them, or None."""
    cells = [str(cell) for row in title for cell in row if cell is not None]
    for wanted in (lambda c: bool(_CUTOFF_WORDS.search(c)), lambda c: not _PRINTED.search(c)):
        found = [d for c in cells if wanted(c) for d in _dates(c)]
        if found:
            return max(found)
    return None


def _dates(text: str) -> list[dt.date]:
    out = []
    for candidate in _DATE_TEXT.findall(text):
        try:
            date = parse_date(candidate)
        except DateError:
            continue
        if date is not None:
            out.append(date)
    return out


def choose_cutoff(cutoffs: list[dt.date], period: Period) -> dt.date | None:
    """The export a period uses among the cut-off dates of its year: the latest one not after the
    period's last day, else (every export is later) the earliest one; None when the year has none."""
    same_year = sorted(d for d in set(cutoffs) if d.year == period.year)
    if not same_year:
        return None
    last_day = period.end_date
    before = [d for d in same_year if d <= last_day]
    return before[-1] if before else same_year[0]


def in_month(date: dt.date, period: Period) -> bool:
    return (date.year, date.month) == (period.year, period.month)


# --- reconciliation -------------------------------------------------------------------------------

BERBEDA = "Berbeda"
HANYA_SIPD = "Hanya di SIPD"
TIDAK_DI_SIPD = "Tidak ada di SIPD"
COLUMNS = {"pagu": "Pagu", "realisasi_anggaran": "Realisasi Anggaran"}


@dataclass(frozen=True)
class Difference:
    """One line of the reconciliation: a sub kegiatan's figure as the bidang gave it and as SIPD has it."""

    kode: str
    uraian: str
    kind: str  # BERBEDA | HANYA_SIPD | TIDAK_DI_SIPD
    column: str  # "pagu" | "realisasi_anggaran" ("" for a whole sub kegiatan)
    bidang_value: float | None
    bidang_file: str
    bidang_sheet: str
    bidang_row: int | None
    sipd_value: float | None
    sipd_file: str
    sipd_sheet: str
    sipd_row: int | None

    @property
    def selisih(self) -> float | None:
        """SIPD's figure less the bidang's (None when either is missing)."""
        if self.bidang_value is None or self.sipd_value is None:
            return None
        return self.sipd_value - self.bidang_value


def apply_sipd(sub: pl.DataFrame, sipd: pl.DataFrame) -> tuple[pl.DataFrame, list[Difference]]:
    """The bidang's sub kegiatan rows with SIPD's pagu and realisasi anggaran, and every difference.

    ``sub``: one row per sub kegiatan as the realisation intake holds it (kode, uraian, pagu,
    realisasi_anggaran, file, sheet, ``_row``, level, program, kegiatan, ...). ``sipd``: the
    result of :func:`per_sub_kegiatan`.  A sub kegiatan in SIPD that no bidang reports is added
    (its outputs empty: N/A); one that SIPD does not have keeps the bidang's figures.  With no
    SIPD rows, ``sub`` comes back unchanged.
    """
    if sipd.height == 0:
        return sub, []
    found: list[Difference] = []
    by_code = {r["kode"]: r for r in sipd.iter_rows(named=True)}
    reported = set(sub["kode"].to_list()) if sub.height else set()
    for r in sub.iter_rows(named=True):
        s = by_code.get(r["kode"])
        where = dict(bidang_file=r.get("file") or "", bidang_sheet=r.get("sheet") or "", bidang_row=r.get("_row"))
        if s is None:
            found.append(Difference(r["kode"], r.get("uraian") or "", TIDAK_DI_SIPD, "", r.get("pagu"), **where,
                                    sipd_value=None, sipd_file="", sipd_sheet="", sipd_row=None))
            continue
        for column in ("pagu", "realisasi_anggaran"):
            mine, theirs = r.get(column), s[column]
            if mine is None or theirs is None or abs(mine - theirs) <= TOLERANCE:
                continue  # an empty budget cell is the bidang leaving it to SIPD
            found.append(Difference(r["kode"], r.get("uraian") or s["uraian"] or "", BERBEDA, column, mine, **where,
                                    sipd_value=theirs, sipd_file=s["file"], sipd_sheet=s["sheet"], sipd_row=s["_row"]))
    extra = [s for code, s in by_code.items() if code not in reported]
    for s in extra:
        found.append(Difference(s["kode"], s["uraian"] or "", HANYA_SIPD, "", None, "", "", None, s["pagu"],
                                s["file"], s["sheet"], s["_row"]))
    money = sipd.select("kode", pl.col("pagu").alias("_pagu"), pl.col("realisasi_anggaran").alias("_real"))
    if sub.height:
        joined = sub.join(money, on="kode", how="left")
        applied = joined.with_columns(
            pl.when(pl.col("_pagu").is_not_null()).then(pl.col("_pagu")).otherwise(pl.col("pagu")).alias("pagu"),
            pl.when(pl.col("_pagu").is_not_null()).then(pl.col("_real")).otherwise(pl.col("realisasi_anggaran"))
            .alias("realisasi_anggaran"),
        ).drop("_pagu", "_real")
    else:
        applied = sub
    if extra:
        parts = [s["kode"].split(".") for s in extra]
        added = pl.DataFrame({
            "kode": [s["kode"] for s in extra], "uraian": [s["uraian"] for s in extra],
            "pagu": [s["pagu"] for s in extra], "realisasi_anggaran": [s["realisasi_anggaran"] for s in extra],
            "level": ["sub_kegiatan"] * len(extra),
            "program": [".".join(p[:3]) for p in parts], "kegiatan": [".".join(p[:5]) for p in parts],
            "file": [s["file"] for s in extra], "sheet": [s["sheet"] for s in extra],
            "_row": [s["_row"] for s in extra],
        }, schema_overrides={"pagu": pl.Float64, "realisasi_anggaran": pl.Float64, "_row": pl.Int64,
                             "uraian": pl.String})
        applied = pl.concat([applied, added], how="diagonal_relaxed") if applied.height or applied.width else added
        applied = applied.sort("kode", maintain_order=True)
    return applied, found
