"""The planner's edited drafts in ``inputs/referensi/``: the text written in the draft's regions.

The planner writes in the regions of the draft in Word or
LibreOffice and puts the edited draft back into ``referensi/`` (any ``.docx`` name) or uploads it on
the planner's page, which stores it there; :mod:`pipeline.report.regions` carries them into the
next draft.  An edited draft is told apart from an office's template
(:mod:`pipeline.intake.docx_template`) by having regions and no Jinja tags.  Each one is checked like
every dropped ``.docx`` first (zip sane, no macros, no DTD); then its regions are read.  A draft that
cannot be read is a ``Peringatan`` naming it and the new draft is made without it; the others still
count.  Several edited drafts: for each region the newest file (modification time, then name) that
has text in it wins, so a draft saved before the planner wrote a region never wipes that region.

A region is a place in the draft where only the planner can write.  The fresh draft marks each one
with empty Word **bookmarks**: the markers ``lkjip_<key>`` before the first character of the
paragraph that holds the placeholder ``[diisi oleh perencana: …]`` and ``lkjipend_<key>`` after its
last, and the guards ``lkjipa_<key>`` at the end of the paragraph before the region (for a region in
a table cell: of the cell before) and ``lkjipz_<key>`` at the start of the paragraph after it
(:func:`pipeline.report.regions.guard`).  The region is every paragraph and table between the guards,
else from the start marker's paragraph to the end marker's, and in a table cell the whole cell.  The
key is stable (``latar_belakang``, ``analisis_<kode IKU>``), never a position.

Why empty bookmarks, and why guards: tried with LibreOffice 7.4 (docx -> docx, twice, as a planner
saves again and again), a block-level content control (``w:sdt``) loses its tag and all but its first
paragraph, an inline one loses its tag; a bookmark around several paragraphs that starts at a
paragraph's first character is written with a second start in its last paragraph, and after the
second save it covers only that last paragraph.  An empty bookmark stays where it was, through every
save, in LibreOffice, Word and python-docx.  But a planner who selects the placeholder and types over
it deletes the empty bookmarks inside the selection (LibreOffice does, driven through UNO in
``tests/document/test_regions_libreoffice.py``); the guards sit in the paragraphs around, which the
planner has no reason to select, and still say where the region is.  A bookmark LibreOffice writes
twice is read once (the first of a name counts).

Reading a draft is python-docx on a file the safety check has passed (bounded sizes and ratios, no
DTD or entities), in this process: unlike an Excel workbook there are no formulas or external
links to evaluate, and every failure is caught and reported.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

from lxml import etree

from pipeline.intake.docx_template import DRAFT, _inspect, docx_kind, is_document_template
from pipeline.intake.files import REJECTED, FileReport, discover, display_name
from pipeline.problems import Problem, problem

KIND = "draf dokumen"

PREFIX = "lkjip_"  # the start marker of a region: lkjip_<key>
END_PREFIX = "lkjipend_"  # its end marker: lkjipend_<key>
BEFORE_PREFIX = "lkjipa_"  # a guard at the end of the paragraph before the region (or of the cell before)
AFTER_PREFIX = "lkjipz_"  # a guard at the start of the paragraph after it
PREFIXES = (BEFORE_PREFIX, PREFIX, END_PREFIX, AFTER_PREFIX)
APPENDIX_TITLE = "Teks perencana yang tidak lagi punya tempat"  # the closing appendix (pipeline.report.regions)
MAX_NAME = 40  # Word's limit for a bookmark name
PLACEHOLDER_RE = re.compile(r"\[diisi oleh perencana:[^\]]*\]")

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
RT_HYPERLINK = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


def w(tag: str) -> str:
    return f"{{{W}}}{tag}"


BLOCKS = {w("p"), w("tbl"), w("sdt")}
CONTAINERS = {w("body"), w("tc"), w("sdtContent")}
# what a region cannot take along into another document (the parts they point at stay behind)
DROPPED = {w("bookmarkStart"), w("bookmarkEnd"), w("commentRangeStart"), w("commentRangeEnd"),
           w("proofErr"), w("permStart"), w("permEnd")}
DROPPED_RUN_CHILDREN = {w("commentReference"), w("footnoteReference"), w("endnoteReference")}


def region_name(key: str) -> str:
    """The start marker's bookmark name of the region ``key``: ``lkjip_`` and the key in letters,
    digits and ``_``, short enough that the end marker ``lkjipend_<key>`` keeps to Word's 40
    characters (a long key ends in a short hash so two keys never share a name)."""
    safe = re.sub(r"[^A-Za-z0-9]+", "_", str(key)).strip("_") or "x"
    room = MAX_NAME - len(END_PREFIX)
    if len(safe) > room:
        safe = safe[: room - 7] + "_" + hashlib.sha1(str(key).encode()).hexdigest()[:6]
    return PREFIX + safe


def end_name(name: str) -> str:
    """The end marker's name of the region whose start marker is ``name``."""
    return END_PREFIX + name[len(PREFIX):]


def region_ids(key: str) -> tuple[int, int, int, int]:
    """Bookmark ids of the region ``key``'s markers (start, end) and guards (before, after) that no
    other bookmark of the template uses."""
    n = int(hashlib.sha1(region_name(key).encode()).hexdigest()[:8], 16) % 250_000
    base = 1_000_000 + 4 * n
    return base, base + 1, base + 2, base + 3


def markers_xml(key: str) -> tuple[str, str]:
    """The two markers of region ``key`` as run-level XML (``w:`` prefix bound): the start goes
    before the region's first run, the end after its last."""
    name = region_name(key)
    first, second, _, _ = region_ids(key)
    return (f'<w:bookmarkStart w:id="{first}" w:name="{name}"/><w:bookmarkEnd w:id="{first}"/>',
            f'<w:bookmarkStart w:id="{second}" w:name="{end_name(name)}"/><w:bookmarkEnd w:id="{second}"/>')


@dataclass
class Region:
    """One region as the planner wrote it: its paragraphs and tables (XML), and what they use."""

    name: str  # the bookmark name, lkjip_<key>
    blocks: list[bytes]
    text: str
    label: str = ""  # the heading or caption above it in the edited draft
    source: str = ""  # the file it was read from
    styles: dict[str, bytes] = field(default_factory=dict)  # styleId -> w:style of the edited draft
    numbering: dict[str, tuple[bytes, bytes | None]] = field(default_factory=dict)  # numId -> (w:num, w:abstractNum)
    images: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # rId -> (image bytes, file name)
    links: dict[str, str] = field(default_factory=dict)  # rId -> URL

    @property
    def key(self) -> str:
        return self.name[len(PREFIX):]


# --- finding regions in a document -------------------------------------------------------------


def _spans(root) -> list[tuple[str, object, list, list]]:
    """Every region: (name, container, blocks, its start and end markers' bookmark ids), in document order."""
    marks: dict[str, object] = {}
    for el in root.iter(w("bookmarkStart")):  # the first of a name (LibreOffice may repeat one)
        marks.setdefault(el.get(w("name")) or "", el)
    keys: list[str] = []
    for name in marks:
        prefix = next((p for p in PREFIXES if name.startswith(p)), None)
        if prefix and name[len(prefix):] not in keys:
            keys.append(name[len(prefix):])
    found = []
    for key in keys:
        before, start, end, after = (marks.get(p + key) for p in PREFIXES)
        span = _locate(before, start, end, after)
        if span is not None:
            ids = [m.get(w("id")) if m is not None else None for m in (start, end)]
            found.append((PREFIX + key, span[0], span[1], ids))
    return found


def _block_of(mark) -> tuple[object, object] | None:
    """The container (body or table cell) nearest around ``mark`` and its child holding it."""
    el = mark
    while el.getparent() is not None and el.getparent().tag not in CONTAINERS:
        el = el.getparent()
    return (el.getparent(), el) if el.getparent() is not None else None


def _locate(before, start, end, after):
    """The container and blocks of one region from whichever of its marks survived the planner's
    editing: the guards outside the planner's text first (a planner who selects the placeholder and
    types over it deletes the markers inside it, in LibreOffice as in Word), then the markers."""
    at = {id(m): _block_of(m) for m in (before, start, end, after) if m is not None}
    at = {k: v for k, v in at.items() if v is not None}

    def where(m):
        return at.get(id(m)) if m is not None else None

    # a region in a table cell is the whole cell (the cell holds nothing else)
    for m in (start, end):
        if where(m) and where(m)[0].tag == w("tc"):
            cell = where(m)[0]
            return cell, [c for c in cell if c.tag in BLOCKS]
    if where(before) and where(before)[0].tag == w("tc"):  # the guard is in the cell before
        cell = where(before)[0].getnext()
        while cell is not None and cell.tag != w("tc"):
            cell = cell.getnext()
        if cell is not None:
            return cell, [c for c in cell if c.tag in BLOCKS]
        return None
    body = None
    first = last = None
    if where(before) and where(before)[0].tag == w("body"):
        body, first = where(before)[0], where(before)[1].getnext()
    elif where(start):
        body, first = where(start)
    if where(after) and where(after)[0].tag == w("body") and (body is None or where(after)[0] is body):
        body, last = where(after)[0], where(after)[1].getprevious()
    elif where(end) and (body is None or where(end)[0] is body):
        body, last = where(end)
    if body is None:
        return None
    if first is None and last is not None and where(after) and where(end) is None and where(start) is None:
        first = last  # only the guard after survived: the paragraph before it
    if first is None and where(end):
        first = where(end)[1]
    if last is None and first is not None and where(after) is None and where(end) is None:
        last = _last_before_appendix(first)  # the document's last region lost its end: to the end
    if last is None:
        last = first
    if first is None or last is None:
        return None
    children = list(body)
    if first not in children or last not in children:
        return None
    i, j = children.index(first), children.index(last)
    if j < i:  # nothing left between the guards (the planner removed the region's paragraphs)
        return None
    blocks = [c for c in children[i:j + 1] if c.tag in BLOCKS]
    return (body, blocks) if blocks else None


def _last_before_appendix(first):
    """The last block from ``first`` on, before the closing appendix or the section's end, when no
    other region's mark comes before; else ``first``."""
    last = el = first
    while True:
        el = el.getnext()
        if el is None or el.tag not in BLOCKS or _text(el).strip() == APPENDIX_TITLE:
            return last
        if any((b.get(w("name")) or "").startswith(PREFIXES) for b in el.iter(w("bookmarkStart"))):
            return first  # another region follows: not the last one
        last = el


def _text(el) -> str:
    return "".join(t.text or "" for t in el.iter(w("t")))


def _is_written(blocks: list) -> bool:
    """True when the planner put something there: text beside the placeholders, a table, a picture."""
    for block in blocks:
        if block.tag == w("tbl") or block.find(f".//{w('drawing')}") is not None or \
                block.find(f".//{w('pict')}") is not None or block.find(f".//{w('object')}") is not None:
            return True
    text = PLACEHOLDER_RE.sub("", "".join(_text(b) for b in blocks))
    return bool(text.strip())


def _label(container, blocks, styles_by_id: dict[str, str]) -> str:
    """The heading (or table caption) nearest above the region, as the edited draft shows it."""
    el = blocks[0]
    while el is not None and el.tag != w("body"):
        prev = el.getprevious()
        while prev is not None:
            if prev.tag == w("p"):
                style = prev.find(f"{w('pPr')}/{w('pStyle')}")
                name = styles_by_id.get(style.get(w("val")), "") if style is not None else ""
                if name.lower().startswith(("heading", "judul tabel")) and _text(prev).strip():
                    return " ".join(_text(prev).split())
            prev = prev.getprevious()
        el = el.getparent()
    return ""


# --- reading an edited draft -----------------------------------------------------------------------


def read_regions(content: bytes, source: str = "") -> dict[str, Region]:
    """The regions the planner wrote in the edited draft ``content`` (regions still holding only
    their placeholder are left out), by bookmark name.  Raises on a file python-docx cannot open."""
    import docx

    doc = docx.Document(io.BytesIO(content))
    root = doc.element
    styles_el = doc.styles.element
    styles_by_id = {s.get(w("styleId")): (s.find(w("name")).get(w("val")) if s.find(w("name")) is not None else "")
                    for s in styles_el.iter(w("style"))}
    numbering = _numbering_el(doc)
    regions: dict[str, Region] = {}
    for name, container, blocks, _ in _spans(root):
        if not _is_written(blocks):
            continue
        copies = [_clean(copy.deepcopy(b)) for b in blocks]
        region = Region(name=name, blocks=[], text=" ".join(" ".join(_text(b).split()) for b in copies).strip(),
                        label=_label(container, blocks, styles_by_id), source=source)
        _collect(region, copies, doc, styles_el, numbering)
        region.blocks = [etree.tostring(b) for b in copies]
        regions[name] = region
    return regions


def _clean(block):
    """The block without what cannot travel: bookmarks, comments, notes, section breaks."""
    for el in list(block.iter(*DROPPED)):
        el.getparent().remove(el)
    for el in list(block.iter(*DROPPED_RUN_CHILDREN)):
        run = el.getparent()
        if run is not None and run.tag == w("r") and run.getparent() is not None:
            run.getparent().remove(run)
    for sect in list(block.iter(w("sectPr"))):
        sect.getparent().remove(sect)
    return block


def _numbering_el(doc):
    try:
        part = doc.part.numbering_part
    except (KeyError, NotImplementedError):
        return None
    return part.element


def _collect(region: Region, blocks: list, doc, styles_el, numbering) -> None:
    """Copy into ``region`` the styles, numbering, pictures and links its blocks use."""
    by_id = {s.get(w("styleId")): s for s in styles_el.iter(w("style"))}
    wanted = set()
    for b in blocks:
        for tag in ("pStyle", "rStyle", "tblStyle"):
            wanted |= {el.get(w("val")) for el in b.iter(w(tag))}
    while wanted:  # the styles and the ones they are based on
        sid = wanted.pop()
        style = by_id.get(sid)
        if style is None or sid in region.styles:
            continue
        region.styles[sid] = etree.tostring(style)
        based = style.find(w("basedOn"))
        if based is not None:
            wanted.add(based.get(w("val")))
    num_ids = {el.get(w("val")) for b in blocks for el in b.iter(w("numId"))}
    num_ids |= {el.get(w("val")) for s in region.styles.values() for el in etree.fromstring(s).iter(w("numId"))}
    if numbering is not None:
        nums = {n.get(w("numId")): n for n in numbering.iter(w("num"))}
        abstracts = {a.get(w("abstractNumId")): a for a in numbering.iter(w("abstractNum"))}
        for nid in num_ids - {"0", None}:
            num = nums.get(nid)
            if num is None:
                continue
            ref = num.find(w("abstractNumId"))
            abstract = abstracts.get(ref.get(w("val"))) if ref is not None else None
            region.numbering[nid] = (etree.tostring(num), etree.tostring(abstract) if abstract is not None else None)
    rels = doc.part.rels
    for b in blocks:
        for el in b.iter():
            for attr, value in el.attrib.items():
                if not attr.startswith(f"{{{R}}}") or value not in rels:
                    continue
                rel = rels[value]
                if rel.is_external:
                    if rel.reltype == RT_HYPERLINK:
                        region.links[value] = rel.target_ref
                elif "image" in rel.reltype:
                    part = rel.target_part
                    region.images[value] = (part.blob, str(part.partname).rsplit("/", 1)[-1])


# --- the edited drafts of the referensi folder ------------------------------------------------------



@dataclass
class EditedDrafts:
    """The regions to carry (newest file wins per region), the account of each draft, the problems."""

    regions: dict[str, Region] = field(default_factory=dict)
    reports: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def read_edited_drafts(inputs: Path) -> EditedDrafts:
    """Every edited draft under ``inputs/referensi/``; never raises."""
    found = EditedDrafts()
    try:
        paths = [p for p in discover(inputs, "referensi") if is_document_template(p)]
    except OSError:
        return found
    read: list[tuple] = []
    for path in paths:
        name = display_name(inputs, path)
        report, problems = _inspect(path, name)
        if report.status == REJECTED or docx_kind(path) != DRAFT:
            continue  # a template, or a file the template's check reports (pipeline.intake.docx_template)
        report.kind = KIND
        try:
            regions = read_regions(path.read_bytes(), source=name)
        except Exception as exc:  # python-docx could not open it: the draft is made without it
            reason = " ".join(str(exc).split())[:200] or type(exc).__name__
            item = problem("draft_unreadable", file=name, reason=reason)
            report.status, report.note = REJECTED, item.message
            found.reports.append(report)
            found.problems.append(item)
            continue
        report.rows_read = report.rows_accepted = len(regions)
        report.note = (f"draf yang disunting perencana: {len(regions)} bagian berisi teks perencana"
                       if regions else "draf yang disunting perencana: belum ada bagian yang diisi")
        found.reports.append(report)
        read.append((report.modified, name, regions, report))
    read.sort(key=lambda r: (r[0] is not None, r[0], r[1]))
    winner: dict[str, str] = {}
    for _, name, regions, _ in read:  # oldest first: a newer file's text replaces an older one's
        for key, region in regions.items():
            found.regions[key] = region
            winner[key] = name
    for _, name, regions, report in read:
        lost = [k for k in regions if winner[k] != name]
        if lost:
            report.note += (f"; {len(lost)} bagian diganti teks dari draf yang lebih baru"
                            f" ({', '.join(sorted({winner[k] for k in lost}))})")
    return found
