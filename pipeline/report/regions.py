"""Carrying the planner's regions into the new draft (pure: bytes in, bytes out, no file opened).

The regions and how an edited draft is read are :mod:`pipeline.intake.draf`: empty bookmarks
(``lkjip_<key>`` / ``lkjipend_<key>`` inside, the guards ``lkjipa_<key>`` / ``lkjipz_<key>`` around,
added here by :func:`guard`) mark each place where only the planner writes.
:func:`carry` puts each region the planner wrote (its paragraphs and tables, with the styles, list
numbering, pictures and links they use) into the freshly rendered draft at the same place, the
placeholder gone, while everything around it (figures, tables, charts, computed sentences) is the
new draft's; the regions the new draft no longer has go into a closing appendix
:data:`APPENDIX_TITLE`, still marked, so they keep travelling and come back if the place does.
"""

from __future__ import annotations

import io

from lxml import etree

from pipeline.intake.draf import (AFTER_PREFIX, APPENDIX_TITLE, BEFORE_PREFIX, PREFIX, R, RT_HYPERLINK, Region,
                                  _spans, end_name, region_ids, w)



# --- carrying into the new draft ------------------------------------------------------------------


def carry(content: bytes, regions: dict[str, Region]) -> tuple[bytes, list[str], list[str]]:
    """The new draft ``content`` with each written region in its place (the placeholder gone), the
    regions it no longer has in the closing appendix, and every region guarded (:func:`guard`); also
    the names carried and those put in the appendix."""
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
    guard(root)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue(), carried, [r.name for r in homeless]


def guard(root) -> None:
    """Two more empty bookmarks around every region, outside the planner's text: ``lkjipa_<key>`` at
    the end of the paragraph before it (for a region in a table cell: of the cell before) and
    ``lkjipz_<key>`` at the start of the paragraph after it (none for the document's last region,
    which runs to the end of the document or of the appendix).  Selecting the placeholder and typing over it, in LibreOffice as in
    Word, deletes the markers inside it; the guards stay, and still say where the region is."""
    names = {b.get(w("name")) for b in root.iter(w("bookmarkStart"))}
    for name, container, blocks, _ in _spans(root):
        key = name[len(PREFIX):]
        _, _, before_id, after_id = region_ids(key)
        if BEFORE_PREFIX + key not in names:
            holder = None
            if container.tag == w("tc"):
                cell = container.getprevious()
                while cell is not None and cell.tag != w("tc"):
                    cell = cell.getprevious()
                paragraphs = cell.findall(w("p")) if cell is not None else []
                holder = paragraphs[-1] if paragraphs else None
            elif blocks[0].getprevious() is not None and blocks[0].getprevious().tag == w("p"):
                holder = blocks[0].getprevious()
            if holder is not None:
                for el in _marker(BEFORE_PREFIX + key, str(before_id)):
                    holder.append(el)
        if AFTER_PREFIX + key not in names and container.tag == w("body"):
            after = blocks[-1].getnext()  # none after the document's last region: it runs to the end
            if after is not None and after.tag == w("p"):
                ppr = after.find(w("pPr"))
                for el in reversed(_marker(AFTER_PREFIX + key, str(after_id))):
                    if ppr is not None:
                        ppr.addnext(el)
                    else:
                        after.insert(0, el)


def _mark(blocks: list, name: str, ids: list) -> None:
    """The region's two markers: the start before the first paragraph's text, the end after the
    last one's; a region that starts or ends with a table gets an empty paragraph there to hold
    the marker (a table cell must end with a paragraph anyway)."""
    if blocks[-1].tag != w("p"):
        par = etree.Element(w("p"))
        blocks[-1].addnext(par)
        blocks.append(par)
    if blocks[0].tag != w("p"):
        par = etree.Element(w("p"))
        blocks[0].addprevious(par)
        blocks.insert(0, par)
    key = name[len(PREFIX):]
    ids = [str(i) if i is not None else str(d) for i, d in zip(ids, region_ids(key)[:2])]
    first = blocks[0]
    start = _marker(name, ids[0])
    ppr = first.find(w("pPr"))
    for el in reversed(start):
        if ppr is not None:
            ppr.addnext(el)
        else:
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
    h1 = doc.add_paragraph(APPENDIX_TITLE, style=target.style("Heading 1"))
    h1.paragraph_format.page_break_before = True
    doc.add_paragraph("Teks berikut ditulis perencana pada draf sebelumnya di bagian yang tidak ada lagi dalam "
                      "draf ini. Pindahkan ke tempat yang sesuai atau hapus; selama masih di sini, teks ini ikut "
                      "dibawa ke draf berikutnya.")
    for region in homeless:
        title = region.label or region.key.replace("_", " ")
        if not title.endswith(f"({region.key})"):  # read back from an earlier appendix: named already
            title = f"{title} ({region.key})"
        doc.add_paragraph(title, style=target.style("Heading 2"))
        new = target.blocks(region)
        for block in new:
            if sect is not None:
                sect.addprevious(block)
            else:
                body.append(block)
        if new:  # the key is not in this draft: its own ids are free
            _mark(new, region.name, list(region_ids(region.key)[:2]))


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
