"""The issue's test of the planner's words kept: the sample run's draft edited in every region, saved
through LibreOffice (docx -> docx), put in ``referensi/``, and the next run's draft keeps every word
of every region, with the figures around it made afresh (a figure the planner changed outside the
regions is the run's again).  One LibreOffice session, one pipeline run.

Most regions are written with python-docx (paragraphs, bold, italic, underline, a list, a table);
LibreOffice then types into three more as a planner does (through UNO, when LibreOffice's Python
is there; else the file is only converted): the placeholder selected and typed over, Enter, more
text; the whole paragraph selected and typed over; a Tabel 3.5 cell typed over.  Typing over a
selection deletes the bookmarks inside it: the guards around each region still find it."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import zipfile
from pathlib import Path

import pytest

docx = pytest.importorskip("docx")

from docx.oxml.ns import qn  # noqa: E402
from openpyxl import load_workbook  # noqa: E402

from pipeline.intake.draf import PLACEHOLDER_RE, read_regions  # noqa: E402
from test_regions_draft import _prop, edit_every_region, planner_words, region_texts, runs_with  # noqa: E402

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
TYPED = {"lkjip_latar_belakang": ["Paragraf satu diketik di LibreOffice.", "Paragraf dua setelah Enter."],
         "lkjip_inovasi": ["Inovasi diketik di atas paragraf.", "Inovasi baris kedua."],
         "lkjip_solusi_S1": ["Solusi diketik di sel tabel."]}
UNO_SCRIPT = r"""
import subprocess, sys, time, uno
from com.sun.star.beans import PropertyValue
from com.sun.star.text.ControlCharacter import PARAGRAPH_BREAK

def prop(name, value):
    p = PropertyValue(); p.Name = name; p.Value = value; return p

office, profile, pipe, src, dst = sys.argv[1:6]
proc = subprocess.Popen([office, "-env:UserInstallation=file://" + profile, "--headless", "--invisible",
                         "--norestore", "--accept=pipe,name=%s;urp;" % pipe])
try:
    local = uno.getComponentContext()
    resolver = local.ServiceManager.createInstanceWithContext("com.sun.star.bridge.UnoUrlResolver", local)
    for _ in range(240):
        try:
            ctx = resolver.resolve("uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe)
            break
        except Exception:
            time.sleep(0.25)
    desktop = ctx.ServiceManager.createInstanceWithContext("com.sun.star.frame.Desktop", ctx)
    doc = desktop.loadComponentFromURL("file://" + src, "_blank", 0, (prop("Hidden", True),))
    marks = doc.getBookmarks()

    def type_in(cursor, lines):
        cursor.setString("")
        for i, line in enumerate(lines):
            if i:
                cursor.getText().insertControlCharacter(cursor, PARAGRAPH_BREAK, False)
            cursor.getText().insertString(cursor, line, False)

    # the placeholder selected from its first to its last character, typed over, Enter, more text
    a = marks.getByName("lkjip_latar_belakang").getAnchor()
    cur = a.getText().createTextCursorByRange(a.getStart())
    cur.gotoRange(marks.getByName("lkjipend_latar_belakang").getAnchor().getEnd(), True)
    type_in(cur, sys.argv[6].split("|"))
    # the whole paragraph selected and typed over
    a = marks.getByName("lkjip_inovasi").getAnchor()
    cur = a.getText().createTextCursorByRange(a.getStart())
    cur.gotoStartOfParagraph(False)
    cur.gotoEndOfParagraph(True)
    type_in(cur, sys.argv[7].split("|"))
    # a cell of Tabel 3.5: everything in it selected and typed over
    a = marks.getByName("lkjip_solusi_S1").getAnchor()
    cur = a.getText().createTextCursorByRange(a.getStart())
    cur.gotoStart(False)
    cur.gotoEnd(True)
    type_in(cur, sys.argv[8].split("|"))
    doc.storeToURL("file://" + dst, (prop("FilterName", "MS Word 2007 XML"),))
    doc.close(True)
    try:
        desktop.terminate()
    except Exception:
        pass
    proc.wait(timeout=60)
finally:
    if proc.poll() is None:
        proc.kill()
"""


def _uno_python() -> str | None:
    """A Python that has LibreOffice's ``uno`` module (Debian's python3-uno), or None."""
    for candidate in ("/usr/bin/python3", shutil.which("python3")):
        if candidate and subprocess.run([candidate, "-c", "import uno"], capture_output=True).returncode == 0:
            return candidate
    return None
SAMPLE_INPUTS = Path(__file__).resolve().parents[2] / "inputs"
TOTAL = "26.251.229.311"  # the budget total of the sample (Tabel 3.8, the sentences)
TAMPERED = "99.999.999.999"


def _tamper(content: bytes) -> bytes:
    """The planner also overwrote a computed figure outside the regions (it must not survive)."""
    doc = docx.Document(io.BytesIO(content))
    hits = 0
    for t in doc.element.iter(qn("w:t")):
        if t.text and TOTAL in t.text:
            t.text, hits = t.text.replace(TOTAL, TAMPERED), hits + 1
    assert hits, "the sample draft no longer shows its budget total"
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


@pytest.mark.libreoffice
@pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice tidak terpasang")
def test_an_edited_draft_saved_by_libreoffice_is_carried_into_the_next_run(sample_report, tmp_path):
    from pipeline.cli import main

    fresh = (sample_report.parent / "laporan-kinerja-2024-12.docx").read_bytes()
    edited, written = edit_every_region(fresh, table_in="lkjip_tugas_fungsi")
    source = tmp_path / "disunting" / "LKjIP 2024 disunting.docx"
    source.parent.mkdir()
    source.write_bytes(_tamper(edited))
    saved = tmp_path / "libreoffice"
    saved.mkdir()
    uno_python = _uno_python()
    if uno_python:
        result = subprocess.run(
            [uno_python, "-c", UNO_SCRIPT, LIBREOFFICE, str(tmp_path / "profil"), f"lkjip-{os.getpid()}-regions",
             str(source), str(saved / source.name), *("|".join(TYPED[k]) for k in TYPED)],
            capture_output=True, text=True, timeout=600)
        for name, lines in TYPED.items():
            written[name] = lines
    else:
        result = subprocess.run(
            [LIBREOFFICE, f"-env:UserInstallation=file://{tmp_path / 'profil'}", "--headless", "--convert-to", "docx",
             "--outdir", str(saved), str(source)], capture_output=True, text=True, timeout=600)
    saved = saved / source.name
    assert saved.exists(), result.stderr
    assert saved.read_bytes() != source.read_bytes()
    if uno_python:  # typing over the selections deleted the markers inside them: only the guards are left
        with zipfile.ZipFile(saved) as zf:
            xml = zf.read("word/document.xml")
        assert b'w:name="lkjip_inovasi"' not in xml and b'w:name="lkjipa_inovasi"' in xml
    # every region found again, with its text
    after_save = region_texts(saved.read_bytes())
    assert set(after_save) == set(written)

    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    shutil.copy(saved, inputs / "referensi" / saved.name)
    outputs = tmp_path / "outputs"
    assert main(["run", "--inputs", str(inputs), "--outputs", str(outputs)]) == 0
    new = (outputs / "2024-12" / "laporan-kinerja-2024-12.docx").read_bytes()

    texts = region_texts(new)
    assert set(texts) == set(written)
    for name, words in written.items():
        for word in words:
            assert word in texts[name], f"{name}: '{word}' lost"
        assert not PLACEHOLDER_RE.search(texts[name]), name
    words = planner_words("kesimpulan")
    assert _prop(runs_with(new, words["tebal"])[0], "b") and _prop(runs_with(new, words["miring"])[0], "i")
    assert _prop(runs_with(new, words["garis"])[0], "u")
    doc = docx.Document(io.BytesIO(new))
    bullet = next(p for p in doc.paragraphs if p.text == planner_words("inovasi")["butir1"])
    assert bullet._p.pPr is not None and (bullet._p.pPr.numPr is not None or "List" in bullet.style.name)
    assert any(t.cell(1, 1).text == "Sel tugas_fungsi 11" for t in doc.tables)
    text = " ".join(p.text for p in doc.paragraphs) + " ".join(c.text for t in doc.tables for r in t.rows
                                                               for c in r.cells)
    assert TOTAL in text and TAMPERED not in text  # the figures are the run's, made afresh
    assert read_regions(new).keys() == read_regions(saved.read_bytes()).keys()

    wb = load_workbook(outputs / "2024-12" / "laporan-kinerja-2024-12.xlsx", read_only=True)
    ringkasan = [r for r in wb["Ringkasan"].iter_rows(values_only=True) if any(v == f"referensi/{saved.name}" for v in r)]
    assert ringkasan and "draf dokumen" in ringkasan[0] and "Dibaca" in ringkasan[0]
    validasi = [r for r in wb["Validasi"].iter_rows(values_only=True) if any(isinstance(v, str) and saved.name in v
                                                                              for v in r)]
    assert validasi == []
