"""Builders for the end-to-end tests: messy, broken and hostile input files.

Every file is built here in tmp_path (small; nothing binary is committed).
Helpers are handed to the test modules through the ``build`` fixture, because
test folders are not packages.  A realisation workbook is written with openpyxl
(every string as a TEXT cell, so ``=HYPERLINK(...)`` stays text in the input),
and control characters are put in with Excel's own ``_x0001_`` escape.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path
from types import SimpleNamespace

import openpyxl
import pytest
from openpyxl.utils import get_column_letter

ROOT = Path(__file__).resolve().parents[2]
SAMPLE_INPUTS = ROOT / "inputs"
HEADER = ["Kode", "Uraian", "Indikator", "Satuan", "Target", "Realisasi", "Pagu", "Realisasi Anggaran"]
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
TITLE_DES = ["PEMERINTAH PROVINSI BALI", "LAPORAN REALISASI FISIK DAN KEUANGAN", "Bulan: Desember 2024"]


def _put(ws, row: int, col: int, value) -> None:
    cell = ws.cell(row=row, column=col, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # an input that *looks* like a formula, stored as text like Excel does


def table_sheet(ws, rows: list[list], title: list[str] | None = None, header: list[str] | None = None,
                two_row_header: bool = False, start_col: int = 1) -> int:
    """Write a title block, a header and rows; returns the Excel row of the first data row."""
    r = 0
    for line in title or []:
        r += 1
        _put(ws, r, start_col, line)
    if title:
        r += 1  # an empty line between title and header
    header = header or HEADER
    if two_row_header:
        # "Realisasi" merged over "Fisik" / "Keuangan (Rp)"; the other headers span both rows
        r += 1
        top, bottom = r, r + 1
        parents = ["Kode", "Uraian", "Indikator", "Satuan", "Target", "Pagu", "Realisasi", None]
        children = [None, None, None, None, None, None, "Fisik", "Keuangan (Rp)"]
        for j, (p, c) in enumerate(zip(parents, children, strict=True), start=start_col):
            if p:
                _put(ws, top, j, p)
            if c:
                _put(ws, bottom, j, c)
        ws.merge_cells(start_row=top, start_column=start_col + 6, end_row=top, end_column=start_col + 7)
        r = bottom
        order = [0, 1, 2, 3, 4, 6, 5, 7]  # data columns: Target, Pagu, Realisasi Fisik, Realisasi Keuangan
    else:
        r += 1
        for j, name in enumerate(header, start=start_col):
            _put(ws, r, j, name)
        order = list(range(len(header)))
    first = r + 1
    for values in rows:
        r += 1
        if values is None:
            continue  # an empty row
        arranged = [values[i] if i < len(values) else None for i in order] if two_row_header else values
        for j, value in enumerate(arranged, start=start_col):
            if value is not None:
                _put(ws, r, j, value)
    return first


def realisasi_xlsx(path: Path, rows: list[list], *, title: list[str] | None = None, sheet: str = "Realisasi",
                   hidden: dict[str, list[list]] | None = None, two_row_header: bool = False,
                   before: list[str] | None = None, control: dict[str, str] | None = None,
                   mtime: float | None = None) -> Path:
    """A bidang's workbook.  ``hidden``: extra hidden sheets; ``before``: visible sheets placed first;
    ``control``: placeholder -> text with control characters (written with Excel's ``_xHHHH_`` escape)."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name in before or []:
        ws = wb.create_sheet(name)
        _put(ws, 1, 1, "Petunjuk pengisian: isi kolom kuning saja.")
    for name, hidden_rows in (hidden or {}).items():
        ws = wb.create_sheet(name)
        table_sheet(ws, hidden_rows, title=TITLE_DES)
        ws.sheet_state = "hidden"
    ws = wb.create_sheet(sheet)
    table_sheet(ws, rows, title=TITLE_DES if title is None else title, two_row_header=two_row_header)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    if control:
        replace_text(path, {k: "".join(f"_x{ord(ch):04X}_" if ord(ch) < 32 else ch for ch in v) for k, v in control.items()})
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def replace_text(path: Path, mapping: dict[str, str]) -> None:
    """Replace text inside every XML part of a package (placeholders -> raw XML text)."""
    with zipfile.ZipFile(path) as z:
        parts = [(i, z.read(i.filename)) for i in z.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for info, data in parts:
            if info.filename.endswith(".xml"):
                for old, new in mapping.items():
                    data = data.replace(old.encode(), new.encode())
            z.writestr(info.filename, data)


ODK_HEADER = ["NIK", "Nama Koperasi", "Kabupaten/Kota", "Jenis Koperasi", "Status", "Tahun Buku", "Jumlah Anggota",
              "Modal Sendiri", "Modal Luar", "Volume Usaha", "SHU", "Digital", "Tanggal Update"]


def odk_xlsx(path: Path, rows: list[list], *, sheet: str = "Data Koperasi", mtime: float | None = None) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    table_sheet(ws, rows, title=["DATA KOPERASI PROVINSI BALI", "Sumber: ODK"], header=ODK_HEADER)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    if mtime is not None:
        os.utime(path, (mtime, mtime))
    return path


def odk_csv(path: Path, rows: list[list], *, delimiter: str = ";", encoding: str = "cp1252", bom: bool = False) -> Path:
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(ODK_HEADER)
    for r in rows:
        writer.writerow(["" if v is None else v for v in r])
    data = buffer.getvalue().encode(encoding)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


# --- hostile files (small copies of the helpers of tests/intake/test_safety.py) ---------


def simple_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Realisasi"
    ws.append(["Kode", "Uraian", "Pagu", "Realisasi Anggaran"])
    ws.append(["2.17.04.1.01.0001", "Fasilitasi koperasi", 150000000, 1000])
    wb.save(path)
    return path


def rewrite(src: Path, dst: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> Path:
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def ole2(extra: bytes = b"") -> bytes:
    return OLE2_MAGIC + b"\x00" * 504 + extra + b"\x00" * 2048


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;">'
    b'<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]><Properties>&lol3;</Properties>'
)


def hostile_files(folder: Path, scratch: Path, prefix: str) -> dict[str, str]:
    """Drop one of each hostile/broken file in ``folder``; returns file name -> expected rule."""
    folder.mkdir(parents=True, exist_ok=True)
    scratch.mkdir(parents=True, exist_ok=True)
    good = simple_xlsx(scratch / f"{prefix}-good.xlsx")
    made: dict[str, str] = {}

    def name(n: str) -> Path:
        return folder / f"{prefix} {n}"

    rewrite(good, name("bom zip.xlsx"), add={"xl/media/nol.xml": b"\x00" * (4 << 20)})
    made["bom zip.xlsx"] = "file_unsafe"
    rewrite(good, name("billion laughs.xlsx"), replace={"docProps/app.xml": BILLION_LAUGHS})
    made["billion laughs.xlsx"] = "file_unsafe"
    rewrite(good, name("makro.xlsx"), add={"xl/vbaProject.bin": OLE2_MAGIC + b"\x00" * 100})
    made["makro.xlsx"] = "file_unsafe"
    name("sandi.xlsx").write_bytes(ole2("EncryptionInfo".encode("utf-16-le") + b"\x00" * 60
                                        + "EncryptedPackage".encode("utf-16-le")))
    made["sandi.xlsx"] = "file_not_readable"
    name("lama diganti nama.xlsx").write_bytes(ole2("Workbook".encode("utf-16-le")))
    made["lama diganti nama.xlsx"] = "file_not_readable"
    name("terpotong.xlsx").write_bytes(good.read_bytes()[: good.stat().st_size // 2])
    made["terpotong.xlsx"] = "file_incomplete"
    name("kosong.xlsx").write_bytes(b"")
    made["kosong.xlsx"] = "file_incomplete"
    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "Kode"
    ws["XFD1048576"] = 1
    wb.save(name("rentang XFD.xlsx"))
    made["rentang XFD.xlsx"] = "file_unsafe"
    return made


# --- the drop folder ------------------------------------------------------------------


def copy_inputs(target: Path) -> Path:
    """A copy of the bundled sample inputs (keeping their modification times)."""
    shutil.copytree(SAMPLE_INPUTS, target, ignore=shutil.ignore_patterns("README.md"))
    return target


@dataclass
class Report:
    path: Path
    wb: object

    def records(self, sheet: str, first_column: str) -> list[dict]:
        rows = list(self.wb[sheet].iter_rows(values_only=True))
        start = next(i for i, r in enumerate(rows) if r and r[0] == first_column)
        header = rows[start]
        return [dict(zip(header, r, strict=False)) for r in rows[start + 1:] if any(v is not None for v in r)]

    def validasi(self) -> list[dict]:
        return self.records("Validasi", "Tingkat")

    def ringkasan(self) -> dict[str, dict]:
        return {r["Berkas"]: r for r in self.records("Ringkasan", "Berkas")}

    def problems(self, file: str | None = None, rule: str | None = None) -> list[dict]:
        return [p for p in self.validasi() if (file is None or p["Berkas"] == file) and (rule is None or p["Aturan"] == rule)]


def run_pipeline(inputs: Path, outputs: Path, period: str | None = None) -> Report:
    """``lkjip run`` in-process, then the written workbook opened with openpyxl."""
    from pipeline.cli import main

    args = ["run", "--inputs", str(inputs), "--outputs", str(outputs)]
    if period:
        args += ["--period", period]
    assert main(args) == 0
    found = sorted(outputs.glob("*/laporan-kinerja-*.xlsx"))
    assert len(found) == 1, found
    return Report(found[0], openpyxl.load_workbook(found[0]))


@pytest.fixture(scope="session")
def build():
    """The builders, for test modules (test folders are not packages)."""
    return SimpleNamespace(
        realisasi_xlsx=realisasi_xlsx, odk_xlsx=odk_xlsx, odk_csv=odk_csv, hostile_files=hostile_files,
        copy_inputs=copy_inputs, run_pipeline=run_pipeline, simple_xlsx=simple_xlsx, rewrite=rewrite,
        replace_text=replace_text, HEADER=HEADER, ODK_HEADER=ODK_HEADER, TITLE_DES=TITLE_DES,
        now=time.time(), get_column_letter=get_column_letter,
    )
