"""The drop folder: which files there are, when they came, and an account of each one.

Every file under ``inputs/referensi``, ``inputs/realisasi`` and ``inputs/odk``
is accounted for: read, ignored by rule (Excel lock files ``~$*`` and hidden
files, silently), or rejected with a reason.  :class:`FileReport` is the line
of the ``Ringkasan`` sheet for one file: rows read = accepted + rejected.

This is the only place that lists the drop folder and tells a file's times:
the run (:func:`discover`) and the folder sensor (:func:`list_inputs`) use it;
when a file arrived is kept by the arrival ledger (:mod:`pipeline.intake.arrivals`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.domain.periods import TIMEZONE

KINDS = ("referensi", "realisasi", "odk", "sipd")
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
    """Excel lock files and hidden files (or files in hidden folders) are ignored silently."""
    path = Path(path)
    return path.name.startswith(("~$", ".")) or any(part.startswith(".") for part in path.parts[:-1])


def discover(inputs: Path, kind: str) -> list[Path]:
    """All files of one kind, sorted by path (lock and hidden files left out).

    Symbolic links are listed but never followed (a linked folder is not
    entered): :func:`link_reason` says why each is not read.
    """
    folder = Path(inputs) / kind
    if folder.is_symlink():
        return [folder]
    if not folder.is_dir():
        return []
    found: list[Path] = []
    for root, dirs, files in os.walk(folder):  # followlinks=False: linked folders are not entered
        base = Path(root)
        found += [base / d for d in dirs if (base / d).is_symlink()]
        dirs[:] = [d for d in dirs if not (base / d).is_symlink()]
        found += [base / f for f in files if (base / f).is_symlink() or (base / f).is_file()]
    found = [p for p in found if not is_ignored(p.relative_to(folder))]
    return sorted(found, key=lambda p: p.relative_to(folder).as_posix().lower())


@dataclass(frozen=True)
class Look:
    """What listing a file tells without opening it."""

    size: int
    mtime_ns: int


def list_inputs(inputs: Path) -> dict[str, Look]:
    """Every file the run reads (:func:`discover` of each kind), relative POSIX path -> its look.

    A file that vanishes between listing and ``stat`` is left out; a symbolic
    link is looked at itself (``lstat``), never followed.
    """
    found: dict[str, Look] = {}
    for kind in KINDS:
        for path in discover(inputs, kind):
            try:
                st = path.lstat()
            except OSError:
                continue
            found[display_name(inputs, path)] = Look(st.st_size, st.st_mtime_ns)
    return found


def kind_of(relative: str) -> str | None:
    """``realisasi`` for ``realisasi/2024-12/a.xlsx``; None outside the three folders."""
    head = str(relative).replace("\\", "/").split("/", 1)[0]
    return head if head in KINDS else None


def link_reason(inputs: Path, path: Path) -> str | None:
    """Why ``path`` must not be opened: it, or a folder on the way to it from
    ``inputs``, is a symbolic link, or it resolves outside ``inputs``.  None
    when it is a plain file of the drop folder."""
    root = Path(inputs).resolve()
    path = Path(path)
    try:
        relative = path.relative_to(inputs)
    except ValueError:
        try:
            relative = path.relative_to(root)
        except ValueError:
            return "berkas berada di luar folder masukan"
    current = root
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            what = "berkas" if part == relative.parts[-1] else f"folder {current.relative_to(root).as_posix()}"
            return (f"{what} ini tautan simbolik (symlink) dan tidak dibuka; "
                    "salin berkas aslinya ke folder masukan")
    try:
        resolved = path.resolve(strict=True)
    except (OSError, RuntimeError):
        return None  # vanished: the reader reports it
    if not resolved.is_relative_to(root):
        return "berkas mengarah ke luar folder masukan dan tidak dibuka"
    return None


def readable_files(inputs: Path, paths: list[Path]) -> list[Path]:
    """``paths`` without the ones :func:`link_reason` refuses."""
    return [p for p in paths if link_reason(inputs, p) is None]


def display_name(inputs: Path, path: Path) -> str:
    try:
        return Path(path).relative_to(inputs).as_posix()
    except ValueError:
        return Path(path).name


def modified_at(path: Path) -> datetime:
    return datetime.fromtimestamp(Path(path).stat().st_mtime, tz=ZoneInfo(TIMEZONE))
