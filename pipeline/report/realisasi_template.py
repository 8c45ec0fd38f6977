"""A blank realisation workbook for one bidang and one month (``lkjip template``, the page).

Sub kegiatan, indicators, units, targets and pagu are annual, so they are taken
from what the bidang reported most recently (any earlier month's file), and
limited to the codes the referensi assigns to that bidang.  The realisation
cells are left empty, with data validation (numbers of at least 0) so the
bidang cannot type text there; totals are recomputed by the pipeline, so the
template holds no formula.
"""

from __future__ import annotations

import re
from pathlib import Path

import polars as pl
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from pipeline.domain.codes import sort_key
from pipeline.domain.periods import Period
from pipeline.intake.files import discover
from pipeline.intake.realisasi import LEVEL, read_realisasi
from pipeline.intake.referensi import NoReferensi, read_referensi
from pipeline.intake.tables import normalize_header

SIPD_NOTE = ("Catatan: anggaran diambil dari ekspor SIPD; kolom Pagu dan Realisasi Anggaran boleh dikosongkan "
             "(bila diisi tetapi berbeda, angka SIPD yang dipakai)")
HEADER = ["Kode", "Uraian", "Indikator", "Satuan", "Target", "Realisasi", "Pagu", "Realisasi Anggaran"]
FILL_ME = PatternFill("solid", fgColor="FFF2CC")


def latest_rows(inputs: Path, ref, period: Period) -> pl.DataFrame:
    """All rows (program, kegiatan, sub kegiatan) of the most recent month up to ``period``."""
    intake = read_realisasi(inputs, ref, None, discover(inputs, "realisasi"))
    months = sorted({s.report.period for s in intake.sources if s.report.period and s.report.period <= str(period)})
    for month in reversed(months):
        found = read_realisasi(inputs, ref, month)
        if found.sub.height:
            return pl.concat([found.parents, found.sub], how="diagonal_relaxed")
    return pl.DataFrame()


def _rows_of(rows: pl.DataFrame, ref, name: str) -> pl.DataFrame:
    """The bidang's rows, with the program and kegiatan rows above them.

    A program shared by several bidang (each reports its own kegiatan) heads
    each bidang's template; its pagu there is the sum of this bidang's part.
    """
    own = rows.filter(pl.col("kode").map_elements(lambda c: ref.bidang_of(c) == name, return_dtype=pl.Boolean))
    subs = own.filter(pl.col(LEVEL) == "sub_kegiatan")
    heads = set(subs["program"].to_list()) | set(subs["kegiatan"].to_list())
    shared = rows.filter(pl.col("kode").is_in(sorted(heads)) & ~pl.col("kode").is_in(own["kode"].to_list()))
    if shared.height:
        sums = {code: sum(r["pagu"] or 0 for r in subs.iter_rows(named=True) if code in (r["program"], r["kegiatan"]))
                for code in shared["kode"].to_list()}
        shared = shared.with_columns(pl.col("kode").replace_strict(sums, return_dtype=pl.Float64).alias("pagu"))
        own = pl.concat([own, shared], how="diagonal_relaxed")
    return own


def build_template(bidang: str, period: Period, inputs: Path) -> Workbook:
    ref, _ = read_referensi(inputs)
    known = {normalize_header(n): n for n in ref.bidang_names}
    name = known.get(normalize_header(bidang))
    if name is None:
        raise ValueError(f"bidang '{bidang}' tidak ada di referensi; pilihan: {', '.join(ref.bidang_names)}")
    rows = latest_rows(inputs, ref, period)
    if rows.height:
        rows = _rows_of(rows, ref, name)
    wb = Workbook()
    ws = wb.active
    ws.title = "Realisasi"
    ws["A1"] = ref.instansi.upper()
    ws["A2"] = f"LAPORAN REALISASI FISIK DAN KEUANGAN {name.upper()}"
    ws["A3"] = "Bulan"
    ws["B3"] = period.label_id()
    ws["A1"].font = Font(bold=True, size=12)
    if discover(Path(inputs), "sipd"):  # the budget comes from SIPD: the bidang may leave it empty
        ws["A4"] = SIPD_NOTE
        ws["A4"].font = Font(italic=True)
    header_row = 5
    for col, label in enumerate(HEADER, start=1):
        cell = ws.cell(row=header_row, column=col, value=label)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True)
    numbers = DataValidation(type="decimal", operator="greaterThanOrEqual", formula1="0", allow_blank=True,
                             showErrorMessage=True, errorTitle="Isian tidak valid",
                             error="Isi dengan angka 0 atau lebih, tanpa teks.")
    ws.add_data_validation(numbers)
    ordered = sorted(rows.iter_rows(named=True), key=lambda r: sort_key(r["kode"])) if rows.height else []
    r = header_row
    for record in ordered:
        r += 1
        values = [record["kode"], record["uraian"], record["indikator"], record["satuan"], record["target"], None,
                  record["pagu"], None]
        for col, value in enumerate(values, start=1):
            cell = ws.cell(row=r, column=col, value=value)
            if isinstance(value, str):
                cell.data_type = "s"
        if record[LEVEL] == "sub_kegiatan":
            for col in (6, 8):
                ws.cell(row=r, column=col).fill = FILL_ME
            numbers.add(f"F{r}")
            numbers.add(f"H{r}")
        else:
            for col in range(1, 9):
                ws.cell(row=r, column=col).font = Font(bold=True)
        ws.cell(row=r, column=7).number_format = "#,##0"
        ws.cell(row=r, column=8).number_format = "#,##0"
    ws.cell(row=r + 1, column=2, value="JUMLAH").font = Font(bold=True)
    for letter, width in zip("ABCDEFGH", (20, 60, 50, 10, 10, 12, 18, 20), strict=True):
        ws.column_dimensions[letter].width = width
    ws.freeze_panes = f"A{header_row + 1}"
    return wb


def template_name(bidang: str, period: str) -> str:
    """The file name of a bidang's template: ``Realisasi <YYYY-MM> <bidang-slug>.xlsx``."""
    slug = re.sub(r"[^A-Za-z0-9]+", "-", bidang).strip("-")
    return f"Realisasi {period} {slug}.xlsx"
