"""The page's own records: the audit log, login attempts and server-side sessions.

One SQLite file in the instance folder (``halaman.sqlite``, mode 0600, WAL),
or PostgreSQL for the audit log when ``LKJIP_AUDIT_DATABASE_URL`` is set
(``pip install -e '.[postgres]'``, psycopg2; same table).

- :class:`AuditLog`: every action (upload, confirmation, verification, return,
  lock, unlock, login, failed login, account change) is one row: when, who,
  from which address, the action, the bidang and month, the file and its SHA-256
  and a note.  The planner reads it on ``/audit`` and downloads it as CSV.
- :class:`LoginGuard`: failed logins per name and per address, kept across
  restarts; each attempt is counted *before* the password is checked; past
  :data:`FREE_ATTEMPTS` for a name (:data:`FREE_ATTEMPTS_ADDRESS` for an address)
  a further try must wait an exponentially growing delay
  (at most :data:`MAX_DELAY_SECONDS`) after the last one, so an attacker slows
  down without locking the rightful user out.  At most one password check runs
  at a time per account, and at most :data:`GLOBAL_CHECKS` in all.
- :class:`Sessions`: the signed cookie carries only a random session id; the
  session (account, password tag) lives here and ends at logout, at a password
  change and when the account is removed.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import secrets
import sqlite3
import threading
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

DB_NAME = "halaman.sqlite"
AUDIT_URL_ENV = "LKJIP_AUDIT_DATABASE_URL"
FREE_ATTEMPTS = 5  # per account name
FREE_ATTEMPTS_ADDRESS = 20  # per address: an office behind one NAT or proxy shares it
WINDOW_SECONDS = 15 * 60
MAX_DELAY_SECONDS = 60.0
GLOBAL_CHECKS = 2
SESSION_MAX_AGE = 12 * 3600

# actions (Indonesian, as the planner reads them)
UPLOAD = "unggah"
UPLOAD_CHECKED = "unggah diperiksa"
CONFIRM = "konfirmasi"
VERIFY = "verifikasi"
RETURN = "kembalikan"
LOCK = "kunci"
UNLOCK = "buka kunci"
LOGIN = "masuk"
LOGIN_FAILED = "gagal masuk"
LOGOUT = "keluar"
ACCOUNT = "ubah akun"
RUN = "bangun ulang"

COLUMNS = ("id", "waktu", "akun", "alamat", "aksi", "bidang", "periode", "berkas", "sha256", "keterangan")

_SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT, waktu TEXT NOT NULL, akun TEXT NOT NULL, alamat TEXT NOT NULL,
    aksi TEXT NOT NULL, bidang TEXT NOT NULL DEFAULT '', periode TEXT NOT NULL DEFAULT '',
    berkas TEXT NOT NULL DEFAULT '', sha256 TEXT NOT NULL DEFAULT '', keterangan TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS percobaan (
    kunci TEXT PRIMARY KEY, jumlah INTEGER NOT NULL, pertama REAL NOT NULL, terakhir REAL NOT NULL);
CREATE TABLE IF NOT EXISTS sesi (
    id TEXT PRIMARY KEY, akun TEXT NOT NULL, tag TEXT NOT NULL, dibuat REAL NOT NULL, kedaluwarsa REAL NOT NULL);
"""


class _Db:
    def __init__(self, folder: Path):
        self.path = Path(folder) / DB_NAME
        self._ready = False

    @contextlib.contextmanager
    def connect(self):
        if not self._ready:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with contextlib.suppress(OSError):
                os.chmod(self.path.parent, 0o700)
        con = sqlite3.connect(self.path, timeout=30, isolation_level=None)
        try:
            if not self._ready:
                con.execute("PRAGMA journal_mode=WAL")
                con.executescript(_SCHEMA)
                with contextlib.suppress(OSError):
                    os.chmod(self.path, 0o600)
                self._ready = True
            yield con
        finally:
            con.close()


@dataclass(frozen=True)
class AuditRow:
    id: int
    waktu: str
    akun: str
    alamat: str
    aksi: str
    bidang: str
    periode: str
    berkas: str
    sha256: str
    keterangan: str


class AuditLog:
    """Append-only rows; SQLite in the instance folder, or PostgreSQL when configured."""

    def __init__(self, folder: Path, clock=None, url: str | None = None):
        self._db = _Db(folder)
        self.clock = clock or (lambda: datetime.now().astimezone())
        self.url = url if url is not None else os.environ.get(AUDIT_URL_ENV, "").strip()

    @contextlib.contextmanager
    def _pg(self):  # pragma: no cover - exercised by the postgres-marked test
        import psycopg2

        con = psycopg2.connect(self.url)
        try:
            with con, con.cursor() as cur:
                cur.execute(
                    "CREATE TABLE IF NOT EXISTS lkjip_audit (id BIGSERIAL PRIMARY KEY, waktu TEXT NOT NULL, "
                    "akun TEXT NOT NULL, alamat TEXT NOT NULL, aksi TEXT NOT NULL, bidang TEXT NOT NULL DEFAULT '', "
                    "periode TEXT NOT NULL DEFAULT '', berkas TEXT NOT NULL DEFAULT '', "
                    "sha256 TEXT NOT NULL DEFAULT '', keterangan TEXT NOT NULL DEFAULT '')")
                yield cur
        finally:
            con.close()

    def add(self, action: str, who: str, address: str, *, bidang: str = "", period: str = "", file: str = "",
            sha256: str = "", note: str = "", when: datetime | None = None) -> None:
        values = ((when or self.clock()).isoformat(), who or "-", address or "?", action, bidang or "",
                  period or "", file or "", sha256 or "", note or "")
        if self.url:
            with self._pg() as cur:
                cur.execute("INSERT INTO lkjip_audit (waktu, akun, alamat, aksi, bidang, periode, berkas, sha256, "
                            "keterangan) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s)", values)
            return
        with self._db.connect() as con:
            con.execute("INSERT INTO audit (waktu, akun, alamat, aksi, bidang, periode, berkas, sha256, keterangan) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", values)

    def rows(self, limit: int | None = None) -> list[AuditRow]:
        """Newest first."""
        sql = "SELECT id, waktu, akun, alamat, aksi, bidang, periode, berkas, sha256, keterangan FROM {} ORDER BY id DESC"
        if limit:
            sql += f" LIMIT {int(limit)}"
        if self.url:
            with self._pg() as cur:
                cur.execute(sql.format("lkjip_audit"))
                return [AuditRow(*r) for r in cur.fetchall()]
        with self._db.connect() as con:
            return [AuditRow(*r) for r in con.execute(sql.format("audit"))]

    def csv_text(self) -> str:
        out = io.StringIO()
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for row in reversed(self.rows()):
            writer.writerow([_cell(getattr(row, c)) for c in COLUMNS])
        return out.getvalue()


def _cell(value) -> object:
    """A CSV cell that a spreadsheet never runs as a formula."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


class Busy(Exception):
    """No password check now (one is already running for this account, or too many at once)."""


class LoginGuard:
    """Counted attempts (persisted), exponential delay, and the limits on concurrent checks."""

    def __init__(self, folder: Path, clock=time.time, free: int = FREE_ATTEMPTS, window: float = WINDOW_SECONDS,
                 max_delay: float = MAX_DELAY_SECONDS, global_checks: int = GLOBAL_CHECKS,
                 free_address: int = FREE_ATTEMPTS_ADDRESS):
        self._db = _Db(folder)
        self.clock, self.free, self.window, self.max_delay = clock, free, window, max_delay
        self.free_address = free_address
        self._global = threading.BoundedSemaphore(global_checks)
        self._per_name: dict[str, threading.Lock] = {}
        self._lock = threading.Lock()

    def delay_for(self, count: int, free: int | None = None) -> float:
        """How long after the last attempt the next may come, with ``count`` attempts counted
        (``free`` of them without delay: :data:`FREE_ATTEMPTS` for a name)."""
        free = self.free if free is None else free
        if count < free:
            return 0.0
        return min(self.max_delay, 2.0 ** (count - free + 1))

    def _free(self, key: str) -> int:
        return self.free_address if key.startswith("alamat:") else self.free

    def try_attempt(self, *keys: str) -> float:
        """Count one attempt for every key and return 0, or return how many seconds to wait
        (nothing counted).  Atomic across threads and processes (one SQLite transaction)."""
        now = self.clock()
        with self._db.connect() as con:
            con.execute("BEGIN IMMEDIATE")
            try:
                wait = 0.0
                found = {}
                for key in keys:
                    row = con.execute("SELECT jumlah, pertama, terakhir FROM percobaan WHERE kunci = ?",
                                      (key,)).fetchone()
                    if row and now - row[2] > self.window:  # quiet for a whole window: forgotten
                        row = None
                    found[key] = row
                    if row:
                        wait = max(wait, row[2] + self.delay_for(row[0], self._free(key)) - now)
                if wait > 0:
                    con.execute("COMMIT")
                    return wait
                for key, row in found.items():
                    con.execute("INSERT OR REPLACE INTO percobaan (kunci, jumlah, pertama, terakhir) VALUES (?, ?, ?, ?)",
                                (key, (row[0] if row else 0) + 1, row[1] if row else now, now))
                con.execute("COMMIT")
                return 0.0
            except BaseException:
                con.execute("ROLLBACK")
                raise

    def succeeded(self, key: str, *others: str) -> None:
        """A right password: ``key`` (the name) starts afresh; the attempt counted for each of
        ``others`` (the address) is taken back, its failures stay counted."""
        with self._db.connect() as con:
            con.execute("DELETE FROM percobaan WHERE kunci = ?", (key,))
            for other in others:
                con.execute("UPDATE percobaan SET jumlah = MAX(jumlah - 1, 0) WHERE kunci = ?", (other,))

    @contextlib.contextmanager
    def checking(self, name: str):
        """One password check for ``name``: :class:`Busy` when one is running for it, or too many run."""
        with self._lock:
            lock = self._per_name.setdefault(name, threading.Lock())
        if not lock.acquire(blocking=False):
            raise Busy("akun")
        try:
            if not self._global.acquire(timeout=5):
                raise Busy("server")
            try:
                yield
            finally:
                self._global.release()
        finally:
            lock.release()


class Sessions:
    """Server-side sessions: the cookie holds only the id."""

    def __init__(self, folder: Path, clock=time.time, max_age: float = SESSION_MAX_AGE):
        self._db = _Db(folder)
        self.clock, self.max_age = clock, max_age

    def create(self, account: str, tag: str) -> str:
        sid = secrets.token_urlsafe(32)
        now = self.clock()
        with self._db.connect() as con:
            con.execute("DELETE FROM sesi WHERE kedaluwarsa < ?", (now,))
            con.execute("INSERT INTO sesi (id, akun, tag, dibuat, kedaluwarsa) VALUES (?, ?, ?, ?, ?)",
                        (sid, account, tag, now, now + self.max_age))
        return sid

    def get(self, sid: object) -> tuple[str, str] | None:
        """(account, password tag) of a live session, else None."""
        if not isinstance(sid, str) or not sid:
            return None
        with self._db.connect() as con:
            row = con.execute("SELECT akun, tag, kedaluwarsa FROM sesi WHERE id = ?", (sid,)).fetchone()
        if row is None or row[2] < self.clock():
            return None
        return row[0], row[1]

    def end(self, sid: object) -> None:
        if isinstance(sid, str):
            with self._db.connect() as con:
                con.execute("DELETE FROM sesi WHERE id = ?", (sid,))

    def end_all(self, account: str) -> None:
        with self._db.connect() as con:
            con.execute("DELETE FROM sesi WHERE akun = ?", (account,))
