"""The sample document opens in LibreOffice: converted to PDF headless, with a plausible page count,
and a few pages rendered as images for a person to look at (kept under the test's tmp folder)."""

from __future__ import annotations

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
