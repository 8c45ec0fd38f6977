"""The planner's regions of the draft: read them from an edited draft, carry them into the next one.

A region is a place in the draft where only the planner can write.  The fresh draft marks each one
with two empty Word **bookmarks**: ``lkjip_<key>`` before the first character of the paragraph that
holds the placeholder ``[diisi oleh perencana: …]`` and ``lkjipend_<key>`` after its last; the region
is every paragraph and table from the one holding the first marker to the one holding the second.
The key is stable (``latar_belakang``, ``analisis_<kode IKU>``), never a position.

Why two empty bookmarks, and not one bookmark around the text or a content control (``w:sdt``):
tried with LibreOffice 7.4 (docx -> docx, twice, as a planner saves again and again), a block-level
content control loses its tag and all but its first paragraph, an inline one loses its tag; a
bookmark around several paragraphs that starts at a paragraph's first character is written with a
second start in its last paragraph, and after the second save it covers only that last paragraph.
An empty bookmark stays where it was, through every save, in LibreOffice, Word and python-docx
(``tests/document/test_regions_libreoffice.py``).  A marker LibreOffice writes twice is read once
(the first of a name counts).

:func:`read_regions` takes the regions the planner wrote (every paragraph and table between a
bookmark's start and end, with the styles, list numbering, pictures and links they use) from an
edited draft; :func:`carry` puts them into the freshly rendered draft at the same places, the
placeholder gone, and the ones the new draft no longer has into a closing appendix
:data:`APPENDIX_TITLE` (still bookmarked, so they keep travelling and come back if the place does).
Both are pure: bytes in, bytes out, no file is opened.
"""

from __future__ import annotations

import copy
import hashlib
import io
import re
from dataclasses import dataclass, field

from lxml import etree

PREFIX = "lkjip_"  # the start marker of a region: lkjip_<key>
END_PREFIX = "lkjipend_"  # its end marker: lkjipend_<key>
MAX_NAME = 40  # Word's limit for a bookmark name
PLACEHOLDER_RE = re.compile(r"\[diisi oleh perencana:[^\]]*\]")
APPENDIX_TITLE = "Teks perencana yang tidak lagi punya tempat"

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
V = "urn:schemas-microsoft-com:vml"
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


def region_ids(key: str) -> tuple[int, int]:
    """Bookmark ids of the region ``key``'s two markers that no other bookmark of the template uses."""
    n = int(hashlib.sha1(region_name(key).encode()).hexdigest()[:8], 16) % 500_000
    return 1_000_000 + 2 * n, 1_000_001 + 2 * n


def markers_xml(key: str) -> tuple[str, str]:
    """The two markers of region ``key`` as run-level XML (``w:`` prefix bound): the start goes
    before the region's first run, the end after its last."""
    name = region_name(key)
    first, second = region_ids(key)
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
    """Every region: (name, container, blocks, its markers' bookmark ids), in document order."""
    marks: dict[str, object] = {}
    for el in root.iter(w("bookmarkStart")):  # the first of a name (LibreOffice may repeat one)
        marks.setdefault(el.get(w("name")) or "", el)
    found = []
    for name, start in marks.items():
        if not name.startswith(PREFIX):
            continue
        end = marks.get(END_PREFIX + name[len(PREFIX):])
        span = _span(start, end)
        if span is not None:
            ids = [m.get(w("id")) for m in (start, end) if m is not None]
            found.append((name, span[0], span[1], ids))
    return found


def _path(el) -> list:
    chain = [el]
    while chain[-1].getparent() is not None:
        chain.append(chain[-1].getparent())
    return chain[::-1]  # root first


def _span(start, end):
    """The container (body or table cell) and its blocks from the one holding the ``start``
    marker to the one holding the ``end`` marker (only the first when the end was lost)."""
    a = _path(start)
    b = _path(end) if end is not None else a
    common = 0
    while common < min(len(a), len(b)) and a[common] is b[common]:
        common += 1
    k = common - 1
    while k >= 0 and a[k].tag not in CONTAINERS:
        k -= 1
    if k < 0 or k + 1 >= len(a):
        return None
    container = a[k]
    first = a[k + 1]
    last = b[k + 1] if k + 1 < len(b) else first
    children = list(container)
    i, j = children.index(first), children.index(last)
    if j < i:  # the end marker moved above the start: the start's block alone
        j = i
    blocks = [c for c in children[i:j + 1] if c.tag in BLOCKS]
    if not blocks:  # markers at block level: the blocks between them
        return None
    return container, blocks


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


def is_edited_draft(content: bytes) -> bool:
    """True when ``content`` (document.xml) holds region bookmarks."""
    return f'w:name="{PREFIX}'.encode() in content


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


# --- carrying into the new draft ------------------------------------------------------------------


def carry(content: bytes, regions: dict[str, Region]) -> tuple[bytes, list[str], list[str]]:
    """The new draft ``content`` with each written region in its place (the placeholder gone) and
    the regions it no longer has in the closing appendix; also the names carried and those put in
    the appendix.  ``content`` unchanged when there is nothing to carry."""
    if not regions:
        return content, [], []
    import docx

    doc = docx.Document(io.BytesIO(content))
    root = doc.element
    body = root.find(w("body"))
    target = _Target(doc)
    carried = []
    for name, _container, blocks, ids in _spans(root):
        region = regions.get(name)
        if region is None:
            continue
        new = target.blocks(region)
        if not new:
            continue
        anchor = blocks[0]
        for block in new:
            anchor.addprevious(block)
        for block in blocks:
            block.getparent().remove(block)
        _mark(new, name, ids)
        carried.append(name)
    homeless = [r for n, r in regions.items() if n not in carried]
    if homeless:
        _appendix(doc, body, homeless, target)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue(), carried, [r.name for r in homeless]


def _mark(blocks: list, name: str, ids: list) -> None:
    """The region's two markers: the start before the first paragraph's text, the end after the
    last one's (an empty paragraph ends a region that ends in a table, as a table cell must anyway)."""
    if blocks[-1].tag != w("p"):
        par = etree.Element(w("p"))
        blocks[-1].addnext(par)
        blocks.append(par)
    ids = [str(i) for i in ids] + [str(int(ids[0]) + 1)] * (2 - len(ids))
    first = blocks[0] if blocks[0].tag == w("p") else next(blocks[0].iter(w("p")))
    start = _marker(name, ids[0])
    ppr = first.find(w("pPr"))
    if ppr is not None:
        for el in reversed(start):
            ppr.addnext(el)
    else:
        for el in reversed(start):
            first.insert(0, el)
    for el in _marker(end_name(name), ids[1]):
        blocks[-1].append(el)


def _marker(name: str, bid: str) -> list:
    start = etree.Element(w("bookmarkStart"))
    start.set(w("id"), bid)
    start.set(w("name"), name)
    end = etree.Element(w("bookmarkEnd"))
    end.set(w("id"), bid)
    return [start, end]


def _appendix(doc, body, homeless: list[Region], target: "_Target") -> None:
    """The closing appendix: a heading, then per region a heading naming it and its text, bookmarked."""
    sect = body.find(w("sectPr"))
    ids = [int(b.get(w("id"))) for b in body.iter(w("bookmarkStart")) if (b.get(w("id")) or "").isdigit()]
    next_id = max(ids, default=0) + 1
    h1 = doc.add_paragraph(APPENDIX_TITLE, style=target.style("Heading 1"))
    h1.paragraph_format.page_break_before = True
    doc.add_paragraph("Teks berikut ditulis perencana pada draf sebelumnya di bagian yang tidak ada lagi dalam "
                      "draf ini. Pindahkan ke tempat yang sesuai atau hapus; selama masih di sini, teks ini ikut "
                      "dibawa ke draf berikutnya.")
    for region in homeless:
        title = region.label or region.key.replace("_", " ")
        doc.add_paragraph(f"{title} ({region.key})", style=target.style("Heading 2"))
        new = target.blocks(region)
        for block in new:
            if sect is not None:
                sect.addprevious(block)
            else:
                body.append(block)
        if new:
            _mark(new, region.name, [next_id, next_id + 1])
            next_id += 2


class _Target:
    """The new draft's styles, numbering and relationships, grown as regions come in."""

    def __init__(self, doc):
        self.doc = doc
        self.styles_el = doc.styles.element
        self.style_ids = {s.get(w("styleId")) for s in self.styles_el.iter(w("style"))}
        self._numbering = None

    def style(self, name: str):
        try:
            return self.doc.styles[name]
        except KeyError:
            return None

    def numbering(self):
        if self._numbering is None:
            self._numbering = self.doc.part.numbering_part.element
        return self._numbering

    def blocks(self, region: Region) -> list:
        blocks = [etree.fromstring(b) for b in region.blocks]
        for sid, xml in region.styles.items():  # styles the new draft lacks come along
            if sid not in self.style_ids:
                self.styles_el.append(etree.fromstring(xml))
                self.style_ids.add(sid)
        styles = [self.styles_el.find(f"{w('style')}[@{w('styleId')}='{sid}']") for sid in region.styles]
        num_map = self._numbers(region)
        for el in [*(e for b in blocks for e in b.iter(w("numId"))),
                   *(e for s in styles if s is not None for e in s.iter(w("numId")))]:
            old = el.get(w("val"))
            if old in num_map:
                el.set(w("val"), num_map[old])
        rel_map = {}
        part = self.doc.part
        for rid, (blob, filename) in region.images.items():
            try:
                rel_map[rid] = part.get_or_add_image(io.BytesIO(blob))[0]
            except Exception:  # an image python-docx cannot recognise: left out below
                continue
        for rid, url in region.links.items():
            rel_map[rid] = part.relate_to(url, RT_HYPERLINK, is_external=True)
        for b in blocks:
            for el in list(b.iter()):
                for attr, value in list(el.attrib.items()):
                    if not attr.startswith(f"{{{R}}}"):
                        continue
                    if value in rel_map:
                        el.set(attr, rel_map[value])
                    else:  # a chart, an embedded object ...: its part stays behind, so the run goes
                        _drop_run(el)
        return blocks

    def _numbers(self, region: Region) -> dict[str, str]:
        if not region.numbering:
            return {}
        numbering = self.numbering()
        num_ids = [int(n.get(w("numId"))) for n in numbering.iter(w("num"))]
        abs_ids = [int(a.get(w("abstractNumId"))) for a in numbering.iter(w("abstractNum"))]
        next_num, next_abs = max(num_ids, default=0) + 1, max(abs_ids, default=-1) + 1
        mapping = {}
        for old, (num_xml, abstract_xml) in region.numbering.items():
            num = etree.fromstring(num_xml)
            if abstract_xml is not None:
                abstract = etree.fromstring(abstract_xml)
                abstract.set(w("abstractNumId"), str(next_abs))
                for nsid in abstract.findall(w("nsid")):  # Word tells lists apart by nsid too
                    abstract.remove(nsid)
                first_num = numbering.find(w("num"))
                if first_num is not None:
                    first_num.addprevious(abstract)
                else:
                    numbering.append(abstract)
                ref = num.find(w("abstractNumId"))
                if ref is not None:
                    ref.set(w("val"), str(next_abs))
                next_abs += 1
            num.set(w("numId"), str(next_num))
            numbering.append(num)
            mapping[old] = str(next_num)
            next_num += 1
        return mapping


def _drop_run(el) -> None:
    node = el
    while node is not None and node.tag != w("r"):
        node = node.getparent()
    target = node if node is not None else el
    if target.getparent() is not None:
        target.getparent().remove(target)
