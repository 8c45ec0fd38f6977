"""Read workbook sheets as text, in a sandboxed child process; read CSV as text.

Calamine (through fastexcel) is fast, but a hostile or broken file can take
the whole process down: a Rust panic or a failed allocation is not a Python
exception.  So every calamine read happens in a child process
(``python -m pipeline.intake.workbook``) that limits its own address space
(``RLIMIT_AS``) and that the parent kills after a wall-clock timeout without
progress.  One child reads a whole batch; when it dies, the files it had not
finished are read again one per child, so the culprit is isolated and the
others are read normally.  Sheets come back as Arrow IPC files plus a small
JSON of metadata per file.

Every cell comes back as text (``pl.String``), columns named by their true
Excel letters and row ``i`` of the frame being Excel row ``i + 1``.  Two facts
calamine's text loses are recovered from the sheet XML: which cells are TEXT
that looks like a rendered float (``"1.234"``) and which numeric cells have a
percent number format (``0.1961`` shown as ``19,61%``).
"""

from __future__ import annotations

import codecs
import csv
import html
import io
import json
import os
import re
import stat
import subprocess
import sys
import tempfile
import threading
import time
import zipfile
from concurrent.futures import Future
from dataclasses import dataclass, field
from pathlib import Path

import polars as pl

from pipeline.intake.safety import attributes, inspect_file, workbook_sheets
from pipeline.problems import Problem, column_letter, problem

AMBIGUOUS_TEXT = re.compile(r"^-?\d{1,3}\.\d{3}$")
LONG_DIGITS = re.compile(r"^\d{15,}$")  # how calamine renders a 15+ digit number (or its text)


def _any_match(frame: pl.DataFrame, pattern: str) -> bool:
    return frame.width > 0 and bool(frame.select(pl.any_horizontal(pl.all().str.contains(pattern))).to_series().any())
BATCH_SIZE = 32  # files per child process
_PROJECT_ROOT = Path(__file__).resolve().parents[2]

R_CRASHED = "pembaca Excel berhenti mendadak saat membaca berkas ini (berkas rusak atau sengaja dibuat berbahaya)"
R_TIMEOUT = "pembaca Excel melebihi batas waktu {seconds:g} detik"
R_MEMORY = "pembaca Excel melebihi batas memori {size}"
R_FAILED = "pembaca Excel gagal: {detail}"


@dataclass
class SheetData:
    name: str
    cells: pl.DataFrame  # all columns pl.String, named by their true Excel letters; row i is Excel row i+1
    text_cells: frozenset[tuple[int, str]] = frozenset()  # (excel_row, letter) of TEXT cells like "1.234"
    percent_cells: frozenset[tuple[int, str]] = frozenset()  # (excel_row, letter) of numeric cells with a % format
    long_number_cells: frozenset[tuple[int, str]] = frozenset()  # numeric cells of 15+ digits (a NIK typed as a number)


@dataclass
class WorkbookData:
    path: Path
    sheets: list[SheetData] = field(default_factory=list)  # visible sheets, in workbook order
    hidden_sheets: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


# =============================================================================
# parent side
# =============================================================================


@dataclass
class _Prefetched:
    key: tuple | None  # the file's stat when the read started
    name: str  # the display name its problems carry
    future: Future  # -> dict[Path, WorkbookData] of the whole prefetched batch
    uses: int  # reads still expected; the entry is dropped after the last


_prefetch_lock = threading.Lock()
_prefetched: dict[Path, _Prefetched] = {}


def _file_key(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def prefetch(paths: list[Path], display_names: dict[Path, str], uses: dict[Path, int] | None = None) -> None:
    """Start reading ``paths`` in one sandboxed child, in a background thread.

    A later :func:`read_workbooks` of one of these files (same display name,
    file unchanged) takes the result instead of starting a child of its own;
    ``uses`` says how many times each file will be asked for (default once),
    after which the entry and its cells are let go.  ``lkjip run`` reads the
    whole drop folder this way while Dagster starts up.
    """
    paths = [Path(p) for p in paths]
    if not paths:
        return
    future: Future = Future()
    with _prefetch_lock:
        for p in paths:
            _prefetched[p.resolve()] = _Prefetched(_file_key(p), display_names.get(p) or p.name, future,
                                                   (uses or {}).get(p, 1))

    def work() -> None:
        try:
            future.set_result(read_workbooks(paths, display_names, _prefetched_ok=False))
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, which reads afresh
            future.set_exception(exc)

    threading.Thread(target=work, name="lkjip-prefetch", daemon=True).start()


def clear_prefetched() -> None:
    """Forget every prefetched file (its cells are freed once nobody holds them)."""
    with _prefetch_lock:
        _prefetched.clear()


def _take_prefetched(path: Path, name: str) -> WorkbookData | None:
    resolved = path.resolve()
    with _prefetch_lock:
        entry = _prefetched.get(resolved)
    if entry is None or entry.name != name:
        return None
    try:
        books = entry.future.result()
    except BaseException:  # noqa: BLE001 - read it afresh
        books = {}
    with _prefetch_lock:
        entry.uses -= 1
        last = entry.uses <= 0 or resolved not in _prefetched
        if last:
            _prefetched.pop(resolved, None)
        book = books.get(path) or next((b for p, b in books.items() if p.resolve() == resolved), None)
        if last and book is not None:
            books.pop(book.path, None)
    if book is None or entry.key is None or entry.key != _file_key(path):
        return None  # changed since: read it again
    return book


def read_workbooks(
    paths: list[Path],
    display_names: dict[Path, str] | None = None,
    *,
    timeout: float | None = None,
    memory_bytes: int | None = None,
    _prefetched_ok: bool = True,
) -> dict[Path, WorkbookData]:
    """Inspect then read each workbook; hostile or broken files get problems, never a crash.

    ``timeout`` (seconds per file without progress) and the memory limit default to the
    settings (``LKJIP_READ_TIMEOUT``, ``LKJIP_READ_MEMORY``; :mod:`pipeline.settings`).
    """
    if timeout is None:
        from pipeline import settings  # here, not at the top: the sandboxed child does not need it

        timeout = settings.current().read_timeout_seconds
    names = {Path(p): (display_names or {}).get(p) or Path(p).name for p in paths}
    results: dict[Path, WorkbookData] = {}
    to_read: list[Path] = []
    for path in map(Path, paths):
        if path in results or path in to_read:
            continue
        if _prefetched_ok and _prefetched:
            book = _take_prefetched(path, names[path])
            if book is not None:
                results[path] = book
                continue
        verdict = inspect_file(path, names[path])
        book = WorkbookData(path, problems=list(verdict.problems))
        results[path] = book
        if not verdict.ok:
            continue
        if verdict.kind != "xlsx":
            book.problems.append(problem("file_format_unsupported", file=names[path], value=path.suffix.lower() or "(tanpa ekstensi)"))
            continue
        to_read.append(path)

    for start in range(0, len(to_read), BATCH_SIZE):
        batch = to_read[start : start + BATCH_SIZE]
        done, failure = _run_child(batch, timeout, memory_bytes or memory_limit(batch))
        for path in batch:
            if path in done:
                _merge(results[path], done[path], names[path])
            elif failure is None:  # the child ended normally but said nothing: should not happen
                results[path].problems.append(problem("file_not_readable", file=names[path], reason=R_CRASHED))
            else:
                # isolate: this file alone in its own child
                single, single_failure = _run_child([path], timeout, memory_bytes or memory_limit([path]))
                if path in single:
                    _merge(results[path], single[path], names[path])
                else:
                    results[path].problems.append(problem("file_unsafe", file=names[path], reason=single_failure or R_CRASHED))
    return {Path(p): results[Path(p)] for p in paths}


MEMORY_BASE = 1_000_000_000  # the child's address space for ordinary workbooks ("about 1 GB"; LKJIP_READ_MEMORY)
MEMORY_PER_XML_BYTE = 2  # ... plus this much per byte of the largest workbook's XML, above 1 GB


def memory_limit(paths: list[Path]) -> int:
    """The address-space limit of a child reading ``paths`` (already inspected, so their sizes are true).

    1 GB covers every office workbook (the sample inputs read within 0.8 GB).
    Calamine holds a whole sheet in memory (about 1.6 GB of address space for a
    national ODK export of a million rows, 500 MB of sheet XML), so only a
    workbook with that much XML gets more: 1 GB plus twice its XML.  The
    safety inspection caps that XML at 1 GiB (and the central directory's sizes are
    capped here too), so the limit never exceeds ~3.2 GB.
    """
    from pipeline.intake.safety import MAX_TOTAL_UNCOMPRESSED

    largest = 0
    for path in paths:
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO or device would block the open
                continue
            with zipfile.ZipFile(path) as zf:
                largest = max(largest, sum(info.file_size for info in zf.infolist()))
        except (OSError, zipfile.BadZipFile, ValueError):
            continue
    from pipeline import settings

    base = settings.current().read_memory_bytes  # MEMORY_BASE unless configured
    return base + MEMORY_PER_XML_BYTE * min(largest, MAX_TOTAL_UNCOMPRESSED)


def _merge(book: WorkbookData, outcome: dict, name: str) -> None:
    if outcome.get("ok"):
        book.sheets = outcome["sheets"]
        book.hidden_sheets = outcome["hidden"]
        return
    if outcome.get("kind") == "memory":
        book.problems.append(problem("file_unsafe", file=name, reason=outcome["error"]))
    else:
        book.problems.append(problem("file_not_readable", file=name, reason=R_FAILED.format(detail=outcome["error"])))


def _run_child(batch: list[Path], timeout: float, memory_bytes: int) -> tuple[dict[Path, dict], str | None]:
    """Read ``batch`` in one child.  Returns the outcomes it finished and, if it died, why."""
    done: dict[Path, dict] = {}
    with tempfile.TemporaryDirectory(prefix="lkjip-read-") as tmp:
        out = Path(tmp)
        request = out / "request.json"
        request.write_text(json.dumps({"files": [os.path.abspath(p) for p in batch], "memory_bytes": memory_bytes}))
        env = dict(os.environ)
        env.update(
            POLARS_MAX_THREADS="2",
            RAYON_NUM_THREADS="2",
            MALLOC_ARENA_MAX="2",
            RUST_BACKTRACE="0",
            PYTHONPATH=os.pathsep.join(filter(None, [str(_PROJECT_ROOT), env.get("PYTHONPATH")])),
        )
        failure: str | None = None
        with (out / "stderr.txt").open("wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "pipeline.intake.workbook", str(request)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=env,
                cwd=str(_PROJECT_ROOT),
            )
            progress = 0
            deadline = time.monotonic() + timeout
            wait = 0.005
            while True:
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    wait = min(wait * 2, 0.1)
                finished = sum(1 for _ in out.glob("*.json")) - 1
                if finished > progress:  # the timeout is per file: progress resets it
                    progress = finished
                    deadline = time.monotonic() + timeout
                if time.monotonic() > deadline:
                    proc.kill()
                    proc.wait()
                    failure = R_TIMEOUT.format(seconds=timeout)
                    break
        if failure is None and proc.returncode != 0:
            with (out / "stderr.txt").open("rb") as fh:
                stderr = fh.read(1 << 16).decode("utf-8", "replace")
            if "memory allocation" in stderr or "MemoryError" in stderr or "Cannot allocate" in stderr:
                failure = R_MEMORY.format(size=_human(memory_bytes))
            else:
                failure = R_CRASHED
        for index, path in enumerate(batch):
            meta = out / f"{index}.json"
            if not meta.exists():
                continue
            outcome = json.loads(meta.read_text())
            if outcome.get("ok"):
                outcome["sheets"] = [
                    SheetData(
                        name=s["name"],
                        cells=pl.read_ipc((out / s["ipc"]).read_bytes()),
                        text_cells=frozenset((r, c) for r, c in s["text_cells"]),
                        percent_cells=frozenset((r, c) for r, c in s["percent_cells"]),
                        long_number_cells=frozenset((r, c) for r, c in s["long_number_cells"]),
                    )
                    for s in outcome["sheets"]
                ]
            elif outcome.get("kind") == "memory":
                outcome["error"] = R_MEMORY.format(size=_human(memory_bytes))
            done[path] = outcome
    return done, failure


def _human(size: int) -> str:
    return f"{size / (1 << 30):.1f} GiB".replace(".", ",")


# =============================================================================
# child side
# =============================================================================


def _child_main(request_path: str) -> int:
    request = json.loads(Path(request_path).read_text())
    out = Path(request_path).parent
    try:
        import resource

        limit = int(request["memory_bytes"])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):  # pragma: no cover - non-POSIX
        pass
    import fastexcel

    for index, name in enumerate(request["files"]):
        try:
            outcome = _read_one(fastexcel, Path(name), out, index)
        except MemoryError:
            outcome = {"ok": False, "kind": "memory", "error": "memori habis"}
        except BaseException as exc:  # a calamine panic arrives as pyo3's PanicException
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            outcome = {"ok": False, "kind": "exception", "error": " ".join(f"{type(exc).__name__}: {exc}".split())[:300]}
        tmp = out / f"{index}.json.part"
        tmp.write_text(json.dumps(outcome))
        tmp.rename(out / f"{index}.json")
    return 0


def _read_one(fastexcel, path: Path, out: Path, index: int) -> dict:
    with zipfile.ZipFile(path) as zf:
        listed = {s.name: s for s in workbook_sheets(zf)}
        reader = fastexcel.read_excel(path)
        styles = _percent_styles(zf)
        shared: set[int] | None = None
        sheets: list[dict] = []
        hidden: list[str] = []
        for number, name in enumerate(reader.sheet_names):
            entry = listed.get(name)
            if entry is not None and entry.kind not in ("worksheet", ""):
                continue  # chartsheets and the like hold no cells
            if entry is not None and entry.state != "visible":
                hidden.append(name)
                continue
            sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            if entry is None and getattr(sheet, "visible", "visible") != "visible":
                hidden.append(name)
                continue
            frame = sheet.to_polars()
            part = entry.part if entry is not None and entry.part in zf.NameToInfo else None
            offset = _first_column(zf, part, frame) if part else 0
            frame = frame.rename({old: column_letter(offset + j) for j, old in enumerate(frame.columns)})
            frame = frame.with_columns(pl.all().cast(pl.String)) if frame.width else frame
            text_cells: set[tuple[int, str]] = set()
            percent_cells: set[tuple[int, str]] = set()
            long_cells: set[tuple[int, str]] = set()
            # only scan the sheet XML when there is something to find: a value that
            # reads like "1.234" (text or number), a value of 15+ digits (text or
            # number: Excel keeps only 15 digits of a number), or a percent style
            ambiguous = _any_match(frame, AMBIGUOUS_TEXT.pattern)
            long_digits = _any_match(frame, LONG_DIGITS.pattern)
            if part and (ambiguous or styles or long_digits):
                if ambiguous and shared is None:
                    shared = _ambiguous_shared_strings(zf)
                text_cells, percent_cells, long_cells = _scan_cells(
                    zf, part, shared or set(), styles, want_text=ambiguous, want_long=long_digits)
            ipc = f"{index}_{number}.arrow"
            frame.write_ipc(out / ipc)
            sheets.append(
                {
                    "name": name,
                    "ipc": ipc,
                    "text_cells": sorted(text_cells),
                    "percent_cells": sorted(percent_cells),
                    "long_number_cells": sorted(long_cells),
                }
            )
    return {"ok": True, "sheets": sheets, "hidden": hidden}


# --- the XML side: true column letters ---------------------------------------------------

_ROW_OPEN = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*?)(/?)>")
_ROW_CLOSE = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
_CELL_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c\s*>)", re.S)
_HAS_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v|is)\b")
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def _col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def _first_column(zf: zipfile.ZipFile, part: str, frame: pl.DataFrame) -> int:
    """0-based Excel column of the frame's first column (calamine trims empty leading columns)."""
    if frame.width == 0 or frame.height == 0:
        return 0
    filled = frame.select(pl.any_horizontal(pl.all().is_not_null()).alias("x")).to_series().arg_true()
    if filled.len() == 0:
        return 0
    first = int(filled[0])
    values = frame.row(first)
    frame_cols = [j for j, v in enumerate(values) if v is not None]
    xml_cols = _value_columns(zf, part, first + 1)
    if not xml_cols:
        return 0
    present = set(xml_cols)
    for c in xml_cols:  # the first XML value cell may be one calamine saw as empty: check the whole row
        offset = c - frame_cols[0]
        if offset >= 0 and all(j + offset in present for j in frame_cols):
            return offset
    return max(0, xml_cols[0] - frame_cols[0])


def _value_columns(zf: zipfile.ZipFile, part: str, target: int) -> list[int]:
    """0-based columns of the cells holding a value in Excel row ``target``."""
    buf = b""
    current = 0
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(1 << 20)
            buf += chunk
            pos = 0
            while True:
                m = _ROW_OPEN.search(buf, pos)
                if not m:
                    pos = max(pos, len(buf) - 256)
                    break
                attrs = attributes(m.group(1))
                number = int(attrs["r"]) if attrs.get("r", "").isdigit() else current + 1
                if m.group(2):  # <row .../>
                    current, pos = number, m.end()
                    if number == target:
                        return []
                    continue
                close = _ROW_CLOSE.search(buf, m.end())
                if not close:
                    pos = m.start()
                    break
                if number == target:
                    return _row_value_columns(buf[m.end() : close.start()])
                if number > target:
                    return []
                current, pos = number, close.end()
            buf = buf[pos:]
            if not chunk:
                return []


def _row_value_columns(row_xml: bytes) -> list[int]:
    cols: list[int] = []
    col = -1
    for m in _CELL_ELEMENT.finditer(row_xml):
        ref = attributes(m.group(1)).get("r", "")
        hit = _REF.match(ref)
        col = _col_index(hit.group(1)) if hit else col + 1
        if m.group(2) and _HAS_VALUE.search(m.group(2)):
            cols.append(col)
    return sorted(set(cols))


# --- the XML side: text that looks like a number, percent formats -----------------------

_T_TEXT = re.compile(rb"<(?:[\w.-]+:)?t\b[^>]*?(?:/>|>(.*?)</(?:[\w.-]+:)?t\s*>)", re.S)
_RPH = re.compile(rb"<(?:[\w.-]+:)?rPh\b.*?</(?:[\w.-]+:)?rPh\s*>", re.S)
_AMBIGUOUS_T = re.compile(rb">-?\d{1,3}\.\d{3}<")
_RICH_RUN = re.compile(rb"<(?:[\w.-]+:)?r>")


def _xml_text(fragment: bytes) -> str:
    """Text of an ``<si>`` / ``<is>``: its ``<t>`` runs joined, phonetic runs left out."""
    fragment = _RPH.sub(b"", fragment)
    return html.unescape("".join((m.group(1) or b"").decode("utf-8", "replace") for m in _T_TEXT.finditer(fragment)))


def _shared_strings_part(zf: zipfile.ZipFile) -> str | None:
    rels = _read_small(zf, "xl/_rels/workbook.xml.rels") or b""
    for m in re.finditer(rb"<(?:\w+:)?Relationship\s([^>]*?)/?>", rels):
        attrs = attributes(m.group(1))
        if attrs.get("Type", "").endswith("/sharedStrings"):
            target = attrs.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else os.path.normpath("xl/" + target).replace("\\", "/")
            if part in zf.NameToInfo:
                return part
    return "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in zf.NameToInfo else None


def _ambiguous_shared_strings(zf: zipfile.ZipFile) -> set[int]:
    """Indices of shared strings whose whole text matches ``-?\\d{1,3}\\.\\d{3}``."""
    part = _shared_strings_part(zf)
    if part is None:
        return set()
    found: set[int] = set()
    si_open = b"<si"
    si_close = b"</si>"
    counted = 0  # <si> elements fully before the current segment
    carry = b""
    first = True
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(4 << 20)
            data = carry + chunk
            if first:
                m = re.search(rb"<([\w.-]+:)?sst\b", data)
                if m and m.group(1):
                    si_open, si_close = b"<" + m.group(1) + b"si", b"</" + m.group(1) + b"si>"
                first = False
            end = data.rfind(si_close) + len(si_close) if chunk else len(data)
            if end < len(si_close):  # no complete <si> yet
                carry = data
                if not chunk:
                    break
                continue
            segment, carry = data[:end], data[end:]
            positions = sorted({m.start() for m in _AMBIGUOUS_T.finditer(segment)} | {m.start() for m in _RICH_RUN.finditer(segment)})
            last_pos, index = 0, counted - 1
            for pos in positions:
                start = segment.rfind(si_open, 0, pos + 1)
                if start == -1:
                    continue
                index += segment.count(si_open, last_pos, start + len(si_open))
                last_pos = start + 1
                stop = segment.find(si_close, pos)
                if index in found or stop == -1:
                    continue
                if AMBIGUOUS_TEXT.match(_xml_text(segment[start:stop])):
                    found.add(index)
            counted += segment.count(si_open)
            if not chunk:
                break
    return found


_NUMFMT = re.compile(rb"<(?:[\w.-]+:)?numFmt\s([^>]*?)/?>")
_CELLXFS = re.compile(rb"<(?:[\w.-]+:)?cellXfs\b[^>]*>(.*?)</(?:[\w.-]+:)?cellXfs\s*>", re.S)
_XF = re.compile(rb"<(?:[\w.-]+:)?xf\b([^>]*?)/?>")
PERCENT_BUILTIN = {9, 10}


def _is_percent_code(code: str) -> bool:
    """``%`` outside quoted text and not escaped with a backslash."""
    quoted = False
    escaped = False
    for ch in code:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == '"':
            quoted = not quoted
        elif ch == "%" and not quoted:
            return True
    return False


def _percent_styles(zf: zipfile.ZipFile) -> set[str]:
    """Indices (as text) of the cellXfs with a percent number format."""
    styles = _read_small(zf, "xl/styles.xml")
    if not styles:
        return set()
    custom = {}
    for m in _NUMFMT.finditer(styles):
        attrs = attributes(m.group(1))
        if attrs.get("numFmtId", "").isdigit():
            custom[int(attrs["numFmtId"])] = attrs.get("formatCode", "")
    block = _CELLXFS.search(styles)
    if not block:
        return set()
    out: set[str] = set()
    for i, m in enumerate(_XF.finditer(block.group(1))):
        fmt = attributes(m.group(1)).get("numFmtId", "0")
        if not fmt.isdigit():
            continue
        fmt_id = int(fmt)
        if fmt_id in PERCENT_BUILTIN or (fmt_id in custom and _is_percent_code(custom[fmt_id])):
            out.add(str(i))
    return out


def _read_small(zf: zipfile.ZipFile, name: str, cap: int = 16 << 20) -> bytes | None:
    try:
        with zf.open(name) as fh:
            return fh.read(cap)
    except KeyError:
        return None


_TEXT_CELL = re.compile(
    rb"""<(?:[\w.-]+:)?c\b([^>]*?\bt\s*=\s*["'](?:inlineStr|str)["'][^>/]*)>(.*?)</(?:[\w.-]+:)?c\s*>""", re.S
)
_CELL_END = re.compile(rb"</(?:[\w.-]+:)?c\s*>")
_V_TEXT = re.compile(rb"<(?:[\w.-]+:)?v\b[^>]*>(.*?)</(?:[\w.-]+:)?v\s*>", re.S)
_IS = re.compile(rb"<(?:[\w.-]+:)?is\b[^>]*>(.*?)</(?:[\w.-]+:)?is\s*>", re.S)
_WINDOW = 8 << 20
_OVERLAP = 4096


def _cell_tag(window: bytes, pos: int) -> tuple[dict[str, str], int] | None:
    """Attributes of the ``<c>`` start tag around/before ``pos``, and where the tag ends."""
    start = window.rfind(b"<", 0, pos + 1)
    while start != -1:
        name_end = start + 1
        while name_end < len(window) and window[name_end] not in b" \t\r\n/>":
            name_end += 1
        tag = window[start + 1 : name_end].split(b":")[-1]
        if tag == b"c":
            end = window.find(b">", name_end)
            if end == -1:
                return None
            return attributes(window[name_end:end]), end
        if tag in (b"v", b"f", b"is", b"t", b"r", b"/f", b"/t", b"/r", b"rPr", b"/rPr"):
            start = window.rfind(b"<", 0, start)  # inside a cell: keep looking back
            continue
        return None  # a row, or something else: not inside a cell
    return None


# numbers of 15+ digits as Excel writes them: plain digits, or E notation for the very large.
# Two simple patterns: an alternation makes Python's regex engine several times slower.
_LONG_NUMBERS = (re.compile(rb"<v>\d{15}"), re.compile(rb"[eE]\+(?:1[4-9]|[2-9]\d)<"))


def _scan_cells(
    zf: zipfile.ZipFile, part: str, shared: set[int], percent_styles: set[str], want_text: bool = True,
    want_long: bool = False,
) -> tuple[set[tuple[int, str]], set[tuple[int, str]], set[tuple[int, str]]]:
    """One streaming pass over a sheet: ambiguous text cells, numeric cells with a percent style,
    numeric cells of 15 or more digits."""
    text_cells: set[tuple[int, str]] = set()
    percent_cells: set[tuple[int, str]] = set()
    long_cells: set[tuple[int, str]] = set()
    shared_rx = None
    if shared:
        alternatives = b"|".join(str(i).encode() for i in sorted(shared)) if len(shared) <= 500 else rb"\d+"
        shared_rx = re.compile(rb"<(?:[\w.-]+:)?v>\s*(" + alternatives + rb")\s*</")
    percent_rx = None
    if percent_styles:
        alternatives = b"|".join(s.encode() for s in sorted(percent_styles))
        percent_rx = re.compile(rb"""\ss\s*=\s*["'](""" + alternatives + rb""")["']""")

    def ref_of(attrs: dict[str, str]) -> tuple[int, str] | None:
        hit = _REF.match(attrs.get("r", ""))
        return (int(hit.group(2)), hit.group(1).upper()) if hit else None

    tail = b""
    with zf.open(part) as fh:
        while True:
            chunk = fh.read(_WINDOW)
            if not chunk:
                break
            window = tail + chunk
            new = len(tail)
            if shared_rx is not None:
                for m in shared_rx.finditer(window):
                    if m.end() <= new or (len(shared) > 500 and int(m.group(1)) not in shared):
                        continue
                    found = _cell_tag(window, m.start())
                    if found and found[0].get("t") == "s" and (ref := ref_of(found[0])):
                        text_cells.add(ref)
            if want_text and (b'tr"' in window or b"tr'" in window):  # t="str" or t="inlineStr"
                for m in _TEXT_CELL.finditer(window):
                    if m.end() <= new:
                        continue
                    attrs = attributes(m.group(1))
                    body = m.group(2)
                    if attrs.get("t") == "inlineStr":
                        inline = _IS.search(body)
                        text = _xml_text(inline.group(1)) if inline else ""
                    else:
                        value = _V_TEXT.search(body)
                        text = html.unescape(value.group(1).decode("utf-8", "replace")) if value else ""
                    if AMBIGUOUS_TEXT.match(text) and (ref := ref_of(attrs)):
                        text_cells.add(ref)
            if percent_rx is not None:
                for m in percent_rx.finditer(window):
                    if m.end() <= new:
                        continue
                    found = _cell_tag(window, m.start())
                    if not found:
                        continue
                    attrs, tag_end = found
                    if attrs.get("t", "n") != "n" or window[tag_end - 1] == 0x2F:  # not numeric, or <c .../>
                        continue
                    close = _CELL_END.search(window, tag_end)
                    value = _V_TEXT.search(window, tag_end, close.end() if close else len(window))
                    if value and value.group(1).strip() and (ref := ref_of(attrs)):
                        percent_cells.add(ref)
            if want_long:
                for pattern in _LONG_NUMBERS:
                    for m in pattern.finditer(window):
                        if m.end() <= new:
                            continue
                        found = _cell_tag(window, m.start())
                        if found and found[0].get("t", "n") == "n" and (ref := ref_of(found[0])):
                            long_cells.add(ref)
            tail = window[-_OVERLAP:]
    return text_cells, percent_cells, long_cells


# =============================================================================
# CSV (in-process: no native parser involved)
# =============================================================================


def read_csv_text(path: Path, display_name: str) -> tuple[pl.DataFrame | None, list[Problem]]:
    """A CSV file as text cells named "A", "B", ...; row i is line i+1; no header interpretation."""
    path = Path(path)
    verdict = inspect_file(path, display_name)
    if not verdict.ok:
        return None, list(verdict.problems)
    problems = list(verdict.problems)
    raw = path.read_bytes()
    text = _decode(raw)
    try:
        delimiter = _sniff_delimiter(text)
        rows = list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))
    except csv.Error as exc:  # e.g. one field longer than the csv module's limit: not a table
        return None, problems + [problem("file_not_readable", file=display_name, reason=f"CSV tidak dapat dibaca ({exc})")]
    width = max((len(r) for r in rows), default=0)
    columns = {
        column_letter(j): pl.Series(column_letter(j), [(r[j] if j < len(r) and r[j] != "" else None) for r in rows], dtype=pl.String)
        for j in range(width)
    }
    return pl.DataFrame(columns), problems


def _decode(raw: bytes) -> str:
    if raw.startswith(codecs.BOM_UTF8):
        return raw[len(codecs.BOM_UTF8) :].decode("utf-8", "replace")
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw.decode("cp1252", "replace")


def _sniff_delimiter(text: str) -> str:
    """Comma or semicolon: the one that splits the first lines into the same, larger number of fields."""
    lines = [line for line in text.splitlines()[:20] if line.strip()][:10]
    if lines and lines[0].lower().startswith("sep=") and len(lines[0].strip()) == 5:
        return lines[0].strip()[4]
    best, best_score = ",", (-1, -1)
    for delimiter in (";", ",", "\t"):
        counts = [len(r) for r in csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter)]
        if not counts or max(counts) < 2:
            continue
        first = counts[0]
        consistent = sum(1 for c in counts if c == first)
        score = (consistent, first)
        if score > best_score:
            best, best_score = delimiter, score
    return best


if __name__ == "__main__":
    sys.exit(_child_main(sys.argv[1]))
