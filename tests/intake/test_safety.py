"""inspect_file: broken and hostile files are refused before any parser sees them.

Every file is built here, in tmp_path: an Excel-like package written with
zipfile (shared strings, styles) or an openpyxl workbook with one entry
rewritten.  The helpers are reused by test_workbook.py.
"""

from __future__ import annotations

import hashlib
import struct
import zipfile
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
import pytest

from pipeline.intake import safety
from pipeline.intake.safety import assert_openpyxl_uses_defusedxml, inspect_file

NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"

DEFAULT_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet {NS}>'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.00%"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="4"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="10" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>'
    '<xf numFmtId="14" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/></cellXfs></styleSheet>'
)


def cell(ref: str, value, kind: str = "n", style: int | None = None, shared: list[str] | None = None) -> str:
    """One <c>: kind "n" number, "s" shared string (appended to ``shared``), "inline" inline string."""
    s = f' s="{style}"' if style is not None else ""
    if kind == "s":
        assert shared is not None
        if value not in shared:
            shared.append(value)
        return f'<c r="{ref}"{s} t="s"><v>{shared.index(value)}</v></c>'
    if kind == "inline":
        return f'<c r="{ref}"{s} t="inlineStr"><is><t>{escape(value)}</t></is></c>'
    return f'<c r="{ref}"{s}><v>{value}</v></c>'


def row(number: int, *cells: str) -> str:
    return f'<row r="{number}">{"".join(cells)}</row>'


def write_xlsx(
    path: Path,
    sheets: list[tuple[str, str]],
    *,
    shared: list[str] | None = None,
    states: dict[str, str] | None = None,
    dimension: dict[str, str] | None = None,
    styles: str = DEFAULT_STYLES,
    extra: dict[str, bytes | str] | None = None,
    shared_xml: str | None = None,
) -> Path:
    """An Excel-like package: ``sheets`` is [(name, rows xml)], strings shared like Excel does."""
    states = states or {}
    dimension = dimension or {}
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        for i in range(1, len(sheets) + 1)
    )
    content_types = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        f"{overrides}"
        '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
        '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
        "</Types>"
    )
    root_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    sheet_tags = "".join(
        f'<sheet name="{escape(name)}" sheetId="{i}"{(" state=%s" % chr(34) + states[name] + chr(34)) if name in states else ""} r:id="rId{i}"/>'
        for i, (name, _) in enumerate(sheets, 1)
    )
    workbook = f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<workbook {NS}><sheets>{sheet_tags}</sheets></workbook>'
    n = len(sheets)
    wb_rels = (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        + "".join(f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>' for i in range(1, n + 1))
        + f'<Relationship Id="rId{n + 1}" Type="{REL}/styles" Target="styles.xml"/>'
        + f'<Relationship Id="rId{n + 2}" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        + "</Relationships>"
    )
    shared = shared if shared is not None else []
    if shared_xml is None:
        shared_xml = (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst {NS} count="{len(shared)}" uniqueCount="{len(shared)}">'
            + "".join(f"<si><t>{escape(s)}</t></si>" for s in shared)
            + "</sst>"
        )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", content_types)
        z.writestr("_rels/.rels", root_rels)
        z.writestr("xl/workbook.xml", workbook)
        z.writestr("xl/_rels/workbook.xml.rels", wb_rels)
        z.writestr("xl/styles.xml", styles)
        z.writestr("xl/sharedStrings.xml", shared_xml)
        for i, (name, rows_xml) in enumerate(sheets, 1):
            dim = f'<dimension ref="{dimension[name]}"/>' if name in dimension else ""
            z.writestr(
                f"xl/worksheets/sheet{i}.xml",
                f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet {NS}>{dim}<sheetData>{rows_xml}</sheetData></worksheet>',
            )
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def simple_xlsx(path: Path) -> Path:
    """A small legitimate workbook (openpyxl)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Data"
    ws.append(["Kode", "Uraian", "Pagu"])
    ws.append(["2.17.02.1.01.0001", "Fasilitasi koperasi", 150000000])
    wb.save(path)
    return path


def rewrite(src: Path, dst: Path, replace: dict[str, bytes] | None = None, add: dict[str, bytes] | None = None) -> Path:
    """Copy a package, replacing or adding entries."""
    replace = replace or {}
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = replace.get(info.filename, zin.read(info.filename))
            zout.writestr(info.filename, data)
        for name, data in (add or {}).items():
            zout.writestr(name, data)
    return dst


def patch_declared_size(path: Path, name: str, size: int) -> None:
    """Overwrite an entry's uncompressed size in the central directory (a lying archive)."""
    data = bytearray(path.read_bytes())
    pos = data.find(b"PK\x01\x02")
    while pos != -1:
        name_len = struct.unpack_from("<H", data, pos + 28)[0]
        entry = data[pos + 46 : pos + 46 + name_len].decode()
        if entry == name:
            struct.pack_into("<I", data, pos + 24, size)
        pos = data.find(b"PK\x01\x02", pos + 4)
    path.write_bytes(bytes(data))


def sheet_xml_of(path: Path) -> bytes:
    with zipfile.ZipFile(path) as z:
        return z.read("xl/worksheets/sheet1.xml")


def rules(verdict) -> list[str]:
    return [p.rule for p in verdict.problems]


def reasons(verdict) -> str:
    return " | ".join(p.message for p in verdict.problems)


# --- tests -----------------------------------------------------------------------------


def test_legitimate_workbook_passes(tmp_path):
    path = simple_xlsx(tmp_path / "Realisasi Des 2024 rev2 (final).xlsx")
    verdict = inspect_file(path, "realisasi/Realisasi Des 2024 rev2 (final).xlsx")
    assert verdict.ok and verdict.problems == []
    assert verdict.kind == "xlsx"
    assert verdict.size == path.stat().st_size
    assert verdict.sha256 == hashlib.sha256(path.read_bytes()).hexdigest()


def test_excel_like_package_passes(tmp_path):
    shared: list[str] = []
    rows = row(1, cell("A1", "NIK", "s", shared=shared), cell("B1", "Nama", "s", shared=shared)) + row(
        2, cell("A2", "3201234567890123", "s", shared=shared), cell("B2", 0.1961, style=1)
    )
    verdict = inspect_file(write_xlsx(tmp_path / "odk.xlsx", [("Data Koperasi", rows)], shared=shared), "odk.xlsx")
    assert verdict.ok, reasons(verdict)


def test_empty_file_is_incomplete(tmp_path):
    path = tmp_path / "kosong.xlsx"
    path.write_bytes(b"")
    verdict = inspect_file(path, "kosong.xlsx")
    assert rules(verdict) == ["file_incomplete"] and not verdict.ok
    assert "belum lengkap" in verdict.problems[0].message
    assert verdict.size == 0


def test_preallocated_zero_file_is_incomplete(tmp_path):
    path = tmp_path / "disalin.xlsx"
    path.write_bytes(b"\x00" * 10_000)
    assert rules(inspect_file(path, "disalin.xlsx")) == ["file_incomplete"]


@pytest.mark.parametrize("fraction", [0.3, 0.6, 0.95])
def test_truncated_copy_is_incomplete(tmp_path, fraction):
    good = simple_xlsx(tmp_path / "good.xlsx")
    data = good.read_bytes()
    path = tmp_path / "terpotong.xlsx"
    path.write_bytes(data[: int(len(data) * fraction)])
    verdict = inspect_file(path, "terpotong.xlsx")
    assert rules(verdict) == ["file_incomplete"]


def test_crc_error_is_incomplete(tmp_path):
    path = tmp_path / "crc.xlsx"
    marker = b"MARKER-" + b"x" * 40
    src = simple_xlsx(tmp_path / "good.xlsx")
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zout:
        for info in zin.infolist():
            zout.writestr(info.filename, zin.read(info.filename))
        zout.writestr("docProps/custom.xml", b"<a>" + marker + b"</a>")
    data = bytearray(path.read_bytes())
    data[data.find(marker) + 3] ^= 0x01  # flip one bit of stored data
    path.write_bytes(bytes(data))
    assert rules(inspect_file(path, "crc.xlsx")) == ["file_incomplete"]


@pytest.mark.parametrize("ext", [".xls", ".xlsm", ".xlsb", ".ods", ".numbers", ".XLS"])
def test_unsupported_extensions(tmp_path, ext):
    path = simple_xlsx(tmp_path / f"laporan{ext}")
    verdict = inspect_file(path, path.name)
    assert rules(verdict) == ["file_format_unsupported"]
    assert verdict.problems[0].value == ext.lower()
    assert verdict.kind is None


def ole2(extra: bytes = b"") -> bytes:
    return safety.OLE2_MAGIC + b"\x00" * 504 + extra + b"\x00" * 2048


def test_legacy_xls_renamed_xlsx(tmp_path):
    path = tmp_path / "lama.xlsx"
    path.write_bytes(ole2("Workbook".encode("utf-16-le")))
    verdict = inspect_file(path, "lama.xlsx")
    assert rules(verdict) == ["file_not_readable"]
    assert ".xls lama" in verdict.problems[0].message


def test_encrypted_xlsx_is_rejected(tmp_path):
    path = tmp_path / "rahasia.xlsx"
    path.write_bytes(ole2("EncryptionInfo".encode("utf-16-le") + b"\x00" * 60 + "EncryptedPackage".encode("utf-16-le")))
    verdict = inspect_file(path, "rahasia.xlsx")
    assert rules(verdict) == ["file_not_readable"]
    assert "kata sandi" in verdict.problems[0].message


@pytest.mark.parametrize(
    ("content", "word"),
    [
        (b"<!DOCTYPE html><html><body><table><tr><td>1</td></tr></table></body></html>", "HTML"),
        (b"NIK;Nama Koperasi\n3201;Koperasi Sejahtera\n", "CSV"),
        (b'<?xml version="1.0"?><Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>', "XML Spreadsheet"),
    ],
)
def test_renamed_non_xlsx_content(tmp_path, content, word):
    path = tmp_path / "ekspor.xlsx"
    path.write_bytes(content)
    verdict = inspect_file(path, "ekspor.xlsx")
    assert rules(verdict) == ["file_not_readable"] and word in verdict.problems[0].message


def test_zip_without_workbook_part(tmp_path):
    path = tmp_path / "arsip.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        z.writestr("readme.txt", "halo")
    verdict = inspect_file(path, "arsip.xlsx")
    assert rules(verdict) == ["file_not_readable"] and "xl/workbook.xml" in verdict.problems[0].message


def test_too_many_entries(tmp_path):
    src = simple_xlsx(tmp_path / "good.xlsx")
    path = rewrite(src, tmp_path / "banyak.xlsx", add={f"xl/media/x{i}.txt": b"" for i in range(10_001)})
    verdict = inspect_file(path, "banyak.xlsx")
    assert rules(verdict) == ["file_unsafe"] and "bom zip" in verdict.problems[0].message


def test_compression_ratio_bomb(tmp_path):
    src = simple_xlsx(tmp_path / "good.xlsx")
    path = rewrite(src, tmp_path / "bom.xlsx", add={"xl/media/zeros.xml": b"\x00" * (4 << 20)})
    verdict = inspect_file(path, "bom.xlsx")
    assert rules(verdict) == ["file_unsafe"] and "memampat" in verdict.problems[0].message


def test_small_entries_may_compress_well(tmp_path):
    src = simple_xlsx(tmp_path / "good.xlsx")
    path = rewrite(src, tmp_path / "kecil.xlsx", add={"docProps/padding.xml": b"<a>" + b" " * 500_000 + b"</a>"})
    assert inspect_file(path, "kecil.xlsx").ok


def test_declared_total_over_one_gib(tmp_path):
    src = simple_xlsx(tmp_path / "good.xlsx")
    path = rewrite(src, tmp_path / "besar.xlsx", add={"xl/media/big.bin": b"\x01\x02" * 1000})
    patch_declared_size(path, "xl/media/big.bin", (1 << 30) + 10)
    verdict = inspect_file(path, "besar.xlsx")
    assert rules(verdict) == ["file_unsafe"] and "bom zip" in verdict.problems[0].message


def test_size_lie_is_caught_while_reading(tmp_path):
    """The central directory says 10 bytes; the entry inflates to much more."""
    src = simple_xlsx(tmp_path / "good.xlsx")
    path = rewrite(src, tmp_path / "bohong.xlsx", add={"xl/theme/extra.xml": b"<a>" + b"ab" * 200_000 + b"</a>"})
    patch_declared_size(path, "xl/theme/extra.xml", 10)
    assert not inspect_file(path, "bohong.xlsx").ok


def test_macro_project_is_rejected(tmp_path):
    src = simple_xlsx(tmp_path / "good.xlsx")
    path = rewrite(src, tmp_path / "makro.xlsx", add={"xl/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\x00" * 100})
    verdict = inspect_file(path, "makro.xlsx")
    assert rules(verdict) == ["file_unsafe"] and "makro" in verdict.problems[0].message


BILLION_LAUGHS = (
    b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>'
    b"<sst><si><t>&lol2;</t></si></sst>"
)


@pytest.mark.parametrize(
    ("part", "payload"),
    [
        ("xl/sharedStrings.xml", BILLION_LAUGHS),
        ("docProps/core.xml", b'<?xml version="1.0"?><!DOCTYPE x SYSTEM "file:///etc/passwd"><x/>'),
        ("xl/worksheets/sheet1.xml", b'<?xml version="1.0"?>\n<!ENTITY  x "y"><worksheet/>'),
        ("xl/_rels/workbook.xml.rels", b'<?xml version="1.0"?><!doctype r [<!entity e SYSTEM "http://x">]><Relationships/>'),
    ],
)
def test_dtd_in_any_xml_part(tmp_path, part, payload):
    src = simple_xlsx(tmp_path / "good.xlsx")
    with zipfile.ZipFile(src) as z:
        present = part in z.namelist()
    path = rewrite(src, tmp_path / "dtd.xlsx", replace={part: payload} if present else None, add=None if present else {part: payload})
    verdict = inspect_file(path, "dtd.xlsx")
    assert rules(verdict) == ["file_unsafe"] and "DOCTYPE" in verdict.problems[0].message


def test_comments_and_cdata_are_fine(tmp_path):
    src = simple_xlsx(tmp_path / "good.xlsx")
    path = rewrite(src, tmp_path / "komentar.xlsx", add={"docProps/x.xml": b"<a><!-- catatan! --><![CDATA[ok!]]></a>"})
    assert inspect_file(path, "komentar.xlsx").ok


def test_utf16_xml_part_is_rejected(tmp_path):
    src = simple_xlsx(tmp_path / "good.xlsx")
    payload = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE x><x/>'.encode("utf-16")
    path = rewrite(src, tmp_path / "utf16.xlsx", add={"docProps/x.xml": payload})
    verdict = inspect_file(path, "utf16.xlsx")
    assert rules(verdict) == ["file_unsafe"] and "UTF-8" in verdict.problems[0].message


@pytest.mark.parametrize(
    ("rows", "dimension", "needle"),
    [
        (row(1, cell("A1", 1)) + row(1048576, cell("XFD1048576", 1)), None, "kolom"),
        (row(1, cell("A1", 1)), "A1:XFD1048576", "dimensi"),
        (row(1, cell("A1", 1)) + row(3000000, cell("A3000000", 1)), None, "baris"),
        (row(1, cell("ALM1", 1)), None, "kolom"),  # column 1001
        (row(1, cell("A1", 1)) + row(60000, cell("AHP60000", 1)), None, "sel"),  # 900 x 60,000 = 54 million cells
        (row(1, cell("A1", 1)) + "<row r=\"7\"><c s=\"0\"\n r = 'XFD7'><v>1</v></c></row>", None, "kolom"),
    ],
)
def test_absurd_used_ranges(tmp_path, rows, dimension, needle):
    path = write_xlsx(tmp_path / "luas.xlsx", [("Data", rows)], dimension={"Data": dimension} if dimension else None)
    verdict = inspect_file(path, "luas.xlsx")
    assert rules(verdict) == ["file_unsafe"], reasons(verdict)
    assert "rentang sel tidak wajar" in verdict.problems[0].message and needle in verdict.problems[0].message
    assert verdict.problems[0].sheet == "Data"


def test_cell_budget_is_width_times_height(tmp_path):
    from pipeline.problems import column_letter

    rows = "".join(row(r, *(cell(f"{column_letter(c)}{r}", r * c) for c in range(60))) for r in range(1, 200))
    rows += row(1048576, cell("A1048576", 1))  # 60 x 1,048,576 > 50M only if it were wide down there
    path = write_xlsx(tmp_path / "lebar.xlsx", [("Data", rows)], dimension={"Data": "A1:BH199"})
    verdict = inspect_file(path, "lebar.xlsx")
    # 60 columns and a last row of 1,048,576: 62.9 million cells in calamine's range
    assert rules(verdict) == ["file_unsafe"]
    ok = write_xlsx(tmp_path / "lebar2.xlsx", [("Data", rows.rsplit("<row r=\"1048576\">", 1)[0])])
    assert inspect_file(ok, "lebar2.xlsx").ok


def test_csv_checks(tmp_path):
    good = tmp_path / "odk.csv"
    good.write_bytes("NIK;Nama\n3201;Koperasi Sejahtera\n".encode("cp1252"))
    verdict = inspect_file(good, "odk.csv")
    assert verdict.ok and verdict.kind == "csv"
    binary = tmp_path / "biner.csv"
    binary.write_bytes(b"NIK,Nama\n\x00\x00\x01")
    assert rules(inspect_file(binary, "biner.csv")) == ["file_not_readable"]
    excel = simple_xlsx(tmp_path / "sebenarnya.csv")
    assert rules(inspect_file(excel, "sebenarnya.csv")) == ["file_not_readable"]
    empty = tmp_path / "kosong.csv"
    empty.write_bytes(b"")
    assert rules(inspect_file(empty, "kosong.csv")) == ["file_incomplete"]


def test_openpyxl_defusedxml_guard(monkeypatch):
    assert_openpyxl_uses_defusedxml()
    import openpyxl.xml

    monkeypatch.setattr(openpyxl.xml, "DEFUSEDXML", False)
    with pytest.raises(RuntimeError):
        assert_openpyxl_uses_defusedxml()


def big_odk_xlsx(path: Path, n_rows: int) -> Path:
    shared: list[str] = []
    index: dict[str, int] = {}

    def s(ref: str, text: str) -> str:
        if text not in index:
            index[text] = len(shared)
            shared.append(text)
        return f'<c r="{ref}" t="s"><v>{index[text]}</v></c>'

    parts = [row(1, *(s(f"{c}1", h) for c, h in zip("ABCDEFGHIJKLM", ["NIK", "Nama", "Kab", "Jenis", "Status", "Tahun", "Anggota", "Modal Sendiri", "Modal Luar", "Volume", "SHU", "Digital", "Tanggal"])))]
    for r in range(2, n_rows + 2):
        parts.append(
            f'<row r="{r}" spans="1:13">{s(f"A{r}", f"{3201000000000000 + r * 7919}")}{s(f"B{r}", f"Koperasi {r % 9973}")}'
            f'{s(f"C{r}", "Kota Mataram")}{s(f"D{r}", "Simpan Pinjam")}{s(f"E{r}", "Aktif")}<c r="F{r}"><v>2024</v></c>'
            f'<c r="G{r}"><v>{r % 5000}</v></c><c r="H{r}"><v>{r * 1234567}</v></c><c r="I{r}"><v>{r * 3.25}</v></c>'
            f'<c r="J{r}"><v>{r * 98765}</v></c><c r="K{r}"><v>{-r}</v></c>{s(f"L{r}", "Ya")}<c r="M{r}" s="3"><v>{45000 + r % 600}</v></c></row>'
        )
    return write_xlsx(path, [("Data Koperasi", "".join(parts))], shared=shared, dimension={"Data Koperasi": f"A1:M{n_rows + 1}"})


def test_a_large_legitimate_export_passes(tmp_path):
    # speed is measured by benchmarks/, never asserted in tests
    path = big_odk_xlsx(tmp_path / "odk_besar.xlsx", 40_000)
    verdict = inspect_file(path, "odk_besar.xlsx")
    assert verdict.ok, reasons(verdict)
