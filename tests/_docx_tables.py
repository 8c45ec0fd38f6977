"""The captioned tables of a .docx, as the tests of the LKjIP document read them."""

from __future__ import annotations

import re


def captioned_tables(document) -> dict[str, list[list[str]]]:
    """Each table under a caption ("Tabel 3.2 ..." as ``3.2``, "Lampiran 1.1 ..." as ``L1.1``) as rows
    of cell texts, header rows included; ``document`` is a python-docx Document."""
    import docx

    found, caption = {}, None
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            text = "".join(t.text or "" for t in child.iter() if t.tag.endswith("}t"))
            m = re.match(r"(Tabel|Lampiran) (\d\.\d)\b", text.strip())
            if m:
                caption = m.group(2) if m.group(1) == "Tabel" else f"L{m.group(2)}"
        elif tag == "tbl" and caption:
            table = docx.table.Table(child, document)
            found[caption] = [[" ".join(c.text.split()) for c in row.cells] for row in table.rows]
            caption = None
    return found
