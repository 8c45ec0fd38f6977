"""The submission states of the office's page, kept in ``<instance>/pengajuan.sqlite``.

A bidang's submission for a month (inputs contract, "Submissions: verified and
locked") is ``Diajukan`` (sent), then ``Diverifikasi`` (accepted by the
planner: the month is locked for that bidang) or ``Dikembalikan`` (returned,
with the planner's note).  An upload with an ``Error`` is ``Ditolak``: kept
apart, it never replaces a submission.  The planner unlocks a verified month
giving a reason.  A bidang whose file was dropped into the folder directly,
with no state here, counts as ``Diajukan``.

The page writes the states (:class:`SubmissionStore`); the run reads them
(:func:`read_states`) for the ``Pengumpulan`` sheet without ever creating the
database.  The instance folder is ``LKJIP_INSTANCE`` or ``<DAGSTER_HOME>/lkjip``
(:func:`instance_folder`, the one definition the page uses too).
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

DB_NAME = "pengajuan.sqlite"
INSTANCE_ENV = "LKJIP_INSTANCE"
INSTANCE_SUBDIR = "lkjip"

DIAJUKAN = "Diajukan"
DIVERIFIKASI = "Diverifikasi"
DIKEMBALIKAN = "Dikembalikan"
DITOLAK = "Ditolak"
STATES = (DIAJUKAN, DIVERIFIKASI, DIKEMBALIKAN, DITOLAK)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS keadaan (
    bidang TEXT NOT NULL, periode TEXT NOT NULL, status TEXT NOT NULL,
    terkunci INTEGER NOT NULL DEFAULT 0, catatan TEXT NOT NULL DEFAULT '',
    unggahan TEXT, waktu TEXT NOT NULL, oleh TEXT NOT NULL,
    PRIMARY KEY (bidang, periode));
CREATE TABLE IF NOT EXISTS riwayat_pengajuan (
    id INTEGER PRIMARY KEY AUTOINCREMENT, bidang TEXT NOT NULL, periode TEXT NOT NULL,
    status TEXT NOT NULL, terkunci INTEGER NOT NULL, catatan TEXT NOT NULL DEFAULT '',
    unggahan TEXT, waktu TEXT NOT NULL, oleh TEXT NOT NULL);
"""


def instance_folder(project_root: Path | None = None) -> Path:
    """``LKJIP_INSTANCE`` if set, else ``<DAGSTER_HOME>/lkjip``."""
    env = os.environ.get(INSTANCE_ENV, "").strip()
    if env:
        return Path(env).expanduser().resolve()
    from pipeline import settings
    from pipeline.dagster_home import dagster_home_path

    return dagster_home_path(project_root or settings.PROJECT_ROOT) / INSTANCE_SUBDIR


@dataclass(frozen=True)
class State:
    bidang: str
    periode: str
    status: str
    terkunci: bool
    catatan: str
    unggahan: str | None  # the upload id behind it, when it came through the page
    waktu: str
    oleh: str


class Locked(Exception):
    """The month is locked for this bidang; the message is Indonesian."""


def _key(bidang: str) -> str:
    return " ".join(str(bidang).split()).casefold()


class SubmissionStore:
    """Read and change the states (one SQLite file, WAL, one short transaction per change)."""

    def __init__(self, folder: Path):
        self.path = Path(folder) / DB_NAME

    @contextlib.contextmanager
    def _db(self):
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            con.execute("PRAGMA journal_mode=WAL")
            con.executescript(_SCHEMA)
            with contextlib.suppress(OSError):
                os.chmod(self.path, 0o600)
            yield con
        finally:
            con.close()

    def _row(self, con, bidang: str, periode: str) -> State | None:
        found = con.execute("SELECT bidang, periode, status, terkunci, catatan, unggahan, waktu, oleh FROM keadaan "
                            "WHERE bidang = ? AND periode = ?", (_key(bidang), periode)).fetchone()
        return State(bidang, *found[1:3], bool(found[3]), *found[4:]) if found else None

    def get(self, bidang: str, periode: str) -> State | None:
        if not self.path.exists():
            return None
        with self._db() as con:
            return self._row(con, bidang, periode)

    def for_period(self, periode: str) -> dict[str, State]:
        """Every state of ``periode``, by bidang (compared ignoring case and repeated spaces)."""
        return read_states(self.path.parent, periode)

    def history(self, bidang: str | None = None, periode: str | None = None) -> list[dict]:
        if not self.path.exists():
            return []
        sql, args = "SELECT * FROM riwayat_pengajuan WHERE 1=1", []
        if bidang is not None:
            sql, args = sql + " AND bidang = ?", [*args, _key(bidang)]
        if periode is not None:
            sql, args = sql + " AND periode = ?", [*args, periode]
        with self._db() as con:
            con.row_factory = sqlite3.Row
            return [dict(r) for r in con.execute(sql + " ORDER BY id DESC", args)]

    def _set(self, bidang: str, periode: str, status: str, locked: bool, note: str, upload: str | None,
             who: str, when: datetime, *, keep_state: bool = False) -> State:
        with self._db() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                before = self._row(con, bidang, periode)
                if keep_state and before is not None:
                    status, upload = before.status, before.unggahan
                values = (_key(bidang), periode, status, int(locked), note, upload, when.isoformat(), who)
                con.execute("INSERT OR REPLACE INTO keadaan (bidang, periode, status, terkunci, catatan, unggahan, "
                            "waktu, oleh) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values)
                con.execute("INSERT INTO riwayat_pengajuan (bidang, periode, status, terkunci, catatan, unggahan, "
                            "waktu, oleh) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", values)
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return State(bidang, periode, status, locked, note, upload, when.isoformat(), who)

    def check_open(self, bidang: str, periode: str) -> None:
        """:class:`Locked` when the planner verified this bidang's month and has not unlocked it."""
        state = self.get(bidang, periode)
        if state is not None and state.terkunci:
            raise Locked(locked_message(periode))

    def submit(self, bidang: str, periode: str, upload: str | None, who: str, when: datetime) -> State:
        self.check_open(bidang, periode)
        return self._set(bidang, periode, DIAJUKAN, False, "", upload, who, when)

    def reject(self, bidang: str, periode: str, upload: str | None, who: str, when: datetime) -> None:
        """An upload with an Error: listed in the history; the current state changes only when
        there was none (a clean submission is never replaced)."""
        with self._db() as con:
            con.execute("INSERT INTO riwayat_pengajuan (bidang, periode, status, terkunci, catatan, unggahan, "
                        "waktu, oleh) VALUES (?, ?, ?, 0, '', ?, ?, ?)",
                        (_key(bidang), periode, DITOLAK, upload, when.isoformat(), who))
        if self.get(bidang, periode) is None:
            self._set(bidang, periode, DITOLAK, False, "", upload, who, when)

    def verify(self, bidang: str, periode: str, who: str, when: datetime) -> State:
        state = self.get(bidang, periode)
        return self._set(bidang, periode, DIVERIFIKASI, True, "", state.unggahan if state else None, who, when)

    def give_back(self, bidang: str, periode: str, note: str, who: str, when: datetime) -> State:
        if not note.strip():
            raise ValueError("Tulis catatan untuk bidang: apa yang harus diperbaiki.")
        state = self.get(bidang, periode)
        return self._set(bidang, periode, DIKEMBALIKAN, False, note.strip(), state.unggahan if state else None,
                         who, when)

    def unlock(self, bidang: str, periode: str, reason: str, who: str, when: datetime) -> State:
        if not reason.strip():
            raise ValueError("Tulis alasan membuka kunci.")
        return self._set(bidang, periode, DIVERIFIKASI, False, "Kunci dibuka: " + reason.strip(), None, who, when,
                         keep_state=True)


def locked_message(periode: str) -> str:
    from pipeline.domain.periods import Period

    label = Period.parse(periode).label_id()
    return (f"Pengajuan {label} sudah diverifikasi perencana dan dikunci; berkas tidak diterima. "
            f"Minta perencana membuka kunci {label} bila ada yang harus diperbaiki.")


def read_states(folder: Path | None, periode: str) -> dict[str, State]:
    """The states of one month by bidang key (lower case, single spaces); empty when the page
    never recorded any (the database is never created by a read)."""
    path = Path(folder) / DB_NAME if folder else None
    if path is None or not path.is_file():
        return {}
    try:
        con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=30)
    except sqlite3.Error:
        return {}
    try:
        rows = con.execute("SELECT bidang, periode, status, terkunci, catatan, unggahan, waktu, oleh FROM keadaan "
                           "WHERE periode = ?", (periode,)).fetchall()
    except sqlite3.Error:
        return {}
    finally:
        con.close()
    return {r[0]: State(r[0], r[1], r[2], bool(r[3]), *r[4:]) for r in rows}


def with_states(rows: list, periode: str, folder: Path | None = None) -> list:
    """``rows`` (:class:`pipeline.domain.submissions.SubmissionRow`) with the page's submission state of
    each bidang (:func:`state_of`), read from the instance folder (default :func:`instance_folder`)."""
    from dataclasses import replace

    try:
        states = read_states(folder if folder is not None else instance_folder(), periode)
    except OSError:
        states = {}
    return [replace(r, pengajuan=s, catatan_pengajuan=n)
            for r in rows for s, n in [state_of(states, r.bidang, bool(r.files))]]


def state_of(states: dict[str, State], bidang: str, has_files: bool) -> tuple[str, str]:
    """(state, note) of one bidang for the ``Pengumpulan`` sheet: a file dropped directly counts as
    ``Diajukan``; nothing sent gives ("", "")."""
    found = states.get(_key(bidang))
    if found is not None and (has_files or found.status == DITOLAK):
        note = found.catatan
        if found.status == DIVERIFIKASI:
            when = found.waktu[:16].replace("T", " ")
            note = f"diverifikasi oleh {found.oleh}, {when}" + (f"; {note}" if note else "")
        return found.status, note
    return (DIAJUKAN, "") if has_files else ("", "")
