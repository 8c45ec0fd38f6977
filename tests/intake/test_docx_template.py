"""The office's Word template in inputs/referensi/: found, checked like any dropped file, or reported."""

from __future__ import annotations

import os
import shutil
import zipfile
from pathlib import Path

from pipeline.intake.docx_template import find_template

BUNDLED = Path(__file__).resolve().parents[2] / "pipeline" / "report" / "templates" / "lkjip.docx"


def _folder(tmp_path: Path) -> Path:
    (tmp_path / "referensi").mkdir()
    return tmp_path


def _rewrite(path: Path, part: str, change) -> None:
    with zipfile.ZipFile(BUNDLED) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            dst.writestr(item, change(data) if item.filename == part else data)


def test_no_template_means_the_bundled_one(tmp_path):
    choice = find_template(_folder(tmp_path))
    assert choice.path is None and choice.problems == [] and choice.reports == []


def test_the_newest_safe_template_wins(tmp_path):
    inputs = _folder(tmp_path)
    old, new = inputs / "referensi" / "lama.docx", inputs / "referensi" / "baru.docx"
    shutil.copy(BUNDLED, old)
    shutil.copy(BUNDLED, new)
    os.utime(old, (1_700_000_000, 1_700_000_000))
    choice = find_template(inputs)
    assert choice.path == new
    assert [p.rule for p in choice.problems] == ["file_ignored"]
    assert "baru.docx" in choice.problems[0].message and choice.problems[0].file == "referensi/lama.docx"
    assert {r.file: r.status for r in choice.reports} == {"referensi/lama.docx": "Ditolak", "referensi/baru.docx": "Dibaca"}
    assert all(len(r.sha256) == 64 for r in choice.reports)


def test_a_template_with_a_dtd_is_refused(tmp_path):
    inputs = _folder(tmp_path)
    bad = inputs / "referensi" / "templat.docx"
    _rewrite(bad, "word/document.xml",
             lambda xml: xml.replace(b"?>", b'?><!DOCTYPE x [<!ENTITY a "aaaa">]>', 1))
    choice = find_template(inputs)
    assert choice.path is None
    [item] = choice.problems
    assert item.rule == "template_invalid" and item.severity == "Error" and item.file == "referensi/templat.docx"
    assert "DOCTYPE" in item.message and "templat bawaan" in item.message


def test_a_file_that_is_not_a_docx_is_refused(tmp_path):
    inputs = _folder(tmp_path)
    (inputs / "referensi" / "templat.docx").write_text("bukan dokumen", encoding="utf-8")
    [item] = find_template(inputs).problems
    assert item.rule == "docx_unusable" and item.severity == "Peringatan" and "bukan dokumen Word" in item.message


def test_a_workbook_renamed_docx_is_refused(tmp_path):
    inputs = _folder(tmp_path)
    with zipfile.ZipFile(inputs / "referensi" / "templat.docx", "w") as zf:
        zf.writestr("xl/workbook.xml", "<workbook/>")
    [item] = find_template(inputs).problems
    assert "word/document.xml" in item.message
