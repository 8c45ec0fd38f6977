"""Safety checks on a dropped file, before any parser touches it.

Staff drop workbooks in a shared folder, and some of what lands there is broken
(a copy still in progress, a legacy ``.xls`` renamed) or hostile (a zip bomb, an
XML part with a DTD, a sheet claiming the cell ``XFD1048576``).  The readers
behind this module (calamine in a sandboxed child, openpyxl with defusedxml)
are the second line of defence; this module is the first.  It only looks at
bytes: magic numbers, the zip central directory and, streaming and capped, the
decompressed XML parts, with byte searches and regular expressions rather than
an XML parser.

``inspect_file`` returns a :class:`Verdict` with the kind of file, its SHA-256
and the problems found, each with an Indonesian reason for the staff.
"""

from __future__ import annotations

import hashlib
import posixpath
import re
import zipfile
import zlib
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.problems import ERROR, Problem, problem

# --- limits -----------------------------------------------------------------
MAX_ENTRIES = 10_000  # zip entries
MAX_TOTAL_UNCOMPRESSED = 1 << 30  # 1 GiB over all entries
MAX_RATIO = 100  # uncompressed / compressed, as Apache POI's MIN_INFLATE_RATIO 0.01
RATIO_MIN_SIZE = 1 << 20  # ... checked once an entry is larger than 1 MiB
MAX_COLUMNS = 1_000
MAX_ROWS = 2_000_000
MAX_CELLS = 50_000_000
MAX_XLSX_BYTES = 512 << 20  # the compressed file itself
MAX_CSV_BYTES = 512 << 20
MAX_META_PART = 16 << 20  # workbook.xml, its rels: read whole, with this cap
CSV_SNIFF = 64 << 10
CHUNK = 8 << 20  # streaming read size
OVERLAP = 512  # bytes kept from the previous chunk so a match can straddle

ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

UNSUPPORTED_EXTENSIONS = {".xls", ".xlsm", ".xlsb", ".ods", ".numbers", ".xltx", ".xltm", ".xlam", ".fods"}

# --- Indonesian reasons -----------------------------------------------------
R_LEGACY_XLS = "format .xls lama (Excel 97-2003), simpan ulang sebagai .xlsx"
R_ENCRYPTED = "berkas dilindungi kata sandi; hapus kata sandinya di Excel lalu simpan ulang"
R_MACRO = "berisi makro (VBA); simpan ulang sebagai Excel Workbook (.xlsx) tanpa makro"
R_DTD = "bagian XML {part} berisi deklarasi DOCTYPE/ENTITY (berpotensi serangan XXE atau 'billion laughs')"
R_XML_ENCODING = "bagian XML {part} tidak berkodean UTF-8"
R_TOO_MANY_ENTRIES = "arsip berisi {n} bagian (batas {limit}); kemungkinan bom zip"
R_TOO_BIG = "isi arsip jika dibuka berukuran {size} (batas {limit}); kemungkinan bom zip"
R_RATIO = "bagian {part} memampat {ratio:.0f} kali (batas {limit} kali); kemungkinan bom zip"
R_SIZE_LIE = "ukuran bagian {part} saat dibuka melebihi ukuran yang tercatat di arsip"
R_RANGE = "rentang sel tidak wajar di lembar {sheet}: {detail}"
R_NOT_WORKBOOK = "arsip zip ini bukan workbook Excel (.xlsx): bagian xl/workbook.xml tidak ada"
R_ODS = "berkas OpenDocument (.ods) yang diberi nama .xlsx; simpan ulang sebagai .xlsx"
R_FILE_TOO_BIG = "ukuran berkas {size} melebihi batas {limit}"
R_CSV_BINARY = "berkas .csv ini bukan teks (berisi karakter NUL); mungkin berkas Excel yang diganti namanya"
R_CSV_IS_EXCEL = "berkas .csv ini sebenarnya berkas Excel; beri nama .xlsx atau ekspor ulang sebagai CSV"
R_ZIP_UNSUPPORTED = "metode pemampatan zip tidak didukung ({detail})"
R_DUPLICATE_ENTRY = "arsip berisi bagian bernama ganda ({part})"


@dataclass
class Verdict:
    """What :func:`inspect_file` found about one file."""

    kind: str | None  # "xlsx" | "csv" | None
    sha256: str
    size: int
    problems: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not any(p.severity == ERROR for p in self.problems)


@dataclass(frozen=True)
class SheetPart:
    """A sheet as listed in ``xl/workbook.xml``, with its part in the zip."""

    name: str
    part: str | None  # zip entry name, e.g. "xl/worksheets/sheet1.xml"
    state: str  # "visible" | "hidden" | "veryHidden"
    kind: str  # "worksheet" | "chartsheet" | "dialogsheet" | "macrosheet" | ""


class _Reject(Exception):
    """Stop inspecting: the file is rejected with this problem."""

    def __init__(self, item: Problem):
        super().__init__(item.message)
        self.item = item


def assert_openpyxl_uses_defusedxml() -> None:
    """Raise unless openpyxl parses XML through defusedxml (checked at start-up)."""
    try:
        from openpyxl import xml as openpyxl_xml
    except ImportError as exc:  # pragma: no cover - openpyxl is a dependency
        raise RuntimeError("openpyxl tidak terpasang") from exc
    if getattr(openpyxl_xml, "DEFUSEDXML", False) is not True:
        raise RuntimeError(
            "openpyxl is not using defusedxml (openpyxl.xml.DEFUSEDXML is False): "
            "install defusedxml and do not set OPENPYXL_DEFUSEDXML=False"
        )


# --- public entry point -------------------------------------------------------


_remembered: dict[tuple, Verdict] | None = None  # see remembered_verdicts()


@contextmanager
def remembered_verdicts() -> Iterator[None]:
    """Within this block, a file inspected again unchanged is not read again.

    A run inspects each file more than once (before reading it, and again in the
    reader; the realisation files once more to choose the period).  A file is
    "unchanged" when its size, modification time, change time and inode are the
    same; a file replaced in between is inspected afresh.
    """
    global _remembered
    previous = _remembered
    _remembered = {} if previous is None else previous
    try:
        yield
    finally:
        _remembered = previous


def _stat_key(path: Path, display_name: str) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (str(path.resolve()), display_name, st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def inspect_file(path: Path, display_name: str) -> Verdict:
    """Check one dropped file before any parser reads it."""
    path = Path(path)
    memo = _remembered
    key = _stat_key(path, display_name) if memo is not None else None
    if key is not None and key in memo:
        known = memo[key]
        return Verdict(known.kind, known.sha256, known.size, list(known.problems))
    verdict = _inspect_file(path, display_name)
    if key is not None and key == _stat_key(path, display_name):  # unchanged while it was read
        memo[key] = Verdict(verdict.kind, verdict.sha256, verdict.size, list(verdict.problems))
    return verdict


def _inspect_file(path: Path, display_name: str) -> Verdict:
    ext = path.suffix.lower()
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            digest = hashlib.file_digest(fh, "sha256").hexdigest()
            fh.seek(0)
            head = fh.read(4096)
    except OSError as exc:
        return Verdict(None, "", 0, [problem("file_not_readable", file=display_name, reason=_os_reason(exc))])

    verdict = Verdict(None, digest, size, [])
    if size == 0 or not head.strip(b"\x00"):
        # 0 bytes, or a pre-allocated file still full of zeros: a copy in progress
        verdict.problems.append(problem("file_incomplete", file=display_name))
        return verdict
    if ext == ".csv":
        verdict.kind = "csv"
        verdict.problems.extend(_check_csv(path, head, size, display_name))
        return verdict
    if ext != ".xlsx":
        verdict.problems.append(problem("file_format_unsupported", file=display_name, value=ext or "(tanpa ekstensi)"))
        return verdict

    if head.startswith(OLE2_MAGIC):
        reason = R_ENCRYPTED if _ole2_encrypted(path) else R_LEGACY_XLS
        verdict.problems.append(problem("file_not_readable", file=display_name, reason=reason))
        return verdict
    if not (head.startswith(ZIP_MAGIC) or head.startswith(EMPTY_ZIP_MAGIC)):
        if head.startswith(b"PK"):
            verdict.problems.append(problem("file_incomplete", file=display_name))
        else:
            verdict.problems.append(problem("file_not_readable", file=display_name, reason=_guess_not_xlsx(head)))
        return verdict
    verdict.kind = "xlsx"
    if size > MAX_XLSX_BYTES:
        verdict.problems.append(
            problem("file_unsafe", file=display_name, reason=R_FILE_TOO_BIG.format(size=_human(size), limit=_human(MAX_XLSX_BYTES)))
        )
        return verdict
    try:
        verdict.problems.extend(_check_xlsx(path, display_name))
    except _Reject as rejected:
        verdict.problems.append(rejected.item)
    return verdict


# --- CSV ------------------------------------------------------------------------


def _check_csv(path: Path, head: bytes, size: int, display_name: str) -> list[Problem]:
    if head.startswith((ZIP_MAGIC, OLE2_MAGIC)):
        return [problem("file_not_readable", file=display_name, reason=R_CSV_IS_EXCEL)]
    if size > MAX_CSV_BYTES:
        return [problem("file_unsafe", file=display_name, reason=R_FILE_TOO_BIG.format(size=_human(size), limit=_human(MAX_CSV_BYTES)))]
    with path.open("rb") as fh:
        sniff = fh.read(CSV_SNIFF)
    if sniff.startswith((b"\xff\xfe", b"\xfe\xff")):
        return [problem("file_not_readable", file=display_name, reason="berkas CSV berkodean UTF-16; ekspor ulang sebagai CSV UTF-8")]
    if b"\x00" in sniff:
        return [problem("file_not_readable", file=display_name, reason=R_CSV_BINARY)]
    return []


# --- OLE2 / not-a-zip -----------------------------------------------------------------

_ENCRYPTION_MARKERS = (
    "EncryptionInfo".encode("utf-16-le"),
    "EncryptedPackage".encode("utf-16-le"),
    b"EncryptionInfo",
)


def _ole2_encrypted(path: Path) -> bool:
    """An encrypted xlsx is an OLE2 container holding an ``EncryptionInfo`` stream."""
    tail = b""
    with path.open("rb") as fh:
        while chunk := fh.read(CHUNK):
            window = tail + chunk
            if any(marker in window for marker in _ENCRYPTION_MARKERS):
                return True
            tail = window[-64:]
    return False


def _guess_not_xlsx(head: bytes) -> str:
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text.startswith((b"<!doctype html", b"<html", b"<table", b"<head", b"<meta")) or b"<html" in text[:1024]:
        what = "halaman web (HTML) yang diberi nama .xlsx"
    elif text.startswith(b"<?xml") and b"urn:schemas-microsoft-com:office:spreadsheet" in head:
        what = "XML Spreadsheet 2003 yang diberi nama .xlsx"
    elif text.startswith((b"<?xml", b"<")):
        what = "berkas XML yang diberi nama .xlsx"
    elif text.startswith(b"%pdf"):
        what = "berkas PDF yang diberi nama .xlsx"
    elif b"\x00" not in head:
        what = "berkas teks/CSV yang diberi nama .xlsx"
    else:
        what = "berkas dengan format tidak dikenal"
    return f"isi berkas bukan workbook Excel .xlsx ({what}); buka di Excel lalu simpan sebagai .xlsx"


# --- xlsx ----------------------------------------------------------------------------


def _check_xlsx(path: Path, display_name: str) -> list[Problem]:
    def unsafe(reason: str, sheet: str = "") -> _Reject:
        return _Reject(problem("file_unsafe", file=display_name, sheet=sheet, reason=reason))

    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError, OSError):
        # PK magic but no readable central directory: truncated while copying
        raise _Reject(problem("file_incomplete", file=display_name)) from None
    with zf:
        infos = zf.infolist()
        # 1. the central directory, before decompressing anything
        if len(infos) > MAX_ENTRIES:
            raise unsafe(R_TOO_MANY_ENTRIES.format(n=len(infos), limit=MAX_ENTRIES))
        total = sum(i.file_size for i in infos)
        if total > MAX_TOTAL_UNCOMPRESSED:
            raise unsafe(R_TOO_BIG.format(size=_human(total), limit=_human(MAX_TOTAL_UNCOMPRESSED)))
        seen: set[str] = set()
        for info in infos:
            if info.filename in seen:
                raise unsafe(R_DUPLICATE_ENTRY.format(part=info.filename))
            seen.add(info.filename)
            if _ratio_exceeded(info.file_size, info.compress_size):
                raise unsafe(R_RATIO.format(part=info.filename, ratio=_ratio(info.file_size, info.compress_size), limit=MAX_RATIO))
            base = posixpath.basename(info.filename).lower()
            if base.startswith("vbaproject") and base.endswith(".bin"):
                raise unsafe(R_MACRO)
            if info.flag_bits & 0x1:
                raise _Reject(problem("file_not_readable", file=display_name, reason=R_ENCRYPTED))
        names = {i.filename for i in infos}
        if "xl/workbook.xml" not in names:
            if "mimetype" in names and b"opendocument" in zf.read("mimetype")[:200]:
                raise _Reject(problem("file_not_readable", file=display_name, reason=R_ODS))
            raise _Reject(problem("file_not_readable", file=display_name, reason=R_NOT_WORKBOOK))

        # 2. every part, streamed with caps
        scanner = _ZipScanner(zf, display_name)
        sheet_names: dict[str, str] = {}
        try:
            for sheet in workbook_sheets(zf, reader=scanner.read_small):
                if sheet.part:
                    sheet_names[sheet.part] = sheet.name
            worksheet_parts = set(sheet_names) | {
                n for n in names if n.startswith(("xl/worksheets/", "xl/dialogsheets/", "xl/macrosheets/")) and n.endswith(".xml")
            }
            with ThreadPoolExecutor(max_workers=1, thread_name_prefix="lkjip-unzip") as pool:
                for info in infos:
                    if info.filename in scanner.scanned or not _is_xml(info.filename):
                        continue
                    if info.filename in worksheet_parts:
                        _scan_sheet(scanner, pool, info, sheet_names.get(info.filename) or info.filename)
                    else:
                        scanner.scan_xml(pool, info)
        except _Reject:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError):
            raise _Reject(problem("file_incomplete", file=display_name)) from None
        except NotImplementedError as exc:
            raise _Reject(problem("file_not_readable", file=display_name, reason=R_ZIP_UNSUPPORTED.format(detail=exc))) from None
        except RuntimeError as exc:  # zipfile: encrypted entry
            raise _Reject(problem("file_not_readable", file=display_name, reason=R_ENCRYPTED)) from exc
    return []


def _is_xml(name: str) -> bool:
    lower = name.lower()
    return lower.endswith((".xml", ".rels", ".vml"))


def _ratio(size: int, compressed: int) -> float:
    return size / max(compressed, 1)


def _ratio_exceeded(size: int, compressed: int) -> bool:
    return size > RATIO_MIN_SIZE and size > MAX_RATIO * max(compressed, 1)


class _ZipScanner:
    """Streams zip entries with caps on what is actually decompressed."""

    def __init__(self, zf: zipfile.ZipFile, display_name: str):
        self.zf = zf
        self.display_name = display_name
        self.total = 0
        self.scanned: set[str] = set()

    def unsafe(self, reason: str, sheet: str = "") -> _Reject:
        return _Reject(problem("file_unsafe", file=self.display_name, sheet=sheet, reason=reason))

    def chunks(self, info: zipfile.ZipInfo, pool: ThreadPoolExecutor | None = None) -> Iterator[bytes]:
        """Decompressed chunks of one entry; the next chunk is read ahead in ``pool``."""
        self.scanned.add(info.filename)
        seen = 0
        with self.zf.open(info) as fh:
            pending = pool.submit(fh.read, CHUNK) if pool else None
            while True:
                data = pending.result() if pending else fh.read(CHUNK)
                if not data:
                    return
                seen += len(data)
                self.total += len(data)
                # do not trust the declared sizes: check what is really coming out
                if seen > info.file_size:
                    raise self.unsafe(R_SIZE_LIE.format(part=info.filename))
                if self.total > MAX_TOTAL_UNCOMPRESSED:
                    raise self.unsafe(R_TOO_BIG.format(size=_human(self.total), limit=_human(MAX_TOTAL_UNCOMPRESSED)))
                if _ratio_exceeded(seen, info.compress_size):
                    raise self.unsafe(R_RATIO.format(part=info.filename, ratio=_ratio(seen, info.compress_size), limit=MAX_RATIO))
                if pool:
                    pending = pool.submit(fh.read, CHUNK)
                yield data

    def windows(self, info: zipfile.ZipInfo, pool: ThreadPoolExecutor | None = None) -> Iterator[tuple[bytes, int]]:
        """Chunks with the last ``OVERLAP`` bytes of the previous one in front.

        Yields ``(window, start)`` where ``window[start:]`` is new data; a match
        ending after ``start`` has not been seen before.  Each window is checked
        for DTDs and for a non-UTF-8 encoding on the way.
        """
        tail = b""
        first = True
        for data in self.chunks(info, pool):
            window = tail + data
            if first:
                _check_encoding(self, info.filename, data)
                first = False
            _check_dtd(self, info.filename, window)
            yield window, len(tail)
            tail = window[-OVERLAP:]

    def scan_xml(self, pool: ThreadPoolExecutor | None, info: zipfile.ZipInfo) -> None:
        for _ in self.windows(info, pool):
            pass

    def read_small(self, name: str) -> bytes | None:
        """A small metadata part, whole (scanned like any XML part)."""
        try:
            info = self.zf.getinfo(name)
        except KeyError:
            return None
        if info.file_size > MAX_META_PART:
            raise self.unsafe(R_TOO_BIG.format(size=_human(info.file_size), limit=_human(MAX_META_PART)))
        parts = [w[s:] for w, s in self.windows(info)]
        return b"".join(parts)


def _check_dtd(scanner: _ZipScanner, part: str, window: bytes) -> None:
    """Reject ``<!DOCTYPE``, ``<!ENTITY`` or any other ``<!`` declaration in an XML part.

    Only comments (``<!--``) and CDATA (``<![CDATA[``) may start with ``<!`` in
    a spreadsheet part; searching for the rare ``!`` is much faster than for ``<``.
    """
    pos = window.find(b"!")
    while pos != -1:
        if pos > 0 and window[pos - 1] == 0x3C:  # "<!"
            after = window[pos + 1 : pos + 8]
            if not (after.startswith(b"--") or after.startswith(b"[CDATA[")):
                if len(after) == 7 or not (b"--".startswith(after) or b"[CDATA[".startswith(after)):
                    raise scanner.unsafe(R_DTD.format(part=part))
                # cut at the end of the window: the next (overlapping) window decides
        pos = window.find(b"!", pos + 1)


_XML_DECL_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?\sencoding\s*=\s*["']([^"']*)["']""")
_ALLOWED_ENCODINGS = {b"utf-8", b"utf8", b"us-ascii", b"ascii"}


def _check_encoding(scanner: _ZipScanner, part: str, data: bytes) -> None:
    """Spreadsheet parts are UTF-8; anything else (UTF-16, UTF-7 ...) could hide a DTD from the byte scan."""
    head = data[:4]
    if head.startswith((b"\xff\xfe", b"\xfe\xff")) or (len(head) >= 2 and (head[0] == 0 or head[1] == 0)):
        raise scanner.unsafe(R_XML_ENCODING.format(part=part))
    m = _XML_DECL_ENCODING.match(data.removeprefix(b"\xef\xbb\xbf")[:512])
    if m and m.group(1).strip().lower() not in _ALLOWED_ENCODINGS:
        raise scanner.unsafe(R_XML_ENCODING.format(part=part))


# --- worksheet parts: used range ------------------------------------------------

# a cell reference with two or more letters, or with a row of 7 or more digits,
# in any spelling XML allows (whitespace around '=', either quote)
_SUSPECT_REF = r"""\sr\s*=\s*["']\s*(?:[A-Za-z]{2}|[A-Za-z]*\d{7})"""
_SUSPECT_REF_FULL = r"""\sr\s*=\s*["']\s*(?:[A-Za-z]{2,}\d+|[A-Za-z]?\d{7,})"""
_DIMENSION = re.compile(rb"""<(?:\w+:)?dimension\s[^>]*?\bref\s*=\s*["']\s*([^"']*)["']""")
_ROW_REF = re.compile(rb"""<(?:\w+:)?row\b[^>]*?\sr\s*=\s*["']\s*(\d+)""")
_CELL = re.compile(r"^\$?([A-Za-z]+)\$?(\d+)$")


@dataclass
class _Range:
    max_col: int = 0  # exact maximum over the suspect references (0: none)
    max_row: int = 0  # maximum over suspect references and <row r="...">


def _scan_sheet(scanner: _ZipScanner, pool: ThreadPoolExecutor, info: zipfile.ZipInfo, sheet: str) -> None:
    import polars as pl  # the pipeline's dataframe library; its regex engine is fast

    found = _Range()
    dimension_checked = False
    for window, start in scanner.windows(info, pool):
        if not dimension_checked:
            m = _DIMENSION.search(window)
            if m:
                _check_dimension(scanner, sheet, m.group(1).decode("ascii", "replace"))
                dimension_checked = True
            elif b"<sheetData" in window or b":sheetData" in window:
                dimension_checked = True
        # the last row element of the window estimates the rows of plain references
        last = window.rfind(b"<row", start)
        if last != -1:
            m = _ROW_REF.match(window, last)
            if m:
                found.max_row = max(found.max_row, int(m.group(1)[:12]))
        text = pl.Series([window.decode("utf-8", "replace")])
        if not text.str.contains(_SUSPECT_REF).item():
            continue
        # rare: a wide sheet or a huge row.  Get the exact references.
        refs = text.str.extract_all(_SUSPECT_REF_FULL).explode().drop_nulls()
        parts = refs.str.extract_groups(r"([A-Za-z]*)(\d+)$")
        letters = parts.struct.field("1").str.to_uppercase().unique().to_list()
        digits = parts.struct.field("2")
        longest = digits.str.len_bytes().max()
        if longest is not None and longest > 12:
            raise scanner.unsafe(R_RANGE.format(sheet=sheet, detail="nomor baris lebih dari 12 digit"), sheet=sheet)
        max_digit = digits.cast(pl.Int64, strict=False).max()
        if max_digit is not None:
            found.max_row = max(found.max_row, int(max_digit))
        for word in letters:
            if word and len(word) > 3:
                raise scanner.unsafe(R_RANGE.format(sheet=sheet, detail=f"kolom {word} di luar batas Excel"), sheet=sheet)
            if word:
                found.max_col = max(found.max_col, _column_number(word))
        _check_extent(scanner, sheet, found.max_col, found.max_row)
    _check_extent(scanner, sheet, max(found.max_col, 26), found.max_row)


def _check_dimension(scanner: _ZipScanner, sheet: str, ref: str) -> None:
    end = ref.split(":")[-1].strip()
    m = _CELL.match(end)
    if not m:
        return
    col, row = _column_number(m.group(1).upper()), int(m.group(2)[:12])
    _check_extent(scanner, sheet, col, row, source=f"dimensi {ref}")


def _check_extent(scanner: _ZipScanner, sheet: str, max_col: int, max_row: int, source: str = "") -> None:
    detail = ""
    if max_col > MAX_COLUMNS:
        detail = f"kolom sampai nomor {max_col:,} (batas {MAX_COLUMNS:,})"
    elif max_row > MAX_ROWS:
        detail = f"baris sampai nomor {max_row:,} (batas {MAX_ROWS:,})"
    elif max_col * max_row > MAX_CELLS:
        detail = f"sekitar {max_col * max_row:,} sel (batas {MAX_CELLS:,})"
    if detail:
        if source:
            detail = f"{source}: {detail}"
        raise scanner.unsafe(R_RANGE.format(sheet=sheet, detail=detail.replace(",", ".")), sheet=sheet)


def _column_number(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + (ord(ch) - 64)
    return n


# --- workbook.xml: sheets, their parts and their visibility -----------------------------

_SHEET_TAG = re.compile(rb"<(?:\w+:)?sheet\s([^>]*?)/?>", re.S)
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REL_TAG = re.compile(rb"<(?:\w+:)?Relationship\s([^>]*?)/?>", re.S)


def attributes(tag_body: bytes) -> dict[str, str]:
    """Attributes of one start tag (namespace prefixes dropped, entities decoded)."""
    from html import unescape

    out: dict[str, str] = {}
    for m in _ATTR.finditer(tag_body):
        name = m.group(1).decode("utf-8", "replace")
        value = m.group(2) if m.group(2) is not None else m.group(3)
        local = name.split(":")[-1]
        if name.startswith("xmlns"):
            continue
        # r:id and a plain id are different attributes; keep the prefixed one as "r:id"
        key = "r:id" if (":" in name and local == "id") else local
        out[key] = unescape(value.decode("utf-8", "replace"))
    return out


def workbook_sheets(zf: zipfile.ZipFile, reader=None) -> list[SheetPart]:
    """Sheets of ``xl/workbook.xml`` in workbook order, with their zip parts."""

    def read(name: str) -> bytes | None:
        if reader is not None:
            return reader(name)
        try:
            info = zf.getinfo(name)
        except KeyError:
            return None
        if info.file_size > MAX_META_PART:
            return None
        with zf.open(info) as fh:
            return fh.read(MAX_META_PART)

    workbook = read("xl/workbook.xml") or b""
    rels_xml = read("xl/_rels/workbook.xml.rels") or b""
    rels: dict[str, tuple[str, str]] = {}
    for m in _REL_TAG.finditer(rels_xml):
        attrs = attributes(m.group(1))
        target = attrs.get("Target", "")
        if not target or attrs.get("TargetMode") == "External":
            continue
        if target.startswith("/"):
            part = posixpath.normpath(target.lstrip("/"))
        else:
            part = posixpath.normpath(posixpath.join("xl", target))
        kind = attrs.get("Type", "").rsplit("/", 1)[-1]
        rels[attrs.get("Id", "")] = (part, kind)
    sheets: list[SheetPart] = []
    for m in _SHEET_TAG.finditer(workbook):
        attrs = attributes(m.group(1))
        part, kind = rels.get(attrs.get("r:id", ""), (None, ""))
        state = attrs.get("state", "visible")
        sheets.append(SheetPart(name=attrs.get("name", ""), part=part, state=state, kind=kind))
    return sheets


# --- helpers ------------------------------------------------------------------------------


def _human(size: int) -> str:
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if size >= scale:
            return f"{size / scale:.1f} {unit}".replace(".", ",")
    return f"{size} byte"


def _os_reason(exc: OSError) -> str:
    return f"berkas tidak bisa dibuka ({exc.strerror or exc.__class__.__name__})"
