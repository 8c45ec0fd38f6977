"""When each input file arrived: a ledger of file contents and the moment lkjip first saw them.

Excel's "last saved" time says when somebody pressed Save, not when the file
reached the office: a workbook saved on the 10th and dropped on the 13th
arrived on the 13th.  So the first time lkjip sees a file content (SHA-256) —
the folder sensor, a run, the upload page — it records when that content
arrived, in a ledger that survives restarts: ``lkjip-kedatangan.sqlite`` in the
instance folder (``DAGSTER_HOME``, beside Dagster's own SQLite files).  A
content never seen before counts from its modification time in the drop
folder (the upload page passes the moment of the upload).  Later sightings
never move a recorded arrival, so a file that is copied or touched again keeps
the day it first came.

SQLite gives the two things the ledger needs with no code of ours: a write is
atomic (a crash leaves the old ledger), and the sensor's process and a run's
process can record at the same time (``INSERT OR IGNORE`` under SQLite's file
lock; the first writer wins, the other reads its row).

A drop folder may carry arrivals recorded elsewhere, ``<inputs>/.lkjip-kedatangan.json``
(the bundled sample inputs do: their files arrived in January 2025, long
before any checkout of the repository).  lkjip reads it and never writes it;
a content it lists counts from the earlier of its time there and the ledger's.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.settings import PROJECT_ROOT, TIMEZONE
from pipeline.intake.files import modified_at

LEDGER_NAME = "lkjip-kedatangan.sqlite"
FOLDER_RECORD = ".lkjip-kedatangan.json"
FOLDER_RECORD_VERSION = 1

# who saw a file first
VIA_SENSOR = "sensor"
VIA_RUN = "run"
VIA_UPLOAD = "unggah"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS arrivals (
    sha256 TEXT PRIMARY KEY,
    arrived_at TEXT NOT NULL,   -- ISO 8601 with offset (WITA)
    file TEXT NOT NULL,         -- where it was first seen, relative to the drop folder
    via TEXT NOT NULL,          -- sensor | run | unggah
    recorded_at TEXT NOT NULL
)
"""
_CHUNK = 1 << 20


@dataclass(frozen=True)
class Arrival:
    sha256: str
    arrived_at: datetime
    file: str
    via: str


def ledger_path(home: Path | None = None) -> Path:
    """The ledger of this instance: ``<DAGSTER_HOME>/lkjip-kedatangan.sqlite``."""
    if home is None:
        from pipeline.dagster_home import dagster_home_path

        home = dagster_home_path(PROJECT_ROOT)
    return Path(home) / LEDGER_NAME


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _wita(moment: datetime) -> datetime:
    tz = ZoneInfo(TIMEZONE)
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def read_folder_record(inputs: Path | None) -> dict[str, Arrival]:
    """``<inputs>/.lkjip-kedatangan.json``: sha256 -> Arrival (empty when absent or unreadable)."""
    if inputs is None:
        return {}
    path = Path(inputs) / FOLDER_RECORD
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    out: dict[str, Arrival] = {}
    for item in data.get("arrivals", []) if isinstance(data, dict) else []:
        try:
            arrival = Arrival(str(item["sha256"]).lower(), _wita(datetime.fromisoformat(item["arrived_at"])),
                              str(item.get("file", "")), str(item.get("via", "berkas")))
        except (KeyError, TypeError, ValueError):
            continue
        known = out.get(arrival.sha256)
        if known is None or arrival.arrived_at < known.arrived_at:
            out[arrival.sha256] = arrival
    return out


def write_folder_record(inputs: Path, arrivals: Iterable[Arrival]) -> Path:
    """Write ``<inputs>/.lkjip-kedatangan.json`` (for sample inputs and migrations), atomically."""
    path = Path(inputs) / FOLDER_RECORD
    items = [{"sha256": a.sha256, "file": a.file, "arrived_at": _wita(a.arrived_at).isoformat(), "via": a.via}
             for a in sorted(arrivals, key=lambda a: (a.file, a.sha256))]
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(json.dumps({"version": FOLDER_RECORD_VERSION, "arrivals": items}, indent=1, ensure_ascii=False)
                   + "\n", encoding="utf-8")
    os.replace(tmp, path)
    return path


class Ledger:
    """The arrivals of this instance (SQLite), and the drop folder's own record (read only)."""

    def __init__(self, path: Path | None = None, inputs: Path | None = None):
        self.path = ledger_path() if path is None else Path(path)
        self.inputs = Path(inputs) if inputs is not None else None
        self.folder = read_folder_record(self.inputs)

    def _connect(self) -> sqlite3.Connection:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(self.path, timeout=60, isolation_level=None)
        db.execute("PRAGMA busy_timeout = 60000")
        db.execute(_SCHEMA)
        return db

    def get(self, sha256: str) -> Arrival | None:
        """What is known of a content: the earlier of the ledger's and the folder record's arrival."""
        sha256 = sha256.lower()
        with closing(self._connect()) as db:
            row = db.execute("SELECT arrived_at, file, via FROM arrivals WHERE sha256 = ?", (sha256,)).fetchone()
        known = [a for a in (self.folder.get(sha256),) if a is not None]
        if row is not None:
            known.append(Arrival(sha256, _wita(datetime.fromisoformat(row[0])), row[1], row[2]))
        return min(known, key=lambda a: a.arrived_at) if known else None

    def record(self, sha256: str, arrived_at: datetime, file: str, via: str) -> Arrival:
        """Record a content's arrival unless it is known; return the arrival in effect (the first one)."""
        sha256 = sha256.lower()
        moment = _wita(arrived_at)
        with closing(self._connect()) as db:
            db.execute("INSERT OR IGNORE INTO arrivals (sha256, arrived_at, file, via, recorded_at) "
                       "VALUES (?, ?, ?, ?, ?)",
                       (sha256, moment.isoformat(), file, via,
                        datetime.now(ZoneInfo(TIMEZONE)).replace(microsecond=0).isoformat()))
        found = self.get(sha256)
        assert found is not None
        return found

    def seen(self, path: Path, via: str, *, sha256: str | None = None, arrived_at: datetime | None = None) -> Arrival:
        """A file of the drop folder was seen: its content's arrival (recorded now if it is new).

        A new content counts from ``arrived_at`` (the upload page's moment) or
        else the file's modification time.
        """
        path = Path(path)
        sha256 = sha256 or file_sha256(path)
        known = self.get(sha256)
        if known is not None:
            return known
        return self.record(sha256, arrived_at or modified_at(path), self._relative(path), via)

    def _relative(self, path: Path) -> str:
        if self.inputs is not None:
            try:
                return path.resolve().relative_to(self.inputs.resolve()).as_posix()
            except ValueError:
                pass
        return path.name


def record_sources(sources, inputs: Path, via: str = VIA_RUN, ledger: Ledger | None = None,
                   keep: bool = True) -> None:
    """A run saw these input files: set each report's ``arrived`` from the ledger (recording new contents).

    A file that cannot be recorded (a read-only instance folder) counts from its
    modification time, as a file never seen before does.  ``keep=False`` (a run
    on a temporary instance because DAGSTER_HOME is broken) only reads the drop
    folder's own record and writes nothing into the instance folder.
    """
    ledger = ledger or Ledger(inputs=inputs)
    for source in sources:
        report = source.report
        if not report.sha256:
            continue
        if not keep:
            known = ledger.folder.get(report.sha256.lower())
            report.arrived = known.arrived_at if known is not None else report.modified
            continue
        try:
            report.arrived = ledger.seen(source.path, via, sha256=report.sha256).arrived_at
        except (OSError, sqlite3.Error):
            report.arrived = report.modified


def record_upload(path: Path, inputs: Path, arrived_at: datetime | None = None, ledger: Path | None = None) -> Arrival:
    """For the upload page: a file just saved into the drop folder arrived now (or at ``arrived_at``)."""
    moment = arrived_at or datetime.now(ZoneInfo(TIMEZONE))
    return Ledger(ledger, inputs).seen(Path(path), VIA_UPLOAD, arrived_at=moment)
