"""The planner's regions of the draft: marked, read back from an edited draft, carried into the next one.

Pure tests on the bytes of the sample run's draft (the session's ``sample_report``): the draft edited
with python-docx in every region (several paragraphs, bold, italic, underline, a list, a table),
read (:mod:`pipeline.intake.draf`) and carried (:mod:`pipeline.report.regions`); a region the new
draft no longer has goes to the closing appendix; drafts in ``referensi/`` that cannot be read or are
no draft at all are a Peringatan; with two drafts the newest text of each region wins.  The same
draft saved through LibreOffice and carried by a real run: ``test_regions_libreoffice.py``.
"""

from __future__ import annotations

import io
import os
import re
import zipfile
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")

from docx.oxml.ns import qn  # noqa: E402

from pipeline.dokumen import carry_planner_text  # noqa: E402
from pipeline.intake.docx_template import find_template  # noqa: E402
from pipeline.intake.draf import PLACEHOLDER_RE, PREFIXES, _spans, read_edited_drafts, read_regions  # noqa: E402
from pipeline.report.making import DokumenLkjip  # noqa: E402
from pipeline.report.regions import APPENDIX_TITLE, _mark, carry  # noqa: E402

STATIC_KEYS = {"kata_pengantar", "tantangan", "latar_belakang", "tugas_fungsi", "struktur_organisasi",
               "sumber_daya_manusia", "sarana_prasarana", "isu_strategis", "landasan_hukum", "instrumen_pendukung",
               "perjanjian_kinerja", "analisis_capaian", "inovasi", "kesimpulan", "langkah_ke_depan"}
TABLE_REGION = "lkjip_latar_belakang"


@pytest.fixture(scope="module")
def fresh(sample_report: Path) -> bytes:
    """The draft of the session's sample run (December 2024, the bundled inputs)."""
    return (sample_report.parent / "laporan-kinerja-2024-12.docx").read_bytes()


def planner_words(key: str) -> dict[str, str]:
    return {"tebal": f"Capaian {key} ditopang pendampingan intensif",
            "miring": f"catatan miring {key}",
            "garis": f"digarisbawahi {key}",
            "butir1": f"Butir pertama {key}: koordinasi lintas bidang",
            "butir2": f"Butir kedua {key}: pelatihan kewirausahaan",
            "penutup": f"Paragraf penutup {key} dengan angka 12,5 persen"}


def edit_every_region(content: bytes, table_in: str = TABLE_REGION, only: set[str] | None = None,
                      words=planner_words) -> tuple[bytes, dict[str, list[str]]]:
    """The draft with every region (or those named in ``only``) written as a planner would: a
    paragraph with bold, italic and underlined words, a bulleted list of two items, a closing
    paragraph, and in ``table_in`` also a 2x2 table; and the words written in each."""
    doc = docx.Document(io.BytesIO(content))
    written: dict[str, list[str]] = {}
    for name, _container, blocks, ids in _spans(doc.element):
        if only is not None and name not in only:
            continue
        key = name.removeprefix("lkjip_")
        w = words(key)
        first = doc.add_paragraph()
        first.add_run("Pembuka: ")
        first.add_run(w["tebal"]).bold = True
        first.add_run(", lalu ")
        first.add_run(w["miring"]).italic = True
        first.add_run(" dan ")
        first.add_run(w["garis"]).underline = True
        first.add_run(".")
        new = [first._p,
               doc.add_paragraph(w["butir1"], style="List Bullet")._p,
               doc.add_paragraph(w["butir2"], style="List Bullet")._p]
        cells = []
        if name == table_in:
            table = doc.add_table(rows=2, cols=2)
            table.style = doc.styles["Table Grid"]
            cells = [f"Sel {key} {r}{c}" for r in range(2) for c in range(2)]
            for i, text in enumerate(cells):
                table.cell(i // 2, i % 2).text = text
            new.append(table._tbl)
        new.append(doc.add_paragraph(w["penutup"])._p)
        for block in new:
            blocks[0].addprevious(block)
        for block in blocks:
            block.getparent().remove(block)
        _mark(new, name, ids)
        written[name] = [*w.values(), *cells]
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue(), written


def region_texts(content: bytes) -> dict[str, str]:
    return {n: r.text for n, r in read_regions(content).items()}


def runs_with(content: bytes, text: str) -> list:
    doc = docx.Document(io.BytesIO(content))
    found = [r for p in doc.element.iter(qn("w:p")) for r in p.iter(qn("w:r"))
             if text in "".join(t.text or "" for t in r.iter(qn("w:t")))]
    return found


def _prop(run, tag: str) -> bool:
    rpr = run.find(qn("w:rPr"))
    el = rpr.find(qn(f"w:{tag}")) if rpr is not None else None
    return el is not None and el.get(qn("w:val")) not in ("0", "false", "none")


def body_text(content: bytes) -> str:
    doc = docx.Document(io.BytesIO(content))
    return " ".join("".join(t.text or "" for t in p.iter(qn("w:t"))) for p in doc.element.iter(qn("w:p")))


# --- the regions of a fresh draft -------------------------------------------------------------------


def test_every_placeholder_of_the_draft_is_a_region_with_a_stable_key(fresh):
    doc = docx.Document(io.BytesIO(fresh))
    spans = _spans(doc.element)
    names = [s[0] for s in spans]
    assert len(names) == len(set(names))
    keys = {n.removeprefix("lkjip_") for n in names}
    assert STATIC_KEYS <= keys
    # per IKU regions keyed by the IKU code, not by position: one analisis and one solusi per row of Tabel 3.5
    per_iku = sorted(k.removeprefix("analisis_") for k in keys if k.startswith("analisis_") and k != "analisis_capaian")
    assert per_iku and sorted(k.removeprefix("solusi_") for k in keys if k.startswith("solusi_")) == per_iku
    assert all(re.fullmatch(r"[A-Za-z0-9_]+", k) for k in per_iku)
    in_regions = {id(p) for _, _, blocks, _ in spans for b in blocks for p in ([b] if b.tag == qn("w:p") else [])}
    for p in doc.element.iter(qn("w:p")):
        text = "".join(t.text or "" for t in p.iter(qn("w:t")))
        if PLACEHOLDER_RE.search(text) and "ditulis oleh perencana" not in text:  # the cover's explanation
            assert id(p) in in_regions, f"a placeholder outside every region: {text[:80]}"
    assert read_regions(fresh) == {}  # nothing written yet: nothing to carry


def test_every_word_of_every_region_is_carried_with_its_formatting(fresh):
    edited, written = edit_every_region(fresh)
    assert len(written) >= len(STATIC_KEYS) + 2
    regions = read_regions(edited, source="referensi/draf.docx")
    assert set(regions) == set(written)
    new, carried, homeless = carry(fresh, regions)
    assert sorted(carried) == sorted(written) and homeless == []
    texts = region_texts(new)
    for name, words in written.items():
        for word in words:
            assert word in texts[name], f"{name}: '{word}' lost"
        assert not PLACEHOLDER_RE.search(texts[name])
    [bold] = runs_with(new, planner_words("kesimpulan")["tebal"])
    [italic] = runs_with(new, planner_words("kesimpulan")["miring"])
    [underline] = runs_with(new, planner_words("kesimpulan")["garis"])
    assert _prop(bold, "b") and _prop(italic, "i") and _prop(underline, "u")
    doc = docx.Document(io.BytesIO(new))
    bullets = [p for p in doc.paragraphs if p.text == planner_words("inovasi")["butir1"]]
    assert bullets and bullets[0].style.name == "List Bullet"
    assert any(t.cell(1, 1).text == "Sel latar_belakang 11" for t in doc.tables)
    # what is around the regions is the new draft's: every other paragraph as the fresh draft has it
    outside = [t for t in body_text(fresh).split("[diisi oleh perencana") if len(t) > 200][:3]
    assert outside and all(t.split("]", 1)[-1][:120] in body_text(new) for t in outside)
    # carried again (the next month's run reading this draft) nothing changes
    assert region_texts(carry(fresh, read_regions(new))[0]) == texts


def test_a_region_the_new_draft_no_longer_has_goes_to_the_appendix(fresh):
    edited, written = edit_every_region(fresh, only={"lkjip_inovasi", "lkjip_kesimpulan"})
    regions = read_regions(edited)
    # the new draft made from a template without the Inovasi region (its markers and guards gone)
    doc = docx.Document(io.BytesIO(fresh))
    for el in list(doc.element.iter(qn("w:bookmarkStart"))):
        if el.get(qn("w:name")) in {prefix + "inovasi" for prefix in PREFIXES}:
            bid = el.get(qn("w:id"))
            for end in [e for e in doc.element.iter(qn("w:bookmarkEnd")) if e.get(qn("w:id")) == bid]:
                end.getparent().remove(end)
            el.getparent().remove(el)
    buf = io.BytesIO()
    doc.save(buf)
    new, carried, homeless = carry(buf.getvalue(), regions)
    assert carried == ["lkjip_kesimpulan"] and homeless == ["lkjip_inovasi"]
    out = docx.Document(io.BytesIO(new))
    headings = [p.text for p in out.paragraphs if p.style.name.startswith("Heading")]
    assert headings[-2] == APPENDIX_TITLE and "3.4 Inovasi" in headings[-1] and "inovasi" in headings[-1]
    appendix = body_text(new).split(APPENDIX_TITLE, 1)[1]
    assert all(word in appendix for word in written["lkjip_inovasi"])
    assert not any(word in appendix for word in written["lkjip_kesimpulan"])
    # still a region: the next run carries it on (back to its place if the template has it again)
    again = read_regions(new)
    assert again["lkjip_inovasi"].text == regions["lkjip_inovasi"].text
    twice = docx.Document(io.BytesIO(carry(buf.getvalue(), again)[0]))
    assert [p.text for p in twice.paragraphs if p.style.name.startswith("Heading")][-2:] == headings[-2:]
    back, carried, homeless = carry(fresh, again)
    assert "lkjip_inovasi" in carried and homeless == [] and APPENDIX_TITLE not in body_text(back)


# --- the edited drafts of the referensi folder ---------------------------------------------------


def _inputs(tmp_path: Path) -> Path:
    (tmp_path / "referensi").mkdir(parents=True)
    return tmp_path


def test_newest_draft_wins_per_region_and_a_draft_is_never_a_template(tmp_path, fresh):
    inputs = _inputs(tmp_path)
    older, _ = edit_every_region(fresh, only={"lkjip_inovasi", "lkjip_kesimpulan"},
                                 words=lambda k: {**planner_words(k), "penutup": f"versi lama {k}"})
    newer, _ = edit_every_region(fresh, only={"lkjip_inovasi"},
                                 words=lambda k: {**planner_words(k), "penutup": f"versi baru {k}"})
    (inputs / "referensi" / "a-baru.docx").write_bytes(newer)
    (inputs / "referensi" / "z-lama.docx").write_bytes(older)  # the later name, but older
    os.utime(inputs / "referensi" / "z-lama.docx", (1_700_000_000, 1_700_000_000))
    drafts = read_edited_drafts(inputs)
    assert drafts.problems == []
    assert "versi baru inovasi" in drafts.regions["lkjip_inovasi"].text
    assert "versi lama kesimpulan" in drafts.regions["lkjip_kesimpulan"].text  # the newer left it empty
    assert {r.file: (r.kind, r.status) for r in drafts.reports} == {
        "referensi/a-baru.docx": ("draf dokumen", "Dibaca"), "referensi/z-lama.docx": ("draf dokumen", "Dibaca")}
    assert "diganti teks dari draf yang lebih baru (referensi/a-baru.docx)" in \
        next(r.note for r in drafts.reports if r.file == "referensi/z-lama.docx")
    choice = find_template(inputs)  # the drafts are not templates: the bundled one is used
    assert choice.path is None and choice.reports == [] and choice.problems == []


def test_unreadable_and_foreign_docx_are_a_peringatan_and_the_draft_is_made_without_them(tmp_path, fresh):
    inputs = _inputs(tmp_path)
    good, written = edit_every_region(fresh, only={"lkjip_inovasi"})
    (inputs / "referensi" / "draf.docx").write_bytes(good)
    (inputs / "referensi" / "rusak.docx").write_bytes(b"PK\x03\x04 bukan arsip utuh")
    foreign = docx.Document()
    foreign.add_paragraph("Notulen rapat koordinasi bidang, bukan draf LKjIP.")
    foreign.save(inputs / "referensi" / "notulen.docx")
    # a draft whose XML cannot be parsed
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(inputs / "referensi" / "terpotong.docx", "w") as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, data[: len(data) // 2] if item.filename == "word/document.xml" else data)
    result = carry_planner_text(inputs, DokumenLkjip(fresh, "bawaan"))
    choice = find_template(inputs)
    problems = {p.file: p for p in [*result.problems, *choice.problems]}
    assert set(problems) == {"referensi/rusak.docx", "referensi/notulen.docx", "referensi/terpotong.docx"}
    assert all(p.severity == "Peringatan" for p in problems.values())
    assert problems["referensi/rusak.docx"].rule == "docx_unusable"
    assert problems["referensi/notulen.docx"].rule == "docx_unusable"
    assert "bukan draf LKjIP yang disunting" in problems["referensi/notulen.docx"].message
    assert problems["referensi/terpotong.docx"].rule == "draft_unreadable"
    assert choice.path is None  # neither the foreign file nor the broken one became the template
    texts = region_texts(result.content)
    assert all(word in texts["lkjip_inovasi"] for word in written["lkjip_inovasi"])


def test_a_draft_put_in_referensi_re_runs_the_month(tmp_path, fresh):
    from datetime import datetime
    from zoneinfo import ZoneInfo

    from pipeline.defs.automation import sensors

    inputs = _inputs(tmp_path)
    now = datetime(2025, 1, 20, 9, tzinfo=ZoneInfo("Asia/Makassar"))
    state = None
    for _ in range(2):
        requests, state, _ = sensors.evaluate(inputs, state, now=now)
    assert requests == []
    edited, _ = edit_every_region(fresh, only={"lkjip_inovasi"})
    (inputs / "referensi" / "draf disunting.docx").write_bytes(edited)
    for _ in range(2):  # the sensor runs a file once it has looked the same twice
        requests, state, _ = sensors.evaluate(inputs, state, now=now)
    assert [(p, changed) for p, _, changed in requests] == [("2024-12", ["referensi/draf disunting.docx"])]


def _png(width: int = 4, height: int = 3) -> bytes:
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    rows = b"".join(b"\x00" + b"\x80\x20\x20" * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b""))


def test_a_picture_and_a_link_in_a_region_travel_with_it(fresh):
    doc = docx.Document(io.BytesIO(fresh))
    name, _, blocks, _ = next(s for s in _spans(doc.element) if s[0] == "lkjip_struktur_organisasi")
    par = docx.text.paragraph.Paragraph(blocks[0], doc._body)
    for run in blocks[0].findall(qn("w:r")):
        blocks[0].remove(run)
    end = [el for el in blocks[0] if el.tag in (qn("w:bookmarkStart"), qn("w:bookmarkEnd"))][-2:]
    for el in end:
        blocks[0].remove(el)
    par.add_run("Bagan struktur organisasi: ")
    par.add_run().add_picture(io.BytesIO(_png()))
    rid = doc.part.relate_to("https://diskopukm.baliprov.go.id/struktur", docx.opc.constants.RELATIONSHIP_TYPE.HYPERLINK,
                             is_external=True)
    link = docx.oxml.parse_xml(f'<w:hyperlink xmlns:w="{qn("w:p")[1:].split("}")[0]}" '
                               f'xmlns:r="{docx.oxml.ns.nsmap["r"]}" r:id="{rid}"><w:r><w:t>situs</w:t></w:r></w:hyperlink>')
    blocks[0].append(link)
    for el in end:
        blocks[0].append(el)
    buf = io.BytesIO()
    doc.save(buf)
    regions = read_regions(buf.getvalue())
    new, carried, _ = carry(fresh, regions)
    assert carried == ["lkjip_struktur_organisasi"]
    out = docx.Document(io.BytesIO(new))
    _, _, [block], _ = next(s for s in _spans(out.element) if s[0] == "lkjip_struktur_organisasi")
    [blip] = block.iter("{http://schemas.openxmlformats.org/drawingml/2006/main}blip")
    image = out.part.related_parts[blip.get(qn("r:embed"))]
    assert image.blob == _png()
    [hyperlink] = block.iter(qn("w:hyperlink"))
    assert out.part.rels[hyperlink.get(qn("r:id"))].target_ref == "https://diskopukm.baliprov.go.id/struktur"
