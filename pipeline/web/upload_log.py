"""The upload log: who sent which file through the page, when, its SHA-256 and the answer.

One JSON line per upload in ``<instance>/unggahan.jsonl`` (appended under an
exclusive lock, so two uploads at once never interleave).  :func:`record_upload`
is the one place an upload is recorded: the arrival ledger of ``Pengumpulan``
can hook in there (the upload moment is the file's arrival time), and the
planner's dashboard and each bidang's page read :func:`read_uploads`.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.web.instance import ensure_private_dir

LOG_NAME = "unggahan.jsonl"
ACCEPTED = "diterima"
REFUSED = "ditolak"
PENDING = "menunggu konfirmasi"  # Peringatan that change figures: the bidang must confirm
CHECKING = "sedang diperiksa"  # logged before any check; a later line of the same id replaces it
SUPERSEDED = "diganti"  # a pending upload overtaken by a later one of the same month

try:  # POSIX
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None


@dataclass(frozen=True)
class UploadRecord:
    id: str
    akun: str  # the account that uploaded
    bidang: str
    waktu: str  # ISO time (WITA) the upload arrived
    berkas: str  # the name the browser sent
    sha256: str
    ukuran: int
    hasil: str  # ACCEPTED | REFUSED
    alasan: str = ""  # why it was refused, or a note
    disimpan: str | None = None  # where it was saved, relative to the inputs folder
    periode: str | None = None
    errors: int = 0
    warnings: int = 0
    masalah: list[dict] = field(default_factory=list)  # severity, sheet, cell, column, value, message
    catatan: bool = False  # an annotated copy exists
    angka: dict = field(default_factory=dict)  # the bidang's totals before / after, the files it replaces

    @property
    def moment(self) -> datetime:
        return datetime.fromisoformat(self.waktu)


# Hooks called with every record after it is written (e.g. an arrival ledger).
HOOKS: list = []


def record_upload(
    folder: Path,
    *,
    upload_id: str,
    account: str,
    bidang: str,
    when: datetime,
    original_name: str,
    sha256: str,
    size: int,
    result: str,
    reason: str = "",
    saved: str | None = None,
    period: str | None = None,
    problems: list[dict] | None = None,
    annotated: bool = False,
    figures: dict | None = None,
) -> UploadRecord:
    """Append one upload to the log and return it (a line with the id of an earlier one replaces it)."""
    problems = list(problems or [])
    record = UploadRecord(
        id=upload_id, akun=account, bidang=bidang, waktu=when.isoformat(), berkas=original_name,
        sha256=sha256, ukuran=size, hasil=result, alasan=reason, disimpan=saved, periode=period,
        errors=sum(1 for p in problems if p.get("severity") == "Error"),
        warnings=sum(1 for p in problems if p.get("severity") != "Error"),
        masalah=problems, catatan=annotated, angka=dict(figures or {}),
    )
    path = ensure_private_dir(Path(folder)) / LOG_NAME
    line = (json.dumps(asdict(record), ensure_ascii=False) + "\n").encode("utf-8")
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        if fcntl:
            fcntl.flock(fd, fcntl.LOCK_EX)
        os.write(fd, line)
        os.fsync(fd)
    finally:
        os.close(fd)
    for hook in HOOKS:
        hook(record)
    return record


def read_uploads(folder: Path, bidang: str | None = None, period: str | None = None) -> list[UploadRecord]:
    """Every logged upload (of one bidang / period when given), newest first; of several lines
    with one id (checked, then confirmed), the last."""
    path = Path(folder) / LOG_NAME
    latest: dict[str, UploadRecord] = {}
    with contextlib.suppress(FileNotFoundError):
        for line in path.read_text(encoding="utf-8").splitlines():
            try:
                record = UploadRecord(**json.loads(line))
            except (ValueError, TypeError):
                continue  # a torn last line after a crash
            latest[record.id] = record
    order = {key: n for n, key in enumerate(latest)}  # first line of each id: the order uploads came in
    found = [r for r in latest.values()
             if (bidang is None or r.bidang == bidang) and (period is None or r.periode == period)]
    found.sort(key=lambda r: (r.waktu, order[r.id]), reverse=True)
    return found


def find_upload(folder: Path, upload_id: str) -> UploadRecord | None:
    return next((r for r in read_uploads(folder) if r.id == upload_id), None)
