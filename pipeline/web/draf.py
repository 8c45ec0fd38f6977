"""The planner's edited draft uploaded on the period's page: checked, then stored where the run reads it.

The file is checked as the run will check it (:mod:`pipeline.intake.docx_template`: a sane zip, no
macros, no DTD; :mod:`pipeline.intake.draf`: it has the draft's regions and no template tags, and
its regions can be read).  Accepted, it is written under a name of its own
(``draf-disunting-<YYYY-MM>-<YYYYMMDD-HHMMSS>.docx``) into the office's ``referensi/`` folder, atomically
(a temporary file renamed), never through a symbolic link: the next run, and the folder sensor,
take it from there, and for each region the newest draft's text wins.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from pipeline.intake.docx_template import DRAFT, TEMPLATE, _inspect, docx_kind
from pipeline.intake.draf import read_regions
from pipeline.intake.files import REJECTED


class DraftRefused(Exception):
    """Why the upload was not stored (Indonesian), with the file's SHA-256 for the audit log."""

    def __init__(self, message: str, sha256: str = ""):
        super().__init__(message)
        self.sha256 = sha256


@dataclass
class StoredDraft:
    relative: str  # referensi/<name>
    regions: int  # regions holding the planner's text
    sha256: str


def store_edited_draft(spooled: Path, original_name: str, office_inputs: Path, period: str,
                       now: datetime) -> StoredDraft:
    """Check the uploaded ``spooled`` file and store it in ``office_inputs/referensi/``."""
    with spooled.open("rb") as fh:
        sha = hashlib.file_digest(fh, "sha256").hexdigest()
    if not str(original_name).lower().endswith(".docx"):
        raise DraftRefused("bukan berkas .docx; unggah draf dokumen LKjIP (Word) yang sudah disunting", sha)
    report, problems = _inspect(spooled, original_name)
    if report.status == REJECTED:
        raise DraftRefused(problems[0].message if problems else report.note, sha)
    kind = docx_kind(spooled)
    if kind == TEMPLATE:
        raise DraftRefused("berkas ini templat dokumen (berisi tag {{ }}), bukan draf yang disunting; templat "
                           "kantor diletakkan di folder referensi/", sha)
    if kind != DRAFT:
        raise DraftRefused("bukan draf LKjIP yang dibuat lkjip: tidak ada bagian isian perencana di dalamnya", sha)
    try:
        regions = read_regions(spooled.read_bytes(), source=original_name)
    except Exception as exc:
        raise DraftRefused(f"draf tidak dapat dibaca ({' '.join(str(exc).split())[:200]})", sha) from None
    folder = Path(office_inputs) / "referensi"
    if folder.is_symlink() or (folder.exists() and not folder.is_dir()):
        raise DraftRefused("folder referensi/ kantor ini tidak dapat ditulisi (bukan folder biasa)", sha)
    folder.mkdir(parents=True, exist_ok=True)
    stem = f"draf-disunting-{re.sub(r'[^0-9-]', '', period)}-{now:%Y%m%d-%H%M%S}"
    target, n = folder / f"{stem}.docx", 1
    while target.exists() or target.is_symlink():
        n += 1
        target = folder / f"{stem}-{n}.docx"
    fd, tmp = tempfile.mkstemp(prefix=".draf-", suffix=".tmp", dir=folder)  # hidden: no run reads it
    try:
        with os.fdopen(fd, "wb") as out, spooled.open("rb") as src:
            while chunk := src.read(1 << 20):
                out.write(chunk)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return StoredDraft(f"referensi/{target.name}", len(regions), sha)
