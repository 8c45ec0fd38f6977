"""What calamine's text of a sheet loses, recovered from the sheet XML by streaming scans.

Run inside the sandboxed reader (:mod:`pipeline.intake.sandbox`): the true column
letters (calamine trims empty leading columns), which cells are TEXT that looks
like a rendered float (``"1.234"``), which numeric cells have a percent number
format (``0.1961`` shown as ``19,61%``) and which numeric cells have 15 or more
digits (a NIK typed as a number).  Regular expressions over bounded windows: no
XML parser touches the (already inspected) file.
"""

from __future__ import annotations

import html
import os
import re
import zipfile

import polars as pl

from pipeline.intake.safety import attributes

AMBIGUOUS_TEXT = re.compile(r"^-?\d{1,3}\.\d{3}$")
LONG_DIGITS = re.compile(r"^\d{15,}$")  # how calamine renders a 15+ digit number (or its text)


def any_match(frame: pl.DataFrame, pattern: str) -> bool:
    """Does any cell of the text frame contain ``pattern``?"""
    return frame.width > 0 and bool(frame.select(pl.any_horizontal(pl.all().str.contains(pattern))).to_series().any())


# --- the XML side: true column letters ---------------------------------------------------

_ROW_OPEN = re.compile(rb"<(?:[\w.-]+:)?row\b([^>]*?)(/?)>")
_ROW_CLOSE = re.compile(rb"</(?:[\w.-]+:)?row\s*>")
_CELL_ELEMENT = re.compile(rb"<(?:[\w.-]+:)?c\b([^>]*?)(?:/>|>(.*?)</(?:[\w.-]+:)?c\s*>)", re.S)
_HAS_VALUE = re.compile(rb"<(?:[\w.-]+:)?(?:v|is)\b")
_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def col_index(letters: str) -> int:
    n = 0
    for ch in letters.upper():
        n = n * 26 + (ord(ch) - 64)
    return n - 1


def first_column(zf: zipfile.ZipFile, part: str, frame: pl.DataFrame) -> int:
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
        col = col_index(hit.group(1)) if hit else col + 1
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
    rels = read_small(zf, "xl/_rels/workbook.xml.rels") or b""
    for m in re.finditer(rb"<(?:\w+:)?Relationship\s([^>]*?)/?>", rels):
        attrs = attributes(m.group(1))
        if attrs.get("Type", "").endswith("/sharedStrings"):
            target = attrs.get("Target", "")
            part = target.lstrip("/") if target.startswith("/") else os.path.normpath("xl/" + target).replace("\\", "/")
            if part in zf.NameToInfo:
                return part
    return "xl/sharedStrings.xml" if "xl/sharedStrings.xml" in zf.NameToInfo else None


def ambiguous_shared_strings(zf: zipfile.ZipFile) -> set[int]:
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


def is_percent_code(code: str) -> bool:
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


def percent_styles(zf: zipfile.ZipFile) -> set[str]:
    """Indices (as text) of the cellXfs with a percent number format."""
    styles = read_small(zf, "xl/styles.xml")
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
        if fmt_id in PERCENT_BUILTIN or (fmt_id in custom and is_percent_code(custom[fmt_id])):
            out.add(str(i))
    return out


def read_small(zf: zipfile.ZipFile, name: str, cap: int = 16 << 20) -> bytes | None:
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


def scan_cells(
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
