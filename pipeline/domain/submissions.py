"""Who sent their monthly file, and on time?  (pure; no Dagster)

Files of a period are due on a day (default the 10th) of the month AFTER the
period, up to the end of that day in Bali's time (WITA).  A bidang is
"Tepat Waktu" when its first file for the period arrived by the deadline
(later corrections do not make it late), "Terlambat" when its first file came
after it, and "Belum Mengirim" when nothing arrived for the period: an earlier
month's file is never taken as this month's submission.

The deadline day comes from, in order: a ``Batas Pengumpulan`` label in the
referensi workbook's ``Renstra`` sheet, the env var ``LKJIP_DEADLINE_DAY``,
the configured default (``LkjipConfig.deadline_day`` / settings, 10).
"""

from __future__ import annotations

import calendar
import contextlib
import os
import re
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from pipeline.settings import DEFAULT_DEADLINE_DAY, TIMEZONE

ON_TIME = "Tepat Waktu"
LATE = "Terlambat"
MISSING = "Belum Mengirim"

DEADLINE_ENV = "LKJIP_DEADLINE_DAY"
DEADLINE_LABEL = "batas pengumpulan"
RENSTRA_SHEET = "renstra"

_PERIOD_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True)
class Received:
    """One file a bidang sent.  ``period`` (``YYYY-MM``), when known, lets
    :func:`submission_status` drop files of other months."""

    bidang: str
    file: str
    received_at: datetime
    period: str | None = None


@dataclass(frozen=True)
class SubmissionRow:
    bidang: str
    status: str
    files: list[str] = field(default_factory=list)
    received_at: datetime | None = None  # latest file, WITA
    deadline: datetime | None = None
    first_received_at: datetime | None = None  # the first file: it decides on time or late
    corrections: list[str] = field(default_factory=list)  # files of an on-time bidang that came after the deadline

    def as_dict(self) -> dict:
        """JSON-friendly form (the ``pengumpulan`` entries of ringkasan.json,
        without errors/warnings which the caller adds)."""
        return {
            "bidang": self.bidang,
            "status": self.status,
            "files": list(self.files),
            "received_at": self.received_at.isoformat() if self.received_at else None,
            "deadline": self.deadline.isoformat() if self.deadline else None,
            "first_received_at": self.first_received_at.isoformat() if self.first_received_at else None,
            "corrections": list(self.corrections),
        }


def parse_period(period: str) -> tuple[int, int]:
    match = _PERIOD_RE.match(period or "")
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise ValueError(f"periode harus berbentuk YYYY-MM, bukan {period!r}")
    return int(match.group(1)), int(match.group(2))


def _next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def deadline_date(period: str, day: int) -> date:
    """The due date of ``period``: ``day`` of the month after it, clamped to
    the length of that month (day 31 in February means the 28th/29th)."""
    if not 1 <= int(day) <= 31:
        raise ValueError(f"tanggal batas pengumpulan harus 1..31, bukan {day!r}")
    year, month = _next_month(*parse_period(period))
    last = calendar.monthrange(year, month)[1]
    return date(year, month, min(int(day), last))


def deadline_for(period: str, day: int, tz: str = TIMEZONE) -> datetime:
    """End of the due day (23:59:59, ``tz``) in the month after ``period``."""
    return datetime.combine(deadline_date(period, day), time(23, 59, 59), tzinfo=ZoneInfo(tz))


_SAVED = re.compile(rb"<dcterms:modified[^>]*>\s*([0-9T:\-.]+Z?)\s*</dcterms:modified>")


def saved_at(path: Path, tz: str = TIMEZONE) -> datetime | None:
    """When the bidang last saved the workbook (docProps/core.xml ``dcterms:modified``), in ``tz``."""
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            info = zf.getinfo("docProps/core.xml")
            if info.file_size > 64_000:
                return None
            match = _SAVED.search(zf.read(info))
    except (OSError, KeyError, zipfile.BadZipFile):
        return None
    if not match:
        return None
    try:
        moment = datetime.fromisoformat(match.group(1).decode().replace("Z", "+00:00"))
    except ValueError:
        return None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=ZoneInfo("UTC"))
    return moment.astimezone(ZoneInfo(tz))


def received_at(path: Path, tz: str = TIMEZONE) -> datetime:
    """When a file arrived, in WITA.

    Its modification time, unless the workbook says it was saved earlier: a
    copy (a backup restore, a git checkout, a USB stick) gives a file a new
    modification time, but the time Excel saved it stays in the file.  A saved
    time later than the modification time is not believed.
    """
    modified = datetime.fromtimestamp(Path(path).stat().st_mtime, tz=ZoneInfo(tz))
    saved = saved_at(path, tz)
    return saved if saved is not None and saved <= modified else modified


def _key(name: str) -> str:
    return " ".join(str(name).split()).casefold()


def _aware(moment: datetime, tz: ZoneInfo) -> datetime:
    return moment.replace(tzinfo=tz) if moment.tzinfo is None else moment.astimezone(tz)


def submission_status(
    period: str,
    expected: list[str],
    received: list[Received],
    deadline: datetime,
) -> list[SubmissionRow]:
    """One row per expected bidang (in the given order), then any bidang that
    sent files without being expected (alphabetically).

    Bidang names match ignoring case and repeated spaces; naive datetimes are
    taken as WITA.  A file whose ``period`` is set to another month is ignored.
    """
    parse_period(period)
    tz = ZoneInfo(TIMEZONE)
    deadline = _aware(deadline, tz)
    cutoff = deadline + timedelta(seconds=1) if deadline.microsecond == 0 else deadline

    by_bidang: dict[str, list[Received]] = {}
    names: dict[str, str] = {}
    for item in received:
        if item.period is not None and item.period != period:
            continue
        key = _key(item.bidang)
        if not key:
            continue
        by_bidang.setdefault(key, []).append(item)
        names.setdefault(key, " ".join(str(item.bidang).split()))

    order: list[tuple[str, str]] = []
    seen: set[str] = set()
    for name in expected:
        key = _key(name)
        if key and key not in seen:
            seen.add(key)
            order.append((key, " ".join(str(name).split())))
    for key in sorted(set(by_bidang) - seen):
        order.append((key, names[key]))

    rows: list[SubmissionRow] = []
    for key, name in order:
        items = by_bidang.get(key, [])
        if not items:
            rows.append(SubmissionRow(name, MISSING, [], None, deadline))
            continue
        times = [_aware(i.received_at, tz) for i in items]
        first, latest = min(times), max(times)
        files: list[str] = []
        for item in sorted(items, key=lambda i: (_aware(i.received_at, tz), i.file)):
            if item.file not in files:
                files.append(item.file)
        status = ON_TIME if first < cutoff else LATE
        corrections: list[str] = []
        if status == ON_TIME:
            for item in sorted(items, key=lambda i: (_aware(i.received_at, tz), i.file)):
                if _aware(item.received_at, tz) >= cutoff and item.file not in corrections:
                    corrections.append(item.file)
        rows.append(SubmissionRow(name, status, files, latest, deadline, first, corrections))
    return rows


# --- where the deadline day comes from -------------------------------------------------

_INT_RE = re.compile(r"\d{1,2}")


def _as_day(value: object) -> int | None:
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, (datetime, date)):
        return value.day
    if isinstance(value, (int, float)):
        day = int(value)
        return day if day == value and 1 <= day <= 31 else None
    match = _INT_RE.search(str(value))
    if match and 1 <= int(match.group()) <= 31:
        return int(match.group())
    return None


def deadline_day_from_referensi(path: Path) -> int | None:
    """The day in the ``Renstra`` sheet next to a ``Batas Pengumpulan`` label
    (the first non-empty cell to its right, or text after a colon in the label
    cell itself, e.g. ``Batas Pengumpulan: tanggal 10``).  None if absent."""
    from openpyxl import load_workbook  # only needed here

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception:
        return None
    try:
        sheet = next((wb[n] for n in wb.sheetnames if n.strip().casefold() == RENSTRA_SHEET), None)
        if sheet is None:
            return None
        for row in sheet.iter_rows(max_row=300, max_col=30, values_only=True):
            for i, cell in enumerate(row):
                if not isinstance(cell, str) or DEADLINE_LABEL not in _key(cell):
                    continue
                rest = cell.split(":", 1)[1] if ":" in cell else ""
                day = _as_day(rest) if rest.strip() else None
                if day is None:
                    for value in row[i + 1 :]:
                        if value is not None and str(value).strip():
                            day = _as_day(value)
                            break
                if day is not None:
                    return day
        return None
    finally:
        with contextlib.suppress(Exception):
            wb.close()


def referensi_files(inputs: Path) -> list[Path]:
    """The planner's workbooks in ``<inputs>/referensi``, newest first."""
    folder = Path(inputs) / "referensi"
    if not folder.is_dir():
        return []
    files = [
        p
        for p in folder.rglob("*.xlsx")
        if p.is_file() and not p.name.startswith(("~$", ".")) and not any(
            part.startswith(".") for part in p.relative_to(folder).parts
        )
    ]
    return sorted(files, key=lambda p: p.stat().st_mtime, reverse=True)


def configured_deadline_day(inputs: Path | None, default: int = DEFAULT_DEADLINE_DAY) -> int:
    """The deadline day in effect: referensi ``Batas Pengumpulan`` >
    env ``LKJIP_DEADLINE_DAY`` > ``default``."""
    if inputs is not None:
        for path in referensi_files(Path(inputs)):
            day = deadline_day_from_referensi(path)
            if day is not None:
                return day
    env_day = _as_day(os.environ.get(DEADLINE_ENV, "").strip() or None)
    if env_day is not None:
        return env_day
    return int(default)
