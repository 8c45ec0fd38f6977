"""The sample document opens in LibreOffice: converted to PDF headless, with a plausible page count,
and a few pages rendered as images for a person to look at (kept under the test's tmp folder)."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")


@pytest.mark.libreoffice
@pytest.mark.skipif(LIBREOFFICE is None, reason="LibreOffice (libreoffice-writer-nogui) is not installed")
def test_sample_document_converts_to_pdf(sample_report, tmp_path):
    document = sample_report.with_suffix(".docx")
    profile = tmp_path / "profil-libreoffice"  # its own profile: parallel LibreOffice runs do not collide
    result = subprocess.run(
        [LIBREOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(document)],
        capture_output=True, text=True, timeout=600)
    pdf = tmp_path / document.with_suffix(".pdf").name
    assert result.returncode == 0 and pdf.exists(), result.stderr
    if shutil.which("pdfinfo"):
        info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60).stdout
        pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))
        # cover, front matter, four chapters, 12 tables, 5 charts: about 25 pages
        assert 15 <= pages <= 60, pages
        text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                              timeout=60).stdout
        assert "Tabel 3.8 Realisasi Anggaran Tahun 2024" in text and "26.251.229.311" in text
        assert "DAFTAR ISI" in text and "BAB IV" in text
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "50", "-f", "1", "-l", "3", str(pdf), str(tmp_path / "halaman")],
                       check=True, timeout=120)
        assert len(list(tmp_path.glob("halaman-*.png"))) == 3
    if shutil.which("pdftoppm") and shutil.which("pdftotext"):
        assert half_empty_pages(pdf, tmp_path) == []


CHAPTER_START = re.compile(r"^\s*(BAB [IVX]+|LAMPIRAN|Lampiran \d|DAFTAR|KATA PENGANTAR|RINGKASAN EKSEKUTIF)\b")


def half_empty_pages(pdf, folder) -> list[tuple[int, float]]:
    """The pages whose body ends above its middle though the next page does not begin a chapter (or an
    appendix) and they are not the last: a table or chart pushed to the next page by the layout
    (a landscape section, a page break, a picture too tall).  (page, share of the body filled)."""
    from PIL import Image

    subprocess.run(["pdftoppm", "-png", "-r", "20", str(pdf), str(folder / "isi")], check=True, timeout=300)
    pages = sorted(folder.glob("isi-*.png"))
    firsts = []
    for n in range(1, len(pages) + 1):
        text = subprocess.run(["pdftotext", "-f", str(n), "-l", str(n), "-layout", str(pdf), "-"],
                              capture_output=True, text=True, timeout=60).stdout
        body = [line for line in text.splitlines()[1:] if line.strip()]  # below the running header
        firsts.append(body[0] if body else "")
    found = []
    for n, png in enumerate(pages, start=1):
        image = Image.open(png).convert("L")
        width, height = image.size
        cm = height / (29.7 if height > width else 21.0)
        top, bottom = int(2.3 * cm), int(height - 2.3 * cm)  # the body, between header and footer
        pixels = image.load()
        last = top
        for y in range(top, bottom):
            if any(pixels[x, y] < 200 for x in range(width)):
                last = y
        filled = (last - top) / (bottom - top)
        if n == 1 or n == len(pages) or filled >= 0.5 or CHAPTER_START.match(firsts[n]):
            continue
        found.append((n, round(filled, 2)))
    return found
