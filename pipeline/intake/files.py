"""The drop folder: which files there are, and an account of each one.

Every file under ``inputs/referensi``, ``inputs/realisasi`` and ``inputs/odk``
is accounted for: read, ignored by rule (Excel lock files ``~$*`` and hidden
files, silently), or rejected with a reason.  :class:`FileReport` is the line
of the ``Ringkasan`` sheet for one file: rows read = accepted + rejected.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.settings import TIMEZONE

KINDS = ("referensi", "realisasi", "odk")
READ = "Dibaca"
REJECTED = "Ditolak"
OTHER_PERIOD = "Periode lain"


@dataclass
class FileReport:
    """What happened to one input file."""

    file: str  # path relative to the inputs folder, with forward slashes
    kind: str
    sha256: str = ""
    size: int = 0
    modified: datetime | None = None
    arrived: datetime | None = None  # when the content first arrived (the arrival ledger), set by a run
    status: str = READ
    note: str = ""
    period: str = ""
    bidang: list[str] = field(default_factory=list)
    rows_read: int = 0
    rows_accepted: int = 0
    rows_rejected: int = 0

    def count(self, read: int, rejected: int) -> None:
        self.rows_read += read
        self.rows_rejected += rejected
        self.rows_accepted += read - rejected

    @property
    def balanced(self) -> bool:
        return self.rows_read == self.rows_accepted + self.rows_rejected


def is_ignored(path: Path) -> bool:
    """Excel lock files and hidden files are ignored silently."""
    return path.name.startswith(("~$", ".")) or any(part.startswith(".") for part in path.parts[:-1])


def discover(inputs: Path, kind: str) -> list[Path]:
    """All files of one kind, sorted by path (lock and hidden files left out)."""
    folder = Path(inputs) / kind
    if not folder.is_dir():
        return []
    found = [p for p in folder.rglob("*") if p.is_file() and not is_ignored(p.relative_to(folder))]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix().lower())


def display_name(inputs: Path, path: Path) -> str:
    try:
        return Path(path).relative_to(inputs).as_posix()
    except ValueError:
        return Path(path).name


def modified_at(path: Path) -> datetime:
    return datetime.fromtimestamp(Path(path).stat().st_mtime, tz=ZoneInfo(TIMEZONE))
