"""Build the bundled Word template of the LKjIP draft: ``python -m pipeline.report.templates.build_template``.

Writes ``lkjip.docx`` next to this file with python-docx: A4, the styles the
document uses (``Judul Tabel`` above tables, ``Judul Gambar`` below charts,
``Isi Tabel``, ``Kepala Tabel``, ``Isian Perencana`` for what only the planner can
write), the chapters of PermenPAN-RB 53/2014, landscape sections for the wide
tables, page numbers (roman in the front matter, arabic from Bab I), header rows
repeated on every page, and docxtpl (Jinja2) tags that
:mod:`pipeline.report.document` fills.  The Daftar Isi / Daftar Tabel / Daftar
Gambar are lists whose page numbers are ``PAGEREF`` fields to bookmarks on the
headings and captions: LibreOffice computes them when it lays the document out,
Word when it opens it (``updateFields``).

An office can make its own template (letterhead, fonts, styles) by editing
``lkjip.docx`` in Word and dropping it in ``inputs/referensi/``; the variables
are listed in ``docs/outputs.md``.  Both this script and the ``.docx`` it writes
are committed; re-run it after changing it.
"""

from __future__ import annotations

from pathlib import Path

from docx import Document
from docx.enum.section import WD_ORIENT, WD_SECTION
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH, WD_BREAK, WD_COLOR_INDEX
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

OUT = Path(__file__).with_name("lkjip.docx")
FONT = "Arial"
A4 = (Cm(21.0), Cm(29.7))
PLACEHOLDER = "Isian Perencana"
HEADER_PT = 8.5  # Kepala Tabel; a header whose longest word does not fit its column gets a smaller size
MIN_HEADER_PT = 6.5
CELL_MARGIN_CM = 0.12  # left and right padding of every table cell
SAMPLE_VALUE = "2024"  # what a {{ tag }} in a header stands for when its width is measured (a year)

_afm_cache: dict = {}


def text_width_cm(text: str, size_pt: float, bold: bool = True) -> float:
    """The width of ``text`` in Arial (Helvetica's metrics, which Arial and Liberation Sans share) at
    ``size_pt``, in cm."""
    import os
    import re

    import matplotlib
    from matplotlib._afm import AFM

    text = re.sub(r"\{\{.*?\}\}", SAMPLE_VALUE, text)
    name = "phvb8a.afm" if bold else "phvr8a.afm"
    if name not in _afm_cache:
        with open(os.path.join(matplotlib.get_data_path(), "fonts", "afm", name), "rb") as fh:
            _afm_cache[name] = AFM(fh)
    try:
        units = _afm_cache[name].get_str_bbox_and_descent(text)[2]
    except KeyError:  # a character outside the font's table: a generous estimate
        units = 650 * len(text)
    return units / 1000 * size_pt * 2.54 / 72


def header_size(text: str, width_cm: float) -> float:
    """The header font size (pt) at which the longest word of ``text`` fits a cell ``width_cm`` wide:
    headers break only at spaces, never inside a word ("REALISA/SI")."""
    import re

    words = re.sub(r"\{\{.*?\}\}", SAMPLE_VALUE, text).split()
    room = width_cm - 2 * CELL_MARGIN_CM - 0.04
    size = HEADER_PT
    for word in words:
        need = text_width_cm(word, HEADER_PT)
        if need > room:
            size = min(size, HEADER_PT * room / need)
    size = int(size * 2) / 2  # half points, rounded down
    if size < MIN_HEADER_PT:
        raise ValueError(f"header {text!r}: a word does not fit {width_cm} cm even at {MIN_HEADER_PT} pt")
    return size

_bookmark_id = 0


# --- low-level helpers ----------------------------------------------------------------


def _el(tag: str, **attrs) -> OxmlElement:
    el = OxmlElement(tag)
    for key, value in attrs.items():
        el.set(qn(f"w:{key}"), str(value))
    return el


def _field(paragraph, instr: str, cached: str = "") -> None:
    """A complex field (PAGE, PAGEREF ...) with its cached text."""
    for kind, text in (("begin", None), ("instr", instr), ("separate", None), ("text", cached), ("end", None)):
        run = paragraph.add_run()
        if kind == "instr":
            t = _el("w:instrText")
            t.set(qn("xml:space"), "preserve")
            t.text = text
            run._r.append(t)
        elif kind == "text":
            run.text = text
        else:
            run._r.append(_el("w:fldChar", fldCharType=kind))


def _bookmark(paragraph, name: str) -> None:
    global _bookmark_id
    _bookmark_id += 1
    paragraph._p.insert(1 if paragraph._p.pPr is not None else 0, _el("w:bookmarkStart", id=_bookmark_id, name=name))
    paragraph._p.append(_el("w:bookmarkEnd", id=_bookmark_id))


def _region_marker(paragraph, key: str, which: int) -> None:
    """The start (0) or end (1) marker of the planner's region ``key`` at the paragraph's end."""
    from pipeline.intake.draf import end_name, region_ids, region_name

    name = region_name(key) if which == 0 else end_name(region_name(key))
    bid = region_ids(key)[which]
    paragraph._p.append(_el("w:bookmarkStart", id=bid, name=name))
    paragraph._p.append(_el("w:bookmarkEnd", id=bid))


def _orient(section, landscape: bool) -> None:
    width, height = A4
    section.orientation = WD_ORIENT.LANDSCAPE if landscape else WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = (height, width) if landscape else (width, height)
    section.top_margin = section.bottom_margin = Cm(2.5)
    section.left_margin, section.right_margin = (Cm(2.5), Cm(2.0)) if landscape else (Cm(3.0), Cm(2.5))


def _page_numbers(section, fmt: str | None, start: int | None = 1) -> None:
    pg = section._sectPr.find(qn("w:pgNumType"))
    if pg is None:
        pg = _el("w:pgNumType")
        section._sectPr.append(pg)
    if fmt:
        pg.set(qn("w:fmt"), fmt)
    if start is not None:
        pg.set(qn("w:start"), str(start))


# --- styles -----------------------------------------------------------------------------


def _styles(doc) -> None:
    normal = doc.styles["Normal"]
    normal.font.name = FONT
    normal.font.size = Pt(11)
    normal.element.rPr.rFonts.set(qn("w:eastAsia"), FONT)
    normal.paragraph_format.space_after = Pt(6)
    normal.paragraph_format.line_spacing = 1.15
    normal.paragraph_format.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for level, size, align in ((1, 14, WD_ALIGN_PARAGRAPH.CENTER), (2, 12, None), (3, 11, None)):
        style = doc.styles[f"Heading {level}"]
        style.font.name = FONT
        style.font.size = Pt(size)
        style.font.bold = True
        style.font.italic = False
        style.font.color.rgb = RGBColor(0, 0, 0)
        style.paragraph_format.space_before = Pt(12 if level > 1 else 0)
        style.paragraph_format.space_after = Pt(6 if level > 1 else 18)
        style.paragraph_format.keep_with_next = True
        if align is not None:
            style.paragraph_format.alignment = align
        rfonts = style.element.rPr.find(qn("w:rFonts"))
        for attr in ("ascii", "hAnsi", "eastAsia", "cs"):
            rfonts.set(qn(f"w:{attr}"), FONT)
        for attr in ("asciiTheme", "hAnsiTheme", "eastAsiaTheme", "cstheme"):
            rfonts.attrib.pop(qn(f"w:{attr}"), None)

    def para(name: str, size: float, *, bold=False, italic=False, align=WD_ALIGN_PARAGRAPH.LEFT, keep=False,
             before=0, after=0):
        style = doc.styles.add_style(name, WD_STYLE_TYPE.PARAGRAPH)
        style.base_style = doc.styles["Normal"]
        style.font.size = Pt(size)
        style.font.bold = bold
        style.font.italic = italic
        style.paragraph_format.alignment = align
        style.paragraph_format.keep_with_next = keep
        style.paragraph_format.space_before = Pt(before)
        style.paragraph_format.space_after = Pt(after)
        style.paragraph_format.line_spacing = 1.0
        return style

    para("Judul Tabel", 10, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, keep=True, before=6, after=4)
    para("Judul Gambar", 10, italic=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=2, after=10)
    para("Isi Tabel", 8.5)
    para("Catatan", 9, italic=True, after=6)  # the notes under a table (provisional figures, rows not reported)
    para("Isi Tabel Angka", 8.5, align=WD_ALIGN_PARAGRAPH.RIGHT)
    para("Kepala Tabel", 8.5, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    para("Gambar", 10, align=WD_ALIGN_PARAGRAPH.CENTER, keep=True, before=6)
    para("Sampul", 16, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, before=6, after=6)
    para("Daftar", 11, after=2)
    para("Tanda Tangan", 11, align=WD_ALIGN_PARAGRAPH.CENTER)
    mark = doc.styles.add_style(PLACEHOLDER, WD_STYLE_TYPE.CHARACTER)
    mark.font.italic = True
    mark.font.highlight_color = WD_COLOR_INDEX.YELLOW
    mark.element.get_or_add_rPr().append(_el("w:shd", val="clear", color="auto", fill="FFF2CC"))
    tabs = doc.styles["Daftar"].paragraph_format.tab_stops
    from docx.enum.text import WD_TAB_ALIGNMENT, WD_TAB_LEADER

    tabs.add_tab_stop(Cm(15.5), WD_TAB_ALIGNMENT.RIGHT, WD_TAB_LEADER.DOTS)


# --- the document builder -----------------------------------------------------------------


class Builder:
    def __init__(self):
        self.doc = Document()
        _styles(self.doc)
        self.headings: list[tuple[int, str, str]] = []  # level, text, bookmark
        self.captions: list[tuple[str, str]] = []  # text, bookmark
        self._toc_slots: dict[str, object] = {}

    # text
    def p(self, text: str = "", style: str | None = None, align=None, bold: bool = False):
        par = self.doc.add_paragraph(style=style)
        if text:
            self._runs(par, text, bold)
        if align is not None:
            par.alignment = align
        return par

    def _runs(self, par, text: str, bold: bool = False) -> None:
        """Text with ``[[...]]`` marking a placeholder run (style Isian Perencana); ``[[key|...]]``
        makes it the planner's region ``key`` (:mod:`pipeline.intake.draf`: two empty bookmarks
        around the paragraph's text; what the planner writes there is carried into every later draft)."""
        import re

        for i, part in enumerate(re.split(r"\[\[(.*?)\]\]", text)):
            if not part:
                continue
            if i % 2:
                key, _, what = part.rpartition("|")
                if key:
                    _region_marker(par, key, 0)
                par.add_run(f"[diisi oleh perencana: {what}]", style=PLACEHOLDER)
                if key:
                    _region_marker(par, key, 1)
            else:
                par.add_run(part).bold = bold or None

    def tag(self, text: str) -> None:
        """A paragraph holding only a docxtpl block tag ({%p ... %})."""
        self.doc.add_paragraph(text)

    def heading(self, text: str, level: int, toc: bool = True, roman: bool = False):
        self._heading_count = getattr(self, "_heading_count", 0) + 1
        bookmark = f"_Ref_lkjip_h{self._heading_count}"  # unique, listed or not
        if level == 1 and "\n" in text:
            first, second = text.split("\n", 1)
            par = self.doc.add_heading(level=1)
            par.add_run(first).add_break()
            par.add_run(second)
            shown = f"{first} {second}"
        else:
            par = self.doc.add_heading(text, level)
            shown = text
        _bookmark(par, bookmark)
        if toc:
            self.headings.append((level, shown, bookmark + ("\x00" if roman else "")))
        return par

    def caption(self, text: str):
        bookmark = f"_Ref_lkjip_t{len(self.captions) + 1}"
        par = self.p(text, "Judul Tabel")
        _bookmark(par, bookmark)
        self.captions.append((text, bookmark))
        return par

    def page_break(self) -> None:
        self.doc.add_paragraph().add_run().add_break(WD_BREAK.PAGE)

    def section(self, landscape: bool):
        section = self.doc.add_section(WD_SECTION.NEW_PAGE)
        _orient(section, landscape)
        pg = section._sectPr.find(qn("w:pgNumType"))  # copied from the section before: numbering continues
        if pg is not None:
            pg.attrib.pop(qn("w:start"), None)
        return section

    def toc_slot(self, name: str) -> None:
        """Where a list (Daftar Isi/Tabel) goes; filled at the end, once every heading is known."""
        self._toc_slots[name] = self.doc.add_paragraph()

    def fill_toc(self) -> None:
        def entries(slot, items):
            anchor = slot
            for indent, text, bookmark in items:
                par = self.doc.add_paragraph(style="Daftar")
                par.paragraph_format.left_indent = Cm(0.6 * indent)
                par.add_run(text + "\t")
                roman = bookmark.endswith("\x00")
                bookmark = bookmark.rstrip("\x00")
                switch = "\\* roman " if roman else ""
                _field(par, f" PAGEREF {bookmark} \\h {switch}", "")
                anchor._p.addnext(par._p)
                anchor = par
            slot._p.getparent().remove(slot._p)

        entries(self._toc_slots["isi"], [(lvl - 1, text, bm) for lvl, text, bm in self.headings])
        entries(self._toc_slots["tabel"], [(0, text, bm) for text, bm in self.captions])

    # tables
    def table(self, header_rows: list[list], cells: list[str], widths: list[float], *, loop: str,
              numeric: set[int] = frozenset(), total: list[str] | None = None, numbers: bool | str = False,
              total_loop: str | None = None, body_pt: float | None = None, margin_cm: float = CELL_MARGIN_CM):
        """A table: header rows (repeated on each page; a cell ``None`` merges with the one to its
        left, ``"^"`` with the one above), with ``numbers`` a row of column numbers (1, 2, ...) as the
        published report has; one templated row repeated by ``{%tr for ... %}``, and an optional total
        row (``total``: fixed; with ``total_loop``: one per item of that list, ``t.uraian``, ...).
        Each header cell's font size lets its longest word fit the cell (:func:`header_size`);
        ``body_pt`` and ``margin_cm`` make a table of many narrow columns smaller and tighter."""
        n = len(widths)
        if numbers:
            header_rows = [*header_rows, [numbers.format(i + 1) if isinstance(numbers, str) else str(i + 1)
                                          for i in range(n)]]
        table = self.doc.add_table(rows=0, cols=n)
        table.style = self.doc.styles["Table Grid"]
        table.alignment = WD_TABLE_ALIGNMENT.CENTER
        table.autofit = False
        margins = _el("w:tblCellMar")
        for side in ("left", "right"):
            margins.append(_el(f"w:{side}", w=int(Cm(margin_cm).twips), type="dxa"))
        table._tbl.tblPr.append(margins)
        self.header_cells = getattr(self, "header_cells", [])

        def row(values, style, header=False, numeric_cols=frozenset()):
            r = table.add_row()
            if header:
                r._tr.get_or_add_trPr().append(_el("w:tblHeader"))
            r._tr.get_or_add_trPr().append(_el("w:cantSplit"))
            for i, value in enumerate(values):
                cell = r.cells[i]
                cell.width = Cm(widths[i])
                par = cell.paragraphs[0]
                par.style = self.doc.styles["Isi Tabel Angka" if i in numeric_cols else style]
                if value:
                    if value.startswith("{{r "):
                        par.add_run(value)
                    else:
                        self._runs(par, value, bold=False)
                if header:
                    shd = _el("w:shd", val="clear", color="auto", fill="D9E2F3")
                    cell._tc.get_or_add_tcPr().append(shd)
            return r

        for values in header_rows:
            row([v if v not in (None, "^") else "" for v in values], "Kepala Tabel", header=True)
        # each header text's size: its longest word fits the width it spans (merged cells add up)
        for ri, values in enumerate(header_rows):
            for ci, value in enumerate(values):
                if value in (None, "^") or not value:
                    continue
                span = ci + 1
                while span < n and values[span] is None:
                    span += 1
                width = sum(widths[ci:span])
                size = header_size(value, width)
                self.header_cells.append((value, width, size))
                if size < HEADER_PT:
                    for run in table.rows[ri].cells[ci].paragraphs[0].runs:
                        run.font.size = Pt(size)
        # merges in the header
        for ri, values in enumerate(header_rows):
            for ci, value in enumerate(values):
                if value is None:
                    start = ci - 1
                    while header_rows[ri][start] is None:
                        start -= 1
                    table.cell(ri, start).merge(table.cell(ri, ci))
                elif value == "^":
                    top = ri - 1
                    while header_rows[top][ci] == "^":
                        top -= 1
                    table.cell(top, ci).merge(table.cell(ri, ci))
        for ri in range(len(header_rows)):
            for cell in table.rows[ri].cells:  # merged cells keep one paragraph of text
                for extra in cell.paragraphs[1:]:
                    if not extra.text:
                        extra._p.getparent().remove(extra._p)
        loop_row = table.add_row()
        loop_row.cells[0].paragraphs[0].add_run(f"{{%tr for r in {loop} %}}")
        body = row(cells, "Isi Tabel", numeric_cols=numeric)
        if body_pt is not None:
            for cell in body.cells:
                for run in cell.paragraphs[0].runs:
                    run.font.size = Pt(body_pt)
        end_row = table.add_row()
        end_row.cells[0].paragraphs[0].add_run("{%tr endfor %}")
        if total_loop is not None:
            total_row = table.add_row()
            total_row.cells[0].paragraphs[0].add_run(f"{{%tr for t in {total_loop} %}}")
        if total is not None:
            r = row(total, "Isi Tabel", numeric_cols=numeric)
            for cell in r.cells:
                for par in cell.paragraphs:
                    for run in par.runs:
                        run.bold = True
        if total_loop is not None:
            end_total = table.add_row()
            end_total.cells[0].paragraphs[0].add_run("{%tr endfor %}")
        after = self.doc.add_paragraph(style="Isi Tabel")  # a little air between a table and the text below
        after.paragraph_format.space_after = Pt(6)
        grid = table._tbl.tblGrid
        for col, width in zip(grid.iterchildren(qn("w:gridCol")), widths, strict=True):
            col.set(qn("w:w"), str(int(Cm(width).twips)))
        return table

    def save(self, path: Path) -> None:
        self.fill_toc()
        settings = self.doc.settings.element
        settings.append(_el("w:updateFields", val="true"))
        self.doc.core_properties.title = "Laporan Kinerja Instansi Pemerintah"
        self.doc.core_properties.author = "lkjip"
        self.doc.save(path)


# --- the LKjIP ------------------------------------------------------------------------------------

C = WD_ALIGN_PARAGRAPH.CENTER


def build(path: Path = OUT) -> Path:
    b = Builder()
    doc = b.doc
    first = doc.sections[0]
    _orient(first, False)
    first.different_first_page_header_footer = False

    # cover (no page number)
    for _ in range(5):
        b.p()
    b.p("LAPORAN KINERJA INSTANSI PEMERINTAH", "Sampul")
    b.p("(LKjIP)", "Sampul")
    b.p()
    b.p("{{ instansi_upper }}", "Sampul")
    b.p("TAHUN ANGGARAN {{ tahun }}", "Sampul")
    b.tag("{%p if draf %}")
    b.p("{{ sd_bulan_upper }}", "Sampul")
    b.p("DRAF – data sampai dengan {{ periode }}, belum akhir tahun anggaran", align=C, bold=True)
    b.tag("{%p endif %}")
    for _ in range(6):
        b.p()
    b.p("Dibuat oleh lkjip dari berkas masukan periode {{ periode }} pada {{ dibuat }}. Bagian bertanda "
        "[[...]] ditulis oleh perencana.", "Isi Tabel", align=C)

    # front matter: roman page numbers
    front = b.section(False)
    _page_numbers(front, "lowerRoman", 1)
    front.footer.is_linked_to_previous = False
    footer = front.footer.paragraphs[0]
    footer.alignment = C
    _field(footer, " PAGE ", "1")
    front.header.is_linked_to_previous = False
    header = front.header.paragraphs[0]
    header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    header.style = doc.styles["Isi Tabel"]
    header.add_run("LKjIP {{ tahun }}{% if draf %} {{ sd_bulan }} – DRAF{% endif %} · {{ instansi }}")
    first.footer.is_linked_to_previous = False  # the cover keeps an empty footer and header
    first.header.is_linked_to_previous = False

    b.heading("KATA PENGANTAR", 1, roman=True)
    b.p("[[kata_pengantar|kata pengantar: ucapan syukur, dasar hukum penyusunan LKjIP, tujuan laporan]]")
    b.p("Laporan Kinerja Instansi Pemerintah (LKjIP) {{ instansi }} Tahun {{ tahun }}{{ sd_bulan_kalimat }} ini "
        "disusun sebagai pertanggungjawaban atas Perjanjian Kinerja tahun {{ tahun }} sesuai Peraturan Presiden "
        "Nomor 29 Tahun 2014 dan Peraturan Menteri PAN dan RB Nomor 53 Tahun 2014.")
    b.p()
    b.p("{{r kota_tanggal }}", "Tanda Tangan")
    b.p("{{r jabatan }}", "Tanda Tangan")
    for _ in range(3):
        b.p("", "Tanda Tangan")
    b.p("{{r kepala }}", "Tanda Tangan")
    b.p("{{r nip }}", "Tanda Tangan")
    b.page_break()

    b.heading("RINGKASAN EKSEKUTIF", 1, roman=True)
    b.p("{{ ringkasan.pembuka }}")
    b.p("{{ ringkasan.kategori }}")
    b.p("{{ ringkasan.anggaran }}")
    b.p("{{ ringkasan.efisiensi }}")
    b.p("[[tantangan|tantangan dan permasalahan yang ditemui pada setiap sasaran, serta kesimpulan umum perencana]]")
    b.page_break()

    b.heading("DAFTAR ISI", 1, toc=False)
    b.toc_slot("isi")
    b.page_break()
    b.heading("DAFTAR TABEL", 1, toc=False)
    b.toc_slot("tabel")
    b.p()
    b.heading("DAFTAR GAMBAR", 1, toc=False)
    b.tag("{%p for g in gambar %}")
    par = b.p(style="Daftar")
    par.add_run("Gambar {{ g.nomor }} {{ g.judul }}\t")
    _field(par, " PAGEREF {{ g.bookmark }} \\h ", "")
    b.tag("{%p endfor %}")

    # Bab I: arabic page numbers from 1
    body = b.section(False)
    _page_numbers(body, "decimal", 1)
    b.heading("BAB I\nPENDAHULUAN", 1)
    b.heading("1.1 Latar Belakang", 2)
    b.p("[[latar_belakang|latar belakang penyusunan LKjIP dan maksud serta tujuannya]]")
    b.heading("1.2 Struktur Organisasi dan Tata Kerja", 2)
    b.p("[[tugas_fungsi|kedudukan, tugas pokok dan fungsi {{ instansi }} menurut peraturan kepala daerah yang berlaku]]")
    b.heading("1.2.1 Struktur Organisasi", 3)
    b.p("[[struktur_organisasi|bagan struktur organisasi]]")
    b.heading("1.2.2 Sumber Daya Manusia", 3)
    b.p("[[sumber_daya_manusia|jumlah pegawai menurut golongan dan tingkat pendidikan]]")
    b.heading("1.2.3 Sarana dan Prasarana", 3)
    b.p("[[sarana_prasarana|sarana dan prasarana yang dimiliki dan kondisinya]]")
    b.heading("1.3 Aspek Strategis dan Permasalahan Utama", 2)
    b.p("[[isu_strategis|isu strategis dan permasalahan utama yang dihadapi]]")
    b.heading("1.4 Landasan Hukum", 2)
    b.p("[[landasan_hukum|peraturan perundang-undangan yang menjadi dasar penyusunan]]")
    b.heading("1.5 Sistematika Penulisan", 2)
    for text in ("Bab I Pendahuluan: latar belakang, struktur organisasi dan tata kerja, aspek strategis dan "
                 "permasalahan utama, landasan hukum, sistematika penulisan.",
                 "Bab II Perencanaan Kinerja: rencana strategis, perencanaan kinerja, perjanjian kinerja tahun {{ tahun }}.",
                 "Bab III Akuntabilitas Kinerja: capaian kinerja organisasi, analisis capaian kinerja, realisasi anggaran.",
                 "Bab IV Penutup: kesimpulan dan langkah-langkah ke depan."):
        b.p(text)
    b.page_break()

    # Bab II
    b.heading("BAB II\nPERENCANAAN KINERJA", 1)
    b.heading("2.1 Rencana Strategis", 2)
    b.p("{{ renstra_kalimat }}")
    b.tag("{%p for s in sasaran %}")
    b.p("{{ s.huruf }}. Sasaran {{ s.nomor }}: {{ s.pernyataan }} — Indikator: {{ s.indikator }}")
    b.tag("{%p endfor %}")

    b.caption("Tabel 2.1 Tujuan dan Sasaran serta Target Kinerja per Tahun")
    years = [f"{{{{ tahun_2_1[{i}] }}}}" for i in range(5)]
    b.table([["NO", "TUJUAN", "SASARAN", "INDIKATOR KINERJA", "TARGET KINERJA PADA TAHUN", None, None, None, None],
             ["^", "^", "^", "^", *years]],
            ["{{ r.no }}", "{{ r.tujuan }}", "{{ r.sasaran }}", "{{ r.indikator }}",
             *[f"{{{{ r.target[{i}] }}}}" for i in range(5)]],
            [0.8, 2.6, 2.6, 2.75, 1.35, 1.35, 1.35, 1.35, 1.35], loop="tabel_2_1", numeric={4, 5, 6, 7, 8},
            numbers="({})")

    b.heading("2.2 Perencanaan Kinerja", 2)
    b.p("Tujuan, sasaran dan indikator kinerja yang ditetapkan dalam Renstra {{ instansi }} Tahun "
        "{{ renstra_periode }} untuk tahun {{ tahun }}:")
    b.caption("Tabel 2.2 Perencanaan Kinerja Tahun {{ tahun }}")
    b.table([["NO", "TUJUAN", "SASARAN STRATEGIS", "INDIKATOR KINERJA", "SATUAN", "TARGET"]],
            ["{{ r.no }}", "{{ r.tujuan }}", "{{ r.sasaran }}", "{{ r.indikator }}", "{{ r.satuan }}", "{{ r.target }}"],
            [0.8, 3.5, 3.5, 3.7, 2.0, 2.0], loop="tabel_2_2", numeric={5}, numbers=True)
    b.heading("2.2.1 Rencana Anggaran Tahun {{ tahun }}", 3)
    b.p("{{ anggaran_kalimat }}")
    b.p("{{ pergeseran_kalimat }}")
    b.caption("Tabel 2.3 Target Belanja Tahun {{ tahun }} Sebelum dan Sesudah Pergeseran Anggaran")
    b.table([["NO", "URAIAN", "AWAL", "PERGESERAN"], ["^", "^", "TOTAL (Rp)", "TOTAL (Rp)"]],
            ["{{ r.no }}", "{{ r.uraian }}", "{{ r.awal }}", "{{ r.pergeseran }}"],
            [1.0, 6.9, 3.8, 3.8], loop="tabel_2_3", numeric={2, 3})
    b.heading("2.2.2 Instrumen Pendukung", 3)
    b.p("[[instrumen_pendukung|instrumen pendukung: situs web, aplikasi pendataan dan sistem informasi yang dipakai]]")
    b.heading("2.3 Perjanjian Kinerja Tahun {{ tahun }}", 2)
    b.p("[[perjanjian_kinerja|uraian perjanjian kinerja dengan kepala daerah]]")
    b.caption("Tabel 2.4 Perjanjian Kinerja Tahun {{ tahun }}")
    b.table([["NO", "SASARAN STRATEGIS", "INDIKATOR KINERJA", "SATUAN", "TARGET"]],
            ["{{ r.no }}", "{{ r.sasaran }}", "{{ r.indikator }}", "{{ r.satuan }}", "{{ r.target }}"],
            [0.8, 5.3, 5.4, 2.0, 2.0], loop="tabel_2_4", numeric={4}, numbers=True)
    b.p("{{ program_kalimat }}")

    # Bab III in landscape from its first page: its wide tables follow their text with no page break
    b.section(True)

    # Bab III
    b.heading("BAB III\nAKUNTABILITAS KINERJA", 1)
    b.heading("3.1 Capaian Kinerja Organisasi Tahun {{ tahun }}", 2)
    b.p("Keberhasilan pencapaian tujuan dan sasaran dinilai dengan skala pengukuran berikut:")
    b.caption("Tabel 3.1 Skala Pengukuran Kinerja")
    b.table([["NO", "SKALA CAPAIAN KINERJA", "KATEGORI"]], ["{{ r.no }}", "{{ r.skala }}", "{{ r.kategori }}"],
            [1.0, 6.0, 5.0], loop="tabel_3_1")
    b.heading("3.2 Analisis Capaian Kinerja", 2)
    b.p("Pengukuran dilakukan dengan membandingkan target kinerja dengan realisasinya untuk setiap indikator "
        "tujuan dan sasaran strategis:")
    b.caption("Tabel 3.2 Perbandingan Target dan Realisasi Kinerja Tahun {{ tahun_lalu }} dan {{ tahun }}")
    b.table([["NO", "TUJUAN/SASARAN STRATEGIS", "INDIKATOR KINERJA", "TAHUN {{ tahun_lalu }}", None, None,
              "TAHUN {{ tahun }}", None, None],
             ["^", "^", "^", "Target", "Realisasi", "Capaian", "Target", "Realisasi", "Capaian"]],
            ["{{ r.no }}", "{{ r.pernyataan }}", "{{ r.indikator }}", "{{ r.target_lalu }}", "{{ r.realisasi_lalu }}",
             "{{ r.capaian_lalu }}", "{{ r.target }}", "{{ r.realisasi }}", "{{ r.capaian }}"],
            [0.8, 5.6, 5.0, 2.25, 2.25, 2.25, 2.25, 2.25, 2.25], loop="tabel_3_2", numeric={3, 4, 5, 6, 7, 8},
            numbers=True)
    b.tag("{%p if sumber_data_catatan %}")
    b.p("{{ sumber_data_catatan }}")
    b.tag("{%p endif %}")
    b.tag("{%p if sementara_catatan %}")
    b.p("{{ sementara_catatan }}", "Catatan")
    b.tag("{%p endif %}")
    b.p("{{ kalimat_3_2 }}")
    b.tag("{%p for k in iku_kalimat %}")
    b.p("{{ k.capaian }} {{ k.perbandingan }} {{ k.renstra }}")
    b.tag("{%p if k.analisis %}")  # the reasons, computed (domain/analisis.py)
    b.p("{{ k.analisis }}")
    b.tag("{%p endif %}")
    b.tag("{%p endfor %}")
    b.p("[[analisis_capaian|analisis penyebab keberhasilan atau kegagalan setiap indikator]]")
    b.tag("{%p for g in gambar_capaian %}")
    b.p("{{ g.gambar }}", "Gambar")
    par = b.p(style="Judul Gambar")
    par._p.append(_el("w:bookmarkStart", id="{{ g.bid }}", name="{{ g.bookmark }}"))
    par.add_run("Gambar {{ g.nomor }} {{ g.judul }}")
    par._p.append(_el("w:bookmarkEnd", id="{{ g.bid }}"))
    b.tag("{%p endfor %}")

    b.caption("Tabel 3.3 Perbandingan Realisasi Kinerja Tahun Ini dengan Tahun-Tahun Sebelumnya")
    tgt = [f"{{{{ tahun_3_3[{i}] }}}}" for i in range(5)]
    b.table([["NO", "SASARAN", "INDIKATOR KINERJA", "TARGET", None, None, None, None,
              "REALISASI", None, None, None, None],
             ["^", "^", "^", *tgt, *tgt]],
            ["{{ r.no }}", "{{ r.pernyataan }}", "{{ r.indikator }}", *[f"{{{{ r.target[{i}] }}}}" for i in range(5)],
             *[f"{{{{ r.realisasi[{i}] }}}}" for i in range(5)]],
            [0.8, 3.7, 3.7, *[1.7] * 10], loop="tabel_3_3", numeric=set(range(3, 13)), body_pt=8, margin_cm=0.08)
    b.p("Sel tanpa angka menandakan indikator tersebut belum memiliki target atau realisasi pada tahun itu.")
    b.tag("{%p if sementara_catatan %}")
    b.p("{{ sementara_catatan }}", "Catatan")
    b.tag("{%p endif %}")
    b.tag("{%p if sumber_data_catatan %}")
    b.p("{{ sumber_data_catatan }}")
    b.tag("{%p endif %}")
    b.tag("{%p for g in gambar_iku %}")
    b.p("{{ g.gambar }}", "Gambar")
    par = b.p(style="Judul Gambar")
    par._p.append(_el("w:bookmarkStart", id="{{ g.bid }}", name="{{ g.bookmark }}"))
    par.add_run("Gambar {{ g.nomor }} {{ g.judul }}")
    par._p.append(_el("w:bookmarkEnd", id="{{ g.bid }}"))
    b.tag("{%p endfor %}")

    b.caption("Tabel 3.4 Realisasi Kinerja sampai dengan Tahun {{ tahun }} terhadap Target Akhir Renstra")
    b.table([["NO", "TUJUAN/SASARAN", "INDIKATOR KINERJA", "REALISASI {{ tahun }}", "TARGET AKHIR {{ renstra_akhir }}",
              "CAPAIAN", "TINGKAT KEMAJUAN"]],
            ["{{ r.no }}", "{{ r.pernyataan }}", "{{ r.indikator }}", "{{ r.realisasi }}", "{{ r.target_akhir }}",
             "{{ r.capaian }}", "{{ r.kemajuan }}"],
            [0.8, 7.0, 6.0, 2.6, 2.6, 2.4, 3.5], loop="tabel_3_4", numeric={3, 4, 5})
    b.tag("{%p for k in renstra_kalimat_list %}")
    b.p("{{ k }}")
    b.tag("{%p endfor %}")

    b.caption("Tabel 3.5 Analisis Penyebab Keberhasilan/Kegagalan dan Solusi yang Dilakukan Tahun {{ tahun }}")
    b.table([["NO", "TUJUAN/SASARAN", "INDIKATOR KINERJA", "TARGET", "REALISASI", "CAPAIAN",
              "ANALISIS KEBERHASILAN/KEGAGALAN", "SOLUSI YANG DILAKUKAN"]],
            ["{{ r.no }}", "{{ r.pernyataan }}", "{{ r.indikator }}", "{{ r.target }}", "{{ r.realisasi }}",
             "{{ r.capaian }}", "{{r r.analisis }}", "{{r r.solusi }}"],
            [0.8, 4.0, 3.4, 2.0, 2.0, 2.0, 5.5, 5.5], loop="tabel_3_5", numeric={3, 4, 5})

    b.caption("Tabel 3.6 Analisis atas Efisiensi Penggunaan Sumber Daya")
    b.table([["NO", "SASARAN", "INDIKATOR KINERJA", None, None, "ANGGARAN", None, None, "TINGKAT EFISIENSI"],
             ["^", "^", "TARGET", "REALISASI", "CAPAIAN", "ANGGARAN (Rp)", "REALISASI (Rp)", "CAPAIAN", "^"]],
            ["{{ r.no }}", "{{ r.sasaran }}", "{{ r.target }}", "{{ r.realisasi }}", "{{ r.capaian }}",
             "{{ r.anggaran }}", "{{ r.realisasi_anggaran }}", "{{ r.capaian_anggaran }}", "{{ r.efisiensi }}"],
            [0.8, 6.0, 2.2, 2.2, 2.2, 3.4, 3.4, 2.2, 2.5], loop="tabel_3_6", numeric={2, 3, 4, 5, 6, 7, 8})
    b.p("{{ efisiensi_rumus }}")
    b.tag("{%p for k in efisiensi_kalimat %}")
    b.p("{{ k }}")
    b.tag("{%p endfor %}")

    b.caption("Tabel 3.7 Analisis Program/Kegiatan yang Menunjang Keberhasilan atau Kegagalan Pencapaian Kinerja")
    b.table([["NO", "SASARAN", "INDIKATOR KINERJA", "CAPAIAN", "PROGRAM/KEGIATAN/SUB KEGIATAN", "INDIKATOR KINERJA",
              "TARGET", "REALISASI", "CAPAIAN", "MENUNJANG/ TIDAK MENUNJANG"]],
            ["{{ r.no }}", "{{ r.sasaran }}", "{{ r.indikator_sasaran }}", "{{ r.capaian_sasaran }}", "{{r r.uraian }}",
             "{{ r.indikator }}", "{{ r.target }}", "{{ r.realisasi }}", "{{ r.capaian }}", "{{ r.menunjang }}"],
            [0.8, 2.9, 2.5, 1.9, 4.8, 4.2, 1.9, 1.9, 1.8, 2.5], loop="tabel_3_7", numeric={3, 6, 7, 8})
    b.tag("{%p for k in program_sasaran_kalimat %}")
    b.p("{{ k }}")
    b.tag("{%p endfor %}")

    b.heading("3.3 Realisasi Anggaran Tahun {{ tahun }}", 2)
    b.p("{{ realisasi_anggaran_pembuka }}")
    b.caption("Tabel 3.8 Realisasi Anggaran Tahun {{ tahun }}")
    b.table([["NO", "PROGRAM/KEGIATAN/SUB KEGIATAN", "TARGET (Rp)", "REALISASI (Rp)", "CAPAIAN"]],
            ["{{ r.no }}", "{{r r.uraian }}", "{{ r.pagu }}", "{{ r.realisasi }}", "{{ r.capaian }}"],
            [1.0, 15.0, 3.4, 3.4, 2.2], loop="tabel_3_8", numeric={2, 3, 4},
            total=["", "{{ t.uraian }}", "{{ t.pagu }}", "{{ t.realisasi }}", "{{ t.capaian }}"], total_loop="total_3_8_baris")
    b.tag("{%p for k in catatan_3_8 %}")
    b.p("{{ k }}", "Catatan")
    b.tag("{%p endfor %}")
    b.p("{{ realisasi_anggaran_kalimat }}")
    b.tag("{%p for g in gambar_anggaran %}")
    b.p("{{ g.gambar }}", "Gambar")
    par = b.p(style="Judul Gambar")
    par._p.append(_el("w:bookmarkStart", id="{{ g.bid }}", name="{{ g.bookmark }}"))
    par.add_run("Gambar {{ g.nomor }} {{ g.judul }}")
    par._p.append(_el("w:bookmarkEnd", id="{{ g.bid }}"))
    b.tag("{%p endfor %}")
    b.heading("3.4 Inovasi", 2)
    b.p("[[inovasi|inovasi yang dilaksanakan pada tahun {{ tahun }}]]")

    b.section(False)

    # Bab IV
    b.heading("BAB IV\nPENUTUP", 1)
    b.heading("4.1 Kesimpulan", 2)
    b.p("{{ kesimpulan_pembuka }}")
    b.tag("{%p for k in kesimpulan %}")
    b.p("{{ loop.index }}. {{ k }}")
    b.tag("{%p endfor %}")
    b.p("[[kesimpulan|kesimpulan umum dan faktor-faktor yang menentukan keberhasilan]]")
    b.heading("4.2 Langkah-Langkah ke Depan", 2)
    b.tag("{%p if tindak_lanjut %}")  # what the figures say to follow up (domain/analisis.py)
    b.p("Berdasarkan hasil pengukuran dan analisis di atas, hal-hal yang perlu ditindaklanjuti adalah:")
    b.tag("{%p for k in tindak_lanjut %}")
    b.p("{{ loop.index }}. {{ k }}")
    b.tag("{%p endfor %}")
    b.tag("{%p endif %}")
    b.p("[[langkah_ke_depan|rekomendasi untuk peningkatan kinerja pada tahun berikutnya]]")

    # Lampiran, from the data: the Perjanjian Kinerja and the IKU document
    b.section(True)
    b.heading("LAMPIRAN", 1)
    b.heading("Lampiran 1 Perjanjian Kinerja Tahun {{ tahun }}", 2)
    b.p("Perjanjian Kinerja {{ instansi }} Tahun {{ tahun }}: sasaran strategis, indikator kinerja dan targetnya, "
        "serta program dan anggaran yang mendukungnya.")
    b.caption("Lampiran 1.1 Sasaran Strategis, Indikator Kinerja dan Target Tahun {{ tahun }}")
    b.table([["NO", "SASARAN STRATEGIS", "INDIKATOR KINERJA", "SATUAN", "TARGET"]],
            ["{{ r.no }}", "{{ r.sasaran }}", "{{ r.indikator }}", "{{ r.satuan }}", "{{ r.target }}"],
            [1.0, 9.5, 9.0, 2.6, 2.6], loop="lampiran_pk", numeric={4}, numbers=True)
    b.caption("Lampiran 1.2 Program dan Anggaran Tahun {{ tahun }}")
    b.table([["NO", "PROGRAM", "ANGGARAN (Rp)", "KETERANGAN"]],
            ["{{ r.no }}", "{{ r.program }}", "{{ r.pagu }}", "{{ r.keterangan }}"],
            [1.0, 13.5, 4.0, 4.5], loop="lampiran_pk_program", numeric={2}, numbers=True,
            total=["", "JUMLAH", "{{ lampiran_pk_jumlah }}", ""])
    b.page_break()  # each appendix begins its own page, as the published report's
    b.heading("Lampiran 2 Dokumen Indikator Kinerja Utama (IKU) Tahun {{ renstra_lampiran }}", 2)
    b.p("Sifat Positif: makin tinggi realisasi makin baik; Negatif: makin rendah realisasi makin baik.")
    b.caption("Lampiran 2.1 Indikator Kinerja Utama {{ instansi }}")
    tahun = [f"{{{{ tahun_lampiran[{i}] }}}}" for i in range(5)]
    b.table([["NO", "TUJUAN/SASARAN", "INDIKATOR KINERJA UTAMA", "PENJELASAN/ FORMULA", "SUMBER DATA", "SATUAN",
              "SIFAT", "TARGET KINERJA PADA TAHUN", None, None, None, None],
             ["^", "^", "^", "^", "^", "^", "^", *tahun]],
            ["{{ r.no }}", "{{ r.level }}: {{ r.pernyataan }}", "{{ r.indikator }}", "{{ r.formula }}", "{{ r.sumber }}",
             "{{ r.satuan }}", "{{ r.sifat }}", *[f"{{{{ r.target[{i}] }}}}" for i in range(5)]],
            [0.8, 4.2, 3.8, 4.6, 2.6, 1.9, 1.6, 1.4, 1.4, 1.4, 1.4, 1.4], loop="lampiran_iku",
            numeric={7, 8, 9, 10, 11}, numbers=True)
    b.save(path)
    return path


if __name__ == "__main__":
    print(build())
