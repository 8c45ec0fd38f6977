"""Write workbooks in the input contract (``inputs.md``) the way office staff do.

General writers, independent of the 2024 figures:

- :func:`write_realisasi`: a bidang's monthly realisation (title block, one- or
  two-row header, numbers as cells or as Indonesian text, JUMLAH row).
- :func:`write_referensi`: the planner's master workbook.
- :func:`odk_records` / :func:`odk_rows` / :func:`write_odk`: a synthetic Online Data Koperasi
  export of any size, generated deterministically from a seed and streamed
  row by row (openpyxl write-only mode, O(n) time, O(1) rows in memory).

Hitting published figures is not done here: :mod:`pipeline.samples.calibrated`
computes overrides from one pass over :func:`odk_records`, which
:func:`write_odk` applies while streaming.
"""

from __future__ import annotations

import math
import random
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

# a fixed timestamp keeps the files' properties reproducible
FIXED_TIME = datetime(2025, 1, 6, 8, 0, 0)

MONEY_FORMAT = "#,##0"
MONEY_FORMAT_2 = "#,##0.00"
NUMBER_FORMAT = "#,##0.##"
DATE_FORMAT = "dd/mm/yyyy"

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=12)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_PROGRAM_FILL = PatternFill("solid", fgColor="FFF2CC")
_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_CENTER = Alignment(horizontal="center", vertical="center", wrap_text=True)
_WRAP = Alignment(vertical="top", wrap_text=True)


# --- Indonesian number text ----------------------------------------------

def rupiah_text(value: float | int | None, *, prefix: str = "Rp. ", decimals: bool = True) -> str:
    """``1234567`` -> ``Rp. 1.234.567,00`` (Indonesian grouping; ``-`` for nothing)."""
    if value is None:
        return "-"
    negative = value < 0
    value = abs(value)
    whole = int(value)
    cents = round((value - whole) * 100)
    text = f"{whole:,}".replace(",", ".")
    if decimals:
        text += f",{cents:02d}"
    text = prefix + text
    return f"({text})" if negative else text


def _new_workbook() -> Workbook:
    wb = Workbook()
    wb.properties.creator = "Dinas Koperasi, UKM Provinsi Bali"
    wb.properties.created = FIXED_TIME
    wb.properties.modified = FIXED_TIME
    return wb


def _save(wb: Workbook, path: Path, saved: datetime = FIXED_TIME) -> Path:
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    set_saved_time(path, saved)
    return path


def set_saved_time(path: Path, saved: datetime) -> None:
    """Stamp the time the workbook was "last saved" (docProps/core.xml, UTC).

    openpyxl always writes the current time there; a bidang's real file carries
    the time its staff saved it, which the pipeline takes as the time it was
    received (a copy changes the file's mtime, not this).  ``saved`` is naive UTC.
    """
    import re
    import zipfile

    with zipfile.ZipFile(path) as zf:
        entries = [(info, zf.read(info.filename)) for info in zf.infolist()]
    stamp = saved.strftime("%Y-%m-%dT%H:%M:%SZ").encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for info, data in entries:
            if info.filename == "docProps/core.xml":
                data = re.sub(rb"(<dcterms:modified[^>]*>)[^<]*(<)", rb"\g<1>" + stamp + rb"\g<2>", data)
            zf.writestr(info, data)


def _title_block(ws, lines: Sequence, width: int) -> int:
    """Write title lines from row 1, merged over ``width`` columns; returns the next row.

    A line is a string (merged, centred, bold), a ``(label, value)`` pair
    (two cells, as in ``Bulan | Desember 2024``) or ``None`` (an empty row).
    """
    row = 1
    for line in lines:
        if line is None:
            pass
        elif isinstance(line, tuple):
            label, value = line
            ws.cell(row, 1, label).font = _BOLD
            ws.cell(row, 2, value).font = _BOLD
        else:
            cell = ws.cell(row, 1, line)
            cell.font = _TITLE
            cell.alignment = Alignment(horizontal="center")
            ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=width)
        row += 1
    return row


# --- realisasi ------------------------------------------------------------

# field -> header text, one-row header
REALISASI_HEADERS = {
    "kode": "Kode", "uraian": "Uraian", "indikator": "Indikator", "satuan": "Satuan", "target": "Target",
    "realisasi": "Realisasi", "pagu": "Pagu", "realisasi_anggaran": "Realisasi Anggaran",
}
REALISASI_WIDTHS = {"kode": 21, "uraian": 60, "indikator": 55, "satuan": 9, "target": 10, "realisasi": 11,
                    "pagu": 19, "realisasi_anggaran": 19}
# two-row header: (parent, child); a parent of None means one cell merged over both rows
TWO_ROW_HEADER = (
    ("kode", "Kode", None), ("uraian", "Uraian", None), ("indikator", "Indikator", None),
    ("satuan", "Satuan", None), ("target", "Target", None), ("pagu", "Pagu (Rp)", None),
    ("realisasi", "Realisasi", "Fisik"), ("realisasi_anggaran", "Realisasi", "Keuangan (Rp)"),
)


def write_realisasi(
    path: Path | str,
    programs: Iterable,
    *,
    title: Sequence = (),
    headers: Mapping[str, str] | None = None,
    two_row_header: bool = False,
    money: str = "number",
    blank_between: bool = False,
    total_label_merged: bool = False,
    capaian_column: bool = False,
    front_sheet: str | None = None,
    sheet: str = "Realisasi",
    saved: datetime = FIXED_TIME,
) -> Path:
    """A bidang's realisation workbook.

    ``programs`` are trees of nodes with ``kode``, ``uraian``, ``indikator``,
    ``satuan``, ``target``, ``realisasi``, ``pagu``, ``realisasi_anggaran`` and
    ``children`` (see :class:`pipeline.samples.calibrated.Node`); program and
    kegiatan rows carry their subtotals.  ``money`` is ``"number"`` (numeric
    cells with a thousands format), ``"rupiah"`` (text ``Rp. 1.234.567,00``) or
    ``"text"`` (text ``1.234.567``).  ``blank_between`` leaves an empty row
    before every kegiatan block; ``total_label_merged`` writes ``JUMLAH`` in
    the Kode cell merged over Kode and Uraian (else in the Uraian cell);
    ``capaian_column`` adds a ``Capaian Keuangan (%)`` column the contract
    does not know; ``front_sheet`` adds an instructions sheet before the table.
    A node with ``excel_percent`` set has its target and realisasi written as
    Excel percentages (100 as ``1`` formatted ``0%``).
    """
    fields = list(REALISASI_HEADERS)
    headers = {**REALISASI_HEADERS, **(headers or {})}
    width = len(fields) + (1 if capaian_column else 0)
    wb = _new_workbook()
    if front_sheet:
        front = wb.active
        front.title = front_sheet
        front["A1"] = "Petunjuk pengisian"
        front["A1"].font = _TITLE
        front["A2"] = "Isi lembar Realisasi setiap bulan; angka kumulatif Januari s.d. bulan laporan."
        front["A3"] = "Kirim ke Sub Bagian Perencanaan paling lambat tanggal 10 bulan berikutnya."
        front.column_dimensions["A"].width = 90
        ws = wb.create_sheet(sheet)
    else:
        ws = wb.active
        ws.title = sheet
    row = _title_block(ws, title, width)

    # header
    if two_row_header:
        for col, (_, parent, child) in enumerate(TWO_ROW_HEADER, start=1):
            if child is None:
                ws.cell(row, col, parent)
                ws.merge_cells(start_row=row, start_column=col, end_row=row + 1, end_column=col)
            else:
                ws.cell(row + 1, col, child)
                if TWO_ROW_HEADER[col - 2][1] != parent:
                    ws.cell(row, col, parent)
                    span = sum(1 for _, p, c in TWO_ROW_HEADER if p == parent and c is not None)
                    ws.merge_cells(start_row=row, start_column=col, end_row=row, end_column=col + span - 1)
        fields = [f for f, _, _ in TWO_ROW_HEADER]
        header_rows = (row, row + 1)
    else:
        for col, f in enumerate(fields, start=1):
            ws.cell(row, col, headers[f])
        header_rows = (row,)
    if capaian_column:
        ws.cell(header_rows[0], width, "Capaian Keuangan (%)")
        if two_row_header:
            ws.merge_cells(start_row=row, start_column=width, end_row=row + 1, end_column=width)
    for r in header_rows:
        for col in range(1, width + 1):
            cell = ws.cell(r, col)
            cell.font = _BOLD
            cell.fill = _HEADER_FILL
            cell.alignment = _CENTER
            cell.border = _BORDER
    row = header_rows[-1] + 1
    first_data = row

    def money_value(v):
        if money == "rupiah":
            return rupiah_text(v)
        if money == "text":
            return rupiah_text(v, prefix="", decimals=False) if v else "-"
        return v

    def write_node(node, depth):
        nonlocal row
        values = {
            "kode": node.kode, "uraian": node.uraian, "indikator": node.indikator, "satuan": node.satuan,
            "target": node.target, "realisasi": node.realisasi,
            "pagu": money_value(node.pagu), "realisasi_anggaran": money_value(node.realisasi_anggaran),
        }
        for col, f in enumerate(fields, start=1):
            cell = ws.cell(row, col, values[f])
            cell.border = _BORDER
            if f in ("pagu", "realisasi_anggaran"):
                if money == "number":
                    cell.number_format = MONEY_FORMAT
                else:
                    cell.alignment = Alignment(horizontal="right")
            elif f in ("target", "realisasi"):
                cell.number_format = NUMBER_FORMAT
                if getattr(node, "excel_percent", False) and isinstance(values[f], (int, float)):
                    cell.value = values[f] / 100  # an Excel percentage: 1 shown as 100%
                    cell.number_format = "0%"
            elif f in ("uraian", "indikator"):
                cell.alignment = Alignment(vertical="top", wrap_text=True, indent=depth)
            if depth < 2:
                cell.font = _BOLD
            if depth == 0:
                cell.fill = _PROGRAM_FILL
        if capaian_column:
            cell = ws.cell(row, width, round(node.realisasi_anggaran / node.pagu * 100, 2) if node.pagu else 0)
            cell.number_format = "0.00"
            cell.border = _BORDER
        row += 1
        for child in node.children:
            if blank_between and depth == 0:
                row += 1
            write_node(child, depth + 1)

    subs = []
    for program in programs:
        write_node(program, 0)
        subs.extend(n for k in program.children for n in (k.children or (k,)))
    if blank_between:
        row += 1

    # JUMLAH: sums of the sub kegiatan rows
    total_pagu = sum(s.pagu for s in subs)
    total_real = sum(s.realisasi_anggaran for s in subs)
    if total_label_merged:
        ws.cell(row, 1, "JUMLAH")
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=2)
    else:
        ws.cell(row, 2, "JUMLAH")
    ws.cell(row, fields.index("pagu") + 1, money_value(total_pagu))
    ws.cell(row, fields.index("realisasi_anggaran") + 1, money_value(total_real))
    if capaian_column:
        ws.cell(row, width, round(total_real / total_pagu * 100, 2) if total_pagu else 0).number_format = "0.00"
    for col in range(1, width + 1):
        cell = ws.cell(row, col)
        cell.font = _BOLD
        cell.border = _BORDER
        if money == "number" and col - 1 in (fields.index("pagu"), fields.index("realisasi_anggaran")):
            cell.number_format = MONEY_FORMAT
        elif money != "number" and col > 2:
            cell.alignment = Alignment(horizontal="right")

    for col, f in enumerate(fields, start=1):
        ws.column_dimensions[get_column_letter(col)].width = REALISASI_WIDTHS[f]
    if capaian_column:
        ws.column_dimensions[get_column_letter(width)].width = 12
    ws.freeze_panes = ws.cell(first_data, 3)
    ws.sheet_view.zoomScale = 85
    return _save(wb, path, saved)


# --- referensi ------------------------------------------------------------

def _table(ws, start_row: int, headers: Sequence[str], rows: Iterable[Sequence], *,
           formats: Mapping[int, str] | None = None, widths: Sequence[float] | None = None) -> int:
    """A bordered table with a bold header at ``start_row``; returns the row after it."""
    for col, h in enumerate(headers, start=1):
        cell = ws.cell(start_row, col, h)
        cell.font = _BOLD
        cell.fill = _HEADER_FILL
        cell.alignment = _CENTER
        cell.border = _BORDER
    r = start_row + 1
    for values in rows:
        for col, v in enumerate(values, start=1):
            cell = ws.cell(r, col, v)
            cell.border = _BORDER
            if formats and col in formats and isinstance(v, (int, float)):
                cell.number_format = formats[col]
            if isinstance(v, str) and len(v) > 40:
                cell.alignment = _WRAP
        r += 1
    for col, w in enumerate(widths or (), start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    return r


def _safe_text(text):
    """Excel would read a text starting with = + - @ as a formula."""
    if isinstance(text, str) and text[:1] in "=+-@":
        raise ValueError(f"cell text must not start with {text[0]!r}: {text!r}")
    return text


def write_referensi(
    path: Path | str,
    *,
    instansi: str,
    iku: Sequence[Mapping],
    iku_years: Sequence[int],
    renstra: Sequence[tuple[str, object]],
    realisasi_iku: Sequence[tuple] = (),
    cascading: Sequence[tuple[str, str, str]] = (),
    bidang: Sequence[tuple[str, str]] = (),
    statistik: Sequence[tuple] | None = (),
    anggaran: Sequence[tuple[str, int, int]] = (),
    skala: Sequence[tuple[str, float]] = (),
    percent_cells: Iterable[tuple[str, int]] = (),
    year: int | None = None,
    extra_sheets: Sequence[tuple[str, Sequence[str], Sequence[Sequence]]] = (),
) -> Path:
    """The planner's master workbook: IKU, Renstra, Realisasi IKU, Cascading, Bidang, Statistik, Anggaran, Skala.

    ``iku`` rows are mappings with kode, level, pernyataan, indikator, satuan,
    polaritas, sumber, targets ({year: percent points}), target_akhir,
    akumulasi, formula.  Targets are written as plain numbers (8 means 8 %),
    except the ``(kode, year)`` cells in ``percent_cells``, which are written as
    Excel percentages (0.0325 formatted ``0.00%``).  ``statistik=None`` writes no Statistik sheet
    (an office whose IKU do not need it); an ``iku`` row with ``standar_nasional`` or ``sumber_data``
    adds those columns; ``extra_sheets`` are (name, headers, rows) tables after Skala (``Sifat
    Indikator``, ``Target Renstra``, ...).
    """
    percent_cells = set(percent_cells)
    wb = _new_workbook()

    ws = wb.active
    ws.title = "IKU"
    extra = [k for k in ("standar_nasional", "sumber_data") if any(k in item for item in iku)]
    headers = ["Kode IKU", "Level", "Tujuan/Sasaran", "Indikator", "Satuan", "Polaritas", "Sumber",
               *[str(y) for y in iku_years], "Target Akhir Renstra", "Akumulasi", "Formula",
               *[{"standar_nasional": "Standar Nasional", "sumber_data": "Sumber Data"}[k] for k in extra]]
    r = _title_block(ws, ("INDIKATOR KINERJA UTAMA (IKU)", instansi.upper(),
                          f"RENSTRA {renstra_value(renstra, 'Tahun Awal')}-{renstra_value(renstra, 'Tahun Akhir')}",
                          None), len(headers))
    rows = []
    for item in iku:
        targets = [item["targets"].get(y) for y in iku_years]
        rows.append([_safe_text(item["kode"]), item["level"], _safe_text(item["pernyataan"]),
                     _safe_text(item["indikator"]), item["satuan"], item["polaritas"], item["sumber"], *targets,
                     item.get("target_akhir"), item["akumulasi"], _safe_text(item["formula"]),
                     *[_safe_text(item.get(k)) for k in extra]])
    end = _table(ws, r, headers, rows, formats={c: "0.00" for c in range(8, 9 + len(iku_years))},
                 widths=(9, 10, 45, 40, 12, 10, 26, *[8] * len(iku_years), 12, 14, 60, *[30] * len(extra)))
    for i, item in enumerate(iku):
        for j, y in enumerate(iku_years):
            if (item["kode"], y) in percent_cells and item["targets"].get(y) is not None:
                cell = ws.cell(r + 1 + i, 8 + j)
                cell.value = round(item["targets"][y] / 100, 10)
                cell.number_format = "0.00%"
    ws.freeze_panes = ws.cell(r + 1, 3)
    assert end == r + 1 + len(rows)

    ws = wb.create_sheet("Renstra")
    r = _title_block(ws, ("PERIODE RENCANA STRATEGIS", None), 2)
    for label, value in renstra:
        ws.cell(r, 1, label).font = _BOLD
        ws.cell(r, 2, value)
        r += 1
    ws.column_dimensions["A"].width = 20
    ws.column_dimensions["B"].width = 60

    ws = wb.create_sheet("Realisasi IKU")
    _table(ws, 1, ("Kode IKU", "Tahun", "Realisasi", "Keterangan"), realisasi_iku,
           formats={3: "0.00"}, widths=(10, 8, 11, 30))

    ws = wb.create_sheet("Cascading")
    _table(ws, 1, ("Kode Program", "Kode IKU", "Program"), cascading, widths=(14, 10, 80))

    ws = wb.create_sheet("Bidang")
    _table(ws, 1, ("Kode", "Bidang"), bidang, widths=(14, 50))

    if statistik is not None:
        ws = wb.create_sheet("Statistik")
        r = _title_block(ws, ("PENDUDUK USIA PRODUKTIF DAN UMKM PER KABUPATEN/KOTA", None), 5)
        _table(ws, r, ("Tahun", "Kabupaten/Kota", "Penduduk Usia Produktif", "Jumlah UMKM", "UMKM On Board Digital"),
               statistik, formats={3: MONEY_FORMAT, 4: MONEY_FORMAT, 5: MONEY_FORMAT}, widths=(8, 24, 24, 14, 22))

    ws = wb.create_sheet("Anggaran")
    title = f"TARGET BELANJA TAHUN {year}" if year else "TARGET BELANJA"
    r = _title_block(ws, (title, "Sebelum dan Sesudah Pergeseran Anggaran", None), 3)
    total = ("JUMLAH", sum(a[1] for a in anggaran), sum(a[2] for a in anggaran))
    end = _table(ws, r, ("Jenis Belanja", "Pagu Awal", "Pagu Pergeseran"), [*anggaran, total],
                 formats={2: MONEY_FORMAT_2, 3: MONEY_FORMAT_2}, widths=(30, 22, 22))
    for col in (1, 2, 3):
        ws.cell(end - 1, col).font = _BOLD

    ws = wb.create_sheet("Skala")
    _table(ws, 1, ("Kategori", "Batas Bawah (%)"), skala, widths=(16, 16))
    for name, sheet_headers, sheet_rows in extra_sheets:
        ws = wb.create_sheet(name)
        _table(ws, 1, sheet_headers, sheet_rows, widths=[max(12, len(h) + 4) for h in sheet_headers])
    return _save(wb, path)


def renstra_value(renstra: Sequence[tuple[str, object]], label: str):
    return next(v for k, v in renstra if k == label)


# --- ODK ------------------------------------------------------------------

ODK_HEADERS = ("No", "NIK", "Nama Koperasi", "Kabupaten/Kota", "Jenis Koperasi", "Status", "Tahun Buku",
               "Jumlah Anggota", "Modal Sendiri", "Modal Luar", "Volume Usaha", "SHU", "Digital", "Tanggal Update")
ODK_WIDTHS = (7, 19, 42, 22, 15, 12, 11, 15, 18, 18, 19, 17, 9, 15)
ODK_FIELDS = ("nik", "nama", "kabupaten", "jenis", "status", "tahun_buku", "anggota", "modal_sendiri",
              "modal_luar", "volume_usaha", "shu", "digital", "tanggal_update")

ODK_KABUPATEN = {  # name -> (kode wilayah, weight of its share of cooperatives)
    "Kabupaten Jembrana": ("5101", 6), "Kabupaten Tabanan": ("5102", 11), "Kabupaten Badung": ("5103", 14),
    "Kabupaten Gianyar": ("5104", 13), "Kabupaten Klungkung": ("5105", 5), "Kabupaten Bangli": ("5106", 5),
    "Kabupaten Karangasem": ("5107", 8), "Kabupaten Buleleng": ("5108", 15), "Kota Denpasar": ("5171", 23),
}
# jenis -> (share of cooperatives, prefix of the name, volume factor)
ODK_JENIS = {
    "Simpan Pinjam": (38, "Koperasi Simpan Pinjam", 2.2),
    "Konsumen": (27, "Koperasi Konsumen", 0.8),
    "Produsen": (14, "Koperasi Produsen", 1.0),
    "Jasa": (11, "Koperasi Jasa", 0.6),
    "Pemasaran": (10, "Koperasi Pemasaran", 0.9),
}
_NAME_WORDS = ("Artha", "Sedana", "Mertha", "Sari", "Jaya", "Mandiri", "Werdi", "Bhakti", "Amerta", "Dharma",
               "Kerta", "Winangun", "Mekar", "Sejahtera", "Karya", "Bina", "Usaha", "Giri", "Segara", "Lestari",
               "Yasa", "Guna", "Santhi", "Laba", "Pertiwi", "Ayu", "Sukma", "Murti", "Nadi", "Wibawa", "Tunas",
               "Sarana", "Krama", "Desa", "Banjar", "Sinar", "Abadi", "Makmur", "Prima", "Sentosa")
_PREFIX_SHORT = {"Simpan Pinjam": ("KSP", "Koperasi Simpan Pinjam"), "Konsumen": ("Koperasi Konsumen", "KSU"),
                 "Produsen": ("Koperasi Produsen", "Koperasi Tani"), "Jasa": ("Koperasi Jasa", "KSU"),
                 "Pemasaran": ("Koperasi Pemasaran", "Koperasi Serba Usaha")}


def _update_window(year: int, downloaded: date) -> tuple[date, int]:
    """(first day, number of days) in which a Tahun Buku ``year`` row is last updated."""
    end = min(date(year + 1, 6, 30), downloaded - timedelta(days=1))
    start = min(date(year + 1, 1, 2), end - timedelta(days=30))
    return start, (end - start).days


def odk_records(
    n_koperasi: int,
    years: Sequence[int],
    seed: int,
    *,
    kabupaten: Mapping[str, tuple[str, int]] = ODK_KABUPATEN,
    growth: float = 0.18,
    aktif_share: float = 0.87,
    downloaded: date = date(2025, 1, 15),
) -> Iterator[dict]:
    """The canonical rows of a synthetic ODK export, one per (cooperative, Tahun Buku).

    Deterministic for a given seed; a generator, so any ``n_koperasi`` runs in
    constant memory.  Each cooperative gets a kabupaten, a jenis, a founding
    year (a few are founded during ``years``, a few stop reporting), a status
    per year (about ``aktif_share`` Aktif), and a volume usaha from a
    log-normal distribution that grows by about ``growth`` a year.  Tidak
    Aktif cooperatives mostly report no business.
    """
    if n_koperasi > 999_999:
        raise ValueError("the NIK scheme holds at most 999,999 cooperatives")
    rng = random.Random(seed)
    years = sorted(years)
    kab_names = list(kabupaten)
    kab_weights = [kabupaten[k][1] for k in kab_names]
    jenis_names = list(ODK_JENIS)
    jenis_weights = [ODK_JENIS[j][0] for j in jenis_names]
    to_inactive = 0.03
    to_active = to_inactive * aktif_share / (1 - aktif_share)  # keeps the Aktif share steady
    mu_growth = math.log1p(growth)
    for i in range(n_koperasi):
        kab = rng.choices(kab_names, kab_weights)[0]
        jenis = rng.choices(jenis_names, jenis_weights)[0]
        u = rng.random()
        founded = years[0] + rng.randrange(len(years)) if u < 0.03 else rng.randint(1975, years[0] - 1)
        stops = years[-1] if rng.random() < 0.015 else None  # no row for this year
        nik = f"{kabupaten[kab][0]}{rng.randint(1, 12):02d}{min(founded, 9999):04d}{i + 1:06d}"
        prefix = rng.choice(_PREFIX_SHORT[jenis])
        nama = f"{prefix} {' '.join(rng.sample(_NAME_WORDS, rng.choice((1, 2, 2, 3))))}"
        anggota = max(20, int(rng.lognormvariate(math.log(160), 0.9)))
        volume = rng.lognormvariate(math.log(6.5e8), 1.25) * ODK_JENIS[jenis][2]
        aktif = rng.random() < aktif_share
        digital_p = 0.25 + 0.25 * rng.random()
        for year in years:
            if year < founded:
                continue
            step = rng.lognormvariate(mu_growth, 0.12)
            flip = rng.random()
            if year > years[0] and year > founded:
                volume *= step
                anggota = max(20, int(anggota * rng.uniform(0.97, 1.08)))
                aktif = (flip >= to_inactive) if aktif else (flip < to_active)
            if year == founded:
                volume *= 0.15  # a first, partial year
            vol_u = rng.random()
            if year == stops:
                continue
            status = "Aktif" if aktif else "Tidak Aktif"
            vol = int(volume) if aktif else (0 if vol_u < 0.7 else int(volume * 0.08))
            modal_sendiri = int(vol * rng.uniform(0.12, 0.35)) if vol else int(volume * 0.05)
            modal_luar = int(vol * rng.uniform(0.0, 0.3)) if rng.random() < 0.7 else 0
            margin = rng.uniform(-0.02, 0.07) if aktif else rng.uniform(-0.05, 0.01)
            shu = int(vol * margin)
            start, days = _update_window(year, downloaded)
            yield {
                "nik": nik, "nama": nama, "kabupaten": kab, "jenis": jenis, "status": status,
                "tahun_buku": year, "anggota": anggota if aktif else int(anggota * 0.6),
                "modal_sendiri": modal_sendiri, "modal_luar": modal_luar, "volume_usaha": vol, "shu": shu,
                "digital": "Ya" if aktif and rng.random() < digital_p + 0.04 * (year - years[0]) else "Tidak",
                "tanggal_update": start + timedelta(days=rng.randint(0, days)),
            }


def _older_duplicate(record: dict, rng: random.Random) -> dict:
    """The same (NIK, Tahun Buku) as submitted earlier, with other figures."""
    dup = dict(record)
    factor = rng.uniform(0.75, 0.95)
    for k in ("volume_usaha", "modal_sendiri", "modal_luar", "shu"):
        dup[k] = int(record[k] * factor)
    if not dup["volume_usaha"]:
        dup["volume_usaha"] = rng.randint(5, 50) * 1_000_000
    dup["anggota"] = max(20, record["anggota"] - rng.randint(1, 15))
    dup["tanggal_update"] = record["tanggal_update"] - timedelta(days=rng.randint(20, 90))
    return dup


def odk_rows(
    n_koperasi: int,
    years: Sequence[int],
    seed: int,
    *,
    overrides: Mapping[tuple[str, int], Mapping[str, object]] | None = None,
    duplicates: int = 0,
    **record_options,
) -> Iterator[dict]:
    """The rows of an ODK export in file order: :func:`odk_records` plus calibration and duplicates.

    ``overrides`` replaces fields of given ``(nik, tahun_buku)`` rows
    (calibration).  ``duplicates`` cooperatives also get an older submission
    of their last Tahun Buku row (earlier Tanggal Update, other figures),
    written after the latest one for the first of them and before it for the
    others, so neither "first row wins" nor "last row wins" is right.  Each row
    gets its running number ``no``.
    """
    overrides = overrides or {}
    dup_rng = random.Random(f"{seed}:duplicates")
    dup_at = set(dup_rng.sample(range(n_koperasi), min(duplicates, n_koperasi))) if duplicates else set()
    no = 0
    last_year = max(years)
    coop = -1
    last_nik = None
    pending = 0  # duplicates owed by cooperatives without a last-year row
    has_last = True
    emitted = 0
    for record in odk_records(n_koperasi, years, seed, **record_options):
        if record["nik"] != last_nik:
            if not has_last and coop in dup_at:
                pending += 1
            coop += 1
            last_nik = record["nik"]
            has_last = False
        key = (record["nik"], record["tahun_buku"])
        if key in overrides:
            record = {**record, **overrides[key]}
        dup = None
        if record["tahun_buku"] == last_year:
            has_last = True
            if coop in dup_at or pending:
                if coop not in dup_at:
                    pending -= 1
                dup = _older_duplicate(record, dup_rng)
        order = [record, dup] if dup and not emitted else [dup, record] if dup else [record]
        for row in order:
            no += 1
            yield {"no": no, **row}
        emitted += bool(dup)


def write_odk(
    path: Path | str,
    n_koperasi: int,
    years: Sequence[int],
    seed: int,
    *,
    overrides: Mapping[tuple[str, int], Mapping[str, object]] | None = None,
    duplicates: int = 0,
    downloaded: date = date(2025, 1, 15),
    provinsi: str = "Bali",
    sheet: str = "Data Koperasi",
    **record_options,
) -> Path:
    """Stream a synthetic ODK export of ``n_koperasi`` cooperatives to ``path``.

    The rows are :func:`odk_rows` (same arguments, same rows), under a title
    block ("DATA KOPERASI PROVINSI BALI - Sumber: ...", "Diunduh: ...").  NIK
    is written as text, money with a thousands format, dates as dates.  Memory
    stays flat whatever ``n_koperasi``: openpyxl's write-only mode writes each
    row as it comes.
    """
    wb = Workbook(write_only=True)
    wb.properties.creator = "Online Data Koperasi"
    wb.properties.created = FIXED_TIME
    ws = wb.create_sheet(sheet)
    for col, w in enumerate(ODK_WIDTHS, start=1):
        ws.column_dimensions[get_column_letter(col)].width = w
    ws.freeze_panes = "C5"

    def styled(value=None, font=None, number_format=None, fill=None, alignment=None):
        cell = WriteOnlyCell(ws, value)
        if font:
            cell.font = font
        if number_format:
            cell.number_format = number_format
        if fill:
            cell.fill = fill
        if alignment:
            cell.alignment = alignment
        return cell

    ws.append([styled(f"DATA KOPERASI PROVINSI {provinsi.upper()} \u2014 Sumber: Online Data Koperasi (ODK)", _TITLE)])
    ws.append([f"Diunduh: {downloaded.day} {bulan(downloaded.month)} {downloaded.year}"])
    ws.append([])
    ws.append([styled(h, _BOLD, fill=_HEADER_FILL, alignment=_CENTER) for h in ODK_HEADERS])

    # one template cell per formatted column, reused for every row (each row is written at once)
    nik_cell = styled(number_format="@")
    number_cells = [styled(number_format=MONEY_FORMAT)
                    for _ in ("anggota", "modal_sendiri", "modal_luar", "volume_usaha", "shu")]
    date_cell = styled(number_format=DATE_FORMAT)
    for r in odk_rows(n_koperasi, years, seed, overrides=overrides, duplicates=duplicates,
                      downloaded=downloaded, **record_options):
        nik_cell.value = r["nik"]
        for cell, k in zip(number_cells, ("anggota", "modal_sendiri", "modal_luar", "volume_usaha", "shu")):
            cell.value = r[k]
        date_cell.value = r["tanggal_update"]
        ws.append([r["no"], nik_cell, r["nama"], r["kabupaten"], r["jenis"], r["status"], r["tahun_buku"],
                   *number_cells, r["digital"], date_cell])
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    set_saved_time(path, FIXED_TIME)
    return path


_BULAN = ("Januari", "Februari", "Maret", "April", "Mei", "Juni", "Juli", "Agustus", "September", "Oktober",
          "November", "Desember")


def bulan(month: int) -> str:
    """Indonesian month name."""
    return _BULAN[month - 1]
