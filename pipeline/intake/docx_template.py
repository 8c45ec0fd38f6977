"""The office's own Word template for the LKjIP document, if it dropped one in ``inputs/referensi/``.

A ``.docx`` in the referensi folder is not a referensi workbook: it is the
template of the document (letterhead, fonts, styles) and wins over the bundled
one.  It is checked like every dropped file, before any parser touches it (a
zip whose central directory, sizes and compression ratios are sane, no macros,
no DTD/ENTITY in its XML parts, a ``word/document.xml``); a template that fails
is reported and the bundled template is used.  Whether its Jinja tags render is
found out when the document is made (:mod:`pipeline.report.document`).
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.intake import safety
from pipeline.intake.files import REJECTED, FileReport, discover, display_name, modified_at
from pipeline.problems import Problem, problem

SUFFIX = ".docx"
KIND = "templat dokumen"
MAX_DOCX_BYTES = 64 << 20


def is_document_template(path: Path) -> bool:
    return Path(path).suffix.lower() == SUFFIX


@dataclass
class TemplateChoice:
    """The office's template to use (None: the bundled one), and the account of every .docx found."""

    path: Path | None = None
    reports: list[FileReport] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


def find_template(inputs: Path) -> TemplateChoice:
    """The newest safe ``.docx`` under ``inputs/referensi/``; older or unsafe ones are reported."""
    choice = TemplateChoice()
    candidates = []
    for path in (p for p in discover(inputs, "referensi") if is_document_template(p)):
        name = display_name(inputs, path)
        report, problems = _inspect(path, name)
        kind = docx_kind(path) if report.status != REJECTED else TEMPLATE
        if kind == DRAFT:  # the planner's edited draft: read by pipeline.intake.draf, not a template
            continue
        if kind == OTHER:
            report.status, report.note = REJECTED, R_FOREIGN
            problems.append(problem("docx_unusable", file=name, reason=R_FOREIGN))
        choice.reports.append(report)
        choice.problems.extend(problems)
        if report.status != REJECTED:
            candidates.append((report.modified, name, path, report))
    candidates.sort(key=lambda c: (c[0], c[1]))
    if candidates:
        choice.path = candidates[-1][2]
        for _, name, _, report in candidates[:-1]:
            reason = f"templat dokumen yang lebih baru dipakai ({candidates[-1][1]})"
            report.status, report.note = REJECTED, reason
            choice.problems.append(problem("file_ignored", file=name, reason=reason))
    return choice


TEMPLATE, DRAFT, OTHER = "templat", "draf", "lain"
REGION_MARK = b'w:name="lkjip'  # a region's marker or guard (pipeline.intake.draf) in an edited draft
R_FOREIGN = ("bukan templat dokumen LKjIP (tidak ada tag {{ }}) dan bukan draf LKjIP yang disunting "
             "(tidak ada bagian isian perencana)")


def docx_kind(path: Path) -> str:
    """What a safe ``.docx`` of the referensi folder is: an office's template (Jinja tags ``{{``/``{%``
    in its text, whatever else it has: a template made from the bundled one keeps its regions), the
    planner's edited draft (the regions' bookmarks, no tags), or something else."""
    import re

    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("word/document.xml")
    except (OSError, KeyError, zipfile.BadZipFile, zlib.error, EOFError, RuntimeError, ValueError):
        return OTHER
    text = re.sub(rb"<[^>]*>", b"", xml)
    if b"{{" in text or b"{%" in text:
        return TEMPLATE
    return DRAFT if REGION_MARK in xml else OTHER


def _inspect(path: Path, name: str) -> tuple[FileReport, list[Problem]]:
    report = FileReport(file=name, kind=KIND)
    try:
        report.size = path.stat().st_size
        report.modified = modified_at(path)
        import hashlib

        with path.open("rb") as fh:
            report.sha256 = hashlib.file_digest(fh, "sha256").hexdigest()
    except OSError as exc:
        item = problem("file_not_readable", file=name, reason=f"berkas tidak dapat dibuka ({exc.strerror or exc})")
        return _rejected(report, item)
    reason = _unsafe_reason(path, report.size)
    if reason in UNREADABLE:  # not a Word document at all: neither template nor draft, a Peringatan
        return _rejected(report, problem("docx_unusable", file=name, reason=reason))
    if reason:
        return _rejected(report, problem("template_invalid", file=name, reason=reason))
    report.note = "templat dokumen LKjIP"
    return report, []


def _rejected(report: FileReport, item: Problem) -> tuple[FileReport, list[Problem]]:
    report.status, report.note = REJECTED, item.message
    return report, [item]


R_EMPTY = "berkas kosong atau belum selesai disalin"
R_NOT_ZIP = "bukan dokumen Word .docx yang utuh (bukan arsip zip); simpan ulang dari Word sebagai .docx"
R_NOT_WORD = "arsip zip ini bukan dokumen Word (.docx): bagian word/document.xml tidak ada"
R_BROKEN = "arsip .docx rusak atau terpotong"
UNREADABLE = {R_EMPTY, R_NOT_ZIP, R_NOT_WORD, R_BROKEN}


def _unsafe_reason(path: Path, size: int) -> str | None:
    """Why the .docx cannot be used safely, or None."""
    if size == 0:
        return R_EMPTY
    if size > MAX_DOCX_BYTES:
        return f"ukuran berkas {size:,} byte melebihi batas {MAX_DOCX_BYTES:,} byte".replace(",", ".")
    try:
        zf = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return R_NOT_ZIP
    with zf:
        infos = zf.infolist()
        if len(infos) > safety.MAX_ENTRIES:
            return safety.R_TOO_MANY_ENTRIES.format(n=len(infos), limit=safety.MAX_ENTRIES)
        if sum(i.file_size for i in infos) > safety.MAX_TOTAL_UNCOMPRESSED:
            return "isi arsip terlalu besar jika dibuka; kemungkinan bom zip"
        names = set()
        for info in infos:
            if info.filename in names:
                return safety.R_DUPLICATE_ENTRY.format(part=info.filename)
            names.add(info.filename)
            if info.flag_bits & 0x1:
                return "dokumen dilindungi kata sandi"
            if safety._ratio_exceeded(info.file_size, info.compress_size):
                return f"bagian {info.filename} memampat terlalu tinggi; kemungkinan bom zip"
            base = posixpath.basename(info.filename).lower()
            if base.startswith("vbaproject") and base.endswith(".bin"):
                return "berisi makro (VBA); simpan ulang sebagai Word Document (.docx) tanpa makro"
        if "word/document.xml" not in names:
            return R_NOT_WORD
        scanner = safety._ZipScanner(zf, path.name)
        try:
            for info in infos:
                if safety._is_xml(info.filename):
                    scanner.scan_xml(None, info)
        except safety._Reject as rejected:
            return rejected.item.message.removeprefix("Berkas ditolak demi keamanan: ")
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError):
            return R_BROKEN
    return None
