"""Inputs of any size, for benchmarks: ``python -m pipeline.samples --koperasi N --seed S --out DIR``.

Writes the calibrated referensi and six bidang files (the same as the sample)
and an ODK export of ``N`` cooperatives over Tahun Buku 2023 and 2024, with
the messiness real exports have:

- a title block above the header, NIK as text, an extra ``No`` column;
- a share of the money cells typed as Indonesian text (``Rp 1.234.567``,
  ``1.234.567,00``) instead of numbers;
- a few duplicate (NIK, Tahun Buku) rows with an older Tanggal Update
  (:func:`pipeline.samples.writer.odk_rows`);
- a few bad rows, one kind each in turn (see :data:`BAD_KINDS`), that the
  pipeline rejects with an ``Error``.

Deterministic from the seed.  openpyxl's write-only mode writes about 2,000
rows a second, so this export is written straight as SpreadsheetML (shared
strings, styles, one sheet), streamed into the zip: about 20 times faster, and
memory stays flat apart from the shared-string table.
"""

from __future__ import annotations

import random
import zipfile
from collections.abc import Iterator, Sequence
from datetime import date
from pathlib import Path
from xml.sax.saxutils import escape

from pipeline.samples.bundled import generate
from pipeline.samples.writer import ODK_HEADERS, ODK_WIDTHS, bulan, odk_rows

YEARS = (2023, 2024)
DOWNLOADED = date(2025, 1, 15)

# the kinds of bad row, in turn; each is rejected by the pipeline with an Error
BAD_KINDS = (
    "volume_not_a_number",  # "12,5 juta"
    "volume_negative",  # -1234
    "nik_short",  # 15 digits
    "kabupaten_unknown",  # not in the referensi's Statistik
    "status_unknown",  # "Bubar"
    "nama_missing",  # empty
)


def default_duplicates(n_koperasi: int) -> int:
    return max(3, n_koperasi // 1000)


def default_bad_rows(n_koperasi: int) -> int:
    return max(len(BAD_KINDS), n_koperasi // 2000)


def odk_path(n_koperasi: int) -> Path:
    return Path("odk") / f"ODK {n_koperasi} koperasi.xlsx"


def _money_text(value: int, style: int) -> str:
    text = f"{abs(value):,}".replace(",", ".")
    text = f"Rp {text}" if style == 0 else f"{text},00"
    return f"-{text}" if value < 0 else text


def messy_odk_rows(
    n_koperasi: int,
    years: Sequence[int] = YEARS,
    seed: int = 7,
    *,
    duplicates: int | None = None,
    bad_rows: int | None = None,
    text_share: float = 0.02,
) -> Iterator[dict]:
    """:func:`odk_rows` with text numbers and bad rows; a bad row carries ``_bad`` (its kind), not written."""
    duplicates = default_duplicates(n_koperasi) if duplicates is None else duplicates
    bad_rows = default_bad_rows(n_koperasi) if bad_rows is None else bad_rows
    rng = random.Random(f"{seed}:messy")
    bad_at = sorted(rng.sample(range(n_koperasi), min(bad_rows, n_koperasi)))
    bad_kind = {coop: BAD_KINDS[i % len(BAD_KINDS)] for i, coop in enumerate(bad_at)}
    coop, last_nik = -1, None
    for row in odk_rows(n_koperasi, years, seed, duplicates=duplicates, downloaded=DOWNLOADED):
        if row["nik"] != last_nik:
            coop, last_nik = coop + 1, row["nik"]
            first = True
        else:
            first = False
        row = dict(row)
        if rng.random() < text_share:
            for key in ("volume_usaha", "modal_sendiri"):
                row[key] = _money_text(row[key], rng.randrange(2))
        kind = bad_kind.get(coop) if first else None
        if kind:
            row["_bad"] = kind
            if kind == "volume_not_a_number":
                row["volume_usaha"] = "12,5 juta"
            elif kind == "volume_negative":
                row["volume_usaha"] = -rng.randint(1_000, 9_999_999)
            elif kind == "nik_short":
                row["nik"] = row["nik"][1:]
            elif kind == "kabupaten_unknown":
                row["kabupaten"] = "Kabupaten Atlantis"
            elif kind == "status_unknown":
                row["status"] = "Bubar"
            elif kind == "nama_missing":
                row["nama"] = None
        yield row


# --- a streaming SpreadsheetML writer --------------------------------------------------

_FIXED = (2025, 1, 6, 8, 0, 0)  # zip entry time: reproducible files
_EPOCH = date(1899, 12, 30)
# cellXfs: 0 default, 1 bold title, 2 text (@), 3 #,##0, 4 dd/mm/yyyy, 5 bold header
_STYLES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">
<numFmts count="1"><numFmt numFmtId="164" formatCode="dd/mm/yyyy"/></numFmts>
<fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts>
<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>
<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>
<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>
<cellXfs count="6">
<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
<xf numFmtId="49" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="3" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="164" fontId="0" fillId="0" borderId="0" xfId="0" applyNumberFormat="1"/>
<xf numFmtId="0" fontId="1" fillId="0" borderId="0" xfId="0" applyFont="1"/>
</cellXfs>
<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>
</styleSheet>"""
_CONTENT_TYPES = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">
<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>
<Default Extension="xml" ContentType="application/xml"/>
<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>
<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>
<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>
<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>
</Types>"""
_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>
</Relationships>"""
_WORKBOOK = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">
<sheets><sheet name="{name}" sheetId="1" r:id="rId1"/></sheets>
</workbook>"""
_WORKBOOK_RELS = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">
<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>
<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>
<Relationship Id="rId3" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/>
</Relationships>"""
_LETTERS = [chr(65 + i) for i in range(len(ODK_HEADERS))]
# per data column: (key, kind, style); kinds: n number, s text, d date, m money (number or text)
_COLUMNS = (("no", "n", 0), ("nik", "s", 2), ("nama", "s", 0), ("kabupaten", "s", 0), ("jenis", "s", 0),
            ("status", "s", 0), ("tahun_buku", "n", 0), ("anggota", "m", 3), ("modal_sendiri", "m", 3),
            ("modal_luar", "m", 3), ("volume_usaha", "m", 3), ("shu", "m", 3), ("digital", "s", 0),
            ("tanggal_update", "d", 4))


def write_odk_xlsx(path: Path | str, rows: Iterator[dict], *, provinsi: str = "Indonesia",
                   sheet: str = "Data Koperasi") -> Path:
    """Stream ``rows`` (dicts as :func:`odk_rows` gives) to an ODK export under a title block."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    strings: dict[str, int] = {}

    def sst(text: str) -> int:
        index = strings.get(text)
        if index is None:
            index = strings[text] = len(strings)
        return index

    def text_cell(ref: str, text: str, style: int = 0) -> str:
        s = f' s="{style}"' if style else ""
        return f'<c r="{ref}"{s} t="s"><v>{sst(text)}</v></c>'

    def info(name: str) -> zipfile.ZipInfo:
        zi = zipfile.ZipInfo(name, date_time=_FIXED)
        zi.compress_type = zipfile.ZIP_DEFLATED
        return zi

    cols = "".join(f'<col min="{i}" max="{i}" width="{w}" customWidth="1"/>' for i, w in enumerate(ODK_WIDTHS, 1))
    with zipfile.ZipFile(path, "w", compresslevel=6) as zf:
        zf.writestr(info("[Content_Types].xml"), _CONTENT_TYPES)
        zf.writestr(info("_rels/.rels"), _RELS)
        zf.writestr(info("xl/workbook.xml"), _WORKBOOK.format(name=escape(sheet)))
        zf.writestr(info("xl/_rels/workbook.xml.rels"), _WORKBOOK_RELS)
        zf.writestr(info("xl/styles.xml"), _STYLES)
        with zf.open(info("xl/worksheets/sheet1.xml"), "w", force_zip64=True) as raw:
            buf: list[str] = []

            def flush() -> None:
                raw.write("".join(buf).encode("utf-8"))
                buf.clear()

            buf.append('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
                       '<sheetViews><sheetView workbookViewId="0"><pane xSplit="2" ySplit="4" topLeftCell="C5" '
                       'activePane="bottomRight" state="frozen"/></sheetView></sheetViews>'
                       f"<cols>{cols}</cols><sheetData>")
            title = f"DATA KOPERASI {provinsi.upper()} \u2014 Sumber: Online Data Koperasi (ODK)"
            buf.append(f'<row r="1">{text_cell("A1", title, 1)}</row>')
            downloaded = f"Diunduh: {DOWNLOADED.day} {bulan(DOWNLOADED.month)} {DOWNLOADED.year}"
            buf.append(f'<row r="2">{text_cell("A2", downloaded)}</row>')
            buf.append('<row r="4">' + "".join(text_cell(f"{_LETTERS[j]}4", h, 5) for j, h in enumerate(ODK_HEADERS))
                       + "</row>")
            r = 4
            for row in rows:
                r += 1
                cells = []
                for letter, (key, kind, style) in zip(_LETTERS, _COLUMNS, strict=True):
                    value = row.get(key)
                    if value is None:
                        continue
                    if kind == "d":
                        cells.append(f'<c r="{letter}{r}" s="4"><v>{(value - _EPOCH).days}</v></c>')
                    elif kind == "s" or isinstance(value, str):
                        s = f' s="{style}"' if style else ""
                        cells.append(f'<c r="{letter}{r}"{s} t="s"><v>{sst(str(value))}</v></c>')
                    else:
                        s = f' s="{style}"' if style else ""
                        cells.append(f'<c r="{letter}{r}"{s}><v>{value}</v></c>')
                buf.append(f'<row r="{r}">{"".join(cells)}</row>')
                if len(buf) >= 2000:
                    flush()
            buf.append("</sheetData></worksheet>")
            flush()
        with zf.open(info("xl/sharedStrings.xml"), "w", force_zip64=True) as raw:
            raw.write(('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                       '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
                       f'count="{len(strings)}" uniqueCount="{len(strings)}">').encode())
            chunk: list[str] = []
            for text in strings:
                chunk.append(f'<si><t xml:space="preserve">{escape(text)}</t></si>')
                if len(chunk) >= 5000:
                    raw.write("".join(chunk).encode("utf-8"))
                    chunk.clear()
            raw.write(("".join(chunk) + "</sst>").encode("utf-8"))
    return path


def generate_sized(out: Path | str, n_koperasi: int, seed: int = 7, **options) -> list[Path]:
    """The sample's referensi and bidang files plus an ODK export of ``n_koperasi`` cooperatives."""
    out = Path(out)
    written = generate(out, odk=False)
    written.append(write_odk_xlsx(out / odk_path(n_koperasi), messy_odk_rows(n_koperasi, YEARS, seed, **options)))
    return written
