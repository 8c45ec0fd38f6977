"""The E.81 form as LibreOffice prints it: the sample run's form converted to PDF headless (one
conversion): A3 landscape, every column number 1-15 on the first page, no text under 7 pt."""

from __future__ import annotations

import re
import shutil
import subprocess

import pytest

from pipeline.report.renja_form import text_width

LIBREOFFICE = shutil.which("libreoffice") or shutil.which("soffice")
A3_LANDSCAPE = (1190.55, 841.89)  # pt
WORD = re.compile(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>')
FIGURE = re.compile(r"[\d.,%]{3,}")  # digits and separators: the same widths in Arial regular and bold


@pytest.mark.libreoffice
@pytest.mark.skipif(LIBREOFFICE is None or shutil.which("pdftotext") is None,
                    reason="LibreOffice and poppler-utils are not installed")
def test_form_pdf_a3_landscape_every_column_legible(sample_report, tmp_path):
    form = sample_report.parent / "evaluasi-renja-2024-12.xlsx"
    profile = tmp_path / "lo-profile"
    result = subprocess.run(
        [LIBREOFFICE, f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(tmp_path), str(form)], capture_output=True, text=True, timeout=180)
    pdf = tmp_path / "evaluasi-renja-2024-12.pdf"
    assert result.returncode == 0 and pdf.exists(), result.stderr
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60).stdout
    size = re.search(r"Page size:\s+([\d.]+) x ([\d.]+) pts", info)
    assert (float(size[1]), float(size[2])) == pytest.approx(A3_LANDSCAPE, abs=1.0), info
    pages = int(re.search(r"Pages:\s+(\d+)", info)[1])
    assert pages <= 6, info  # one page across: 67 rows on a few pages, not 2 x as many

    bbox = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, timeout=60).stdout
    first_page = bbox.split("</page>")[0]
    words = [(float(x0), float(y0), float(x1), float(y1), w) for x0, y0, x1, y1, w in WORD.findall(first_page)]
    # the row of column numbers: the line holding "15" (the last column) holds exactly 1..15
    y15 = next(y0 for _, y0, _, _, w in words if w == "15")
    numbers = [w for _, y0, _, _, w in sorted(words) if abs(y0 - y15) < 1]
    assert numbers == [str(n) for n in range(1, 16)], numbers
    assert max(x1 for _, _, x1, _, _ in words) <= A3_LANDSCAPE[0]

    # the printed size of the figures, from their width (Arial's advance widths), on every page
    every = [(float(x0), float(y0), float(x1), float(y1), w) for x0, y0, x1, y1, w in WORD.findall(bbox)]
    figures = [((x1 - x0) / text_width(w, 1.0), y1 - y0) for x0, y0, x1, y1, w in every if FIGURE.fullmatch(w)]
    assert min(size for size, _ in figures) >= 7.0, min(figures)
    # and of every word, from its height (one font: height / size is the same for all)
    ratio = min(height / size for size, height in figures)
    smallest = min(y1 - y0 for _, y0, _, y1, _ in every) / ratio
    assert smallest >= 7.0 - 0.05, smallest
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, timeout=60).stdout
    families = {line.split()[0].split("+")[-1].split("-")[0] for line in fonts.splitlines()[2:] if line.strip()}
    assert families == {"LiberationSans"} or families == {"Arial"} or families == {"ArialMT"}, fonts
    # for a person to look at (kept under the test's tmp folder)
    if shutil.which("pdftoppm"):
        subprocess.run(["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(tmp_path / "halaman")],
                       capture_output=True, timeout=120)
