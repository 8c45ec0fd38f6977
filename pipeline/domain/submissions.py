"""Who sent their monthly file, and on time?  (pure; no Dagster)

Files of a period are due on a day (default the 10th) of the month AFTER the
period, up to the end of that day in Bali's time (WITA).  A bidang is
"Tepat Waktu" when its first file for the period arrived by the deadline
(later corrections do not make it late), "Terlambat" when its first file came
after it, and "Belum Mengirim" when nothing arrived for the period: an earlier
month's file is never taken as this month's submission.

The deadline day is given by the caller (:func:`pipeline.settings.effective_deadline_day`
decides it: the referensi's ``Batas Pengumpulan``, else ``LKJIP_DEADLINE_DAY``, else 10);
when a file arrived is told by the arrival ledger (:mod:`pipeline.intake.arrivals`).
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pipeline.domain.periods import TIMEZONE, Period

ON_TIME = "Tepat Waktu"
LATE = "Terlambat"
MISSING = "Belum Mengirim"



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
    pengajuan: str = ""  # the submission state on the page: Diajukan, Diverifikasi, Dikembalikan, Ditolak
    catatan_pengajuan: str = ""  # the planner's note (Dikembalikan) or unlock reason

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
            "pengajuan": self.pengajuan,
            "catatan_pengajuan": self.catatan_pengajuan,
        }


def _period(period: Period | str) -> Period:
    return period if isinstance(period, Period) else Period.parse(period)


def deadline_date(period: Period | str, day: int) -> date:
    """The due date of ``period``: ``day`` of the month after it, clamped to
    the length of that month (day 31 in February means the 28th/29th)."""
    if not 1 <= int(day) <= 31:
        raise ValueError(f"tanggal batas pengumpulan harus 1..31, bukan {day!r}")
    due = _period(period).next()
    return date(due.year, due.month, min(int(day), calendar.monthrange(due.year, due.month)[1]))


def period_due(run_day: date, deadline_day: int) -> Period | None:
    """The period whose scheduled run falls on ``run_day`` (the day after its
    deadline), or None when ``run_day`` is not such a day."""
    month = Period.from_date(run_day)
    for back in (1, 2):  # normally the previous month; 2 when a clamped deadline rolls over
        period = month.shifted(-back)
        if deadline_date(period, deadline_day) + timedelta(days=1) == run_day:
            return period
    return None


def deadline_for(period: Period | str, day: int, tz: str = TIMEZONE) -> datetime:
    """End of the due day (23:59:59, ``tz``) in the month after ``period``."""
    return datetime.combine(deadline_date(period, day), time(23, 59, 59), tzinfo=ZoneInfo(tz))


def collection_period(now: datetime, day: int) -> Period:
    """The month whose files are being collected at ``now``: last month until its deadline has
    passed, then this month."""
    this = Period(now.year, now.month)
    previous = this.previous()
    return previous if now <= deadline_for(previous, day) else this


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
    period = str(_period(period))
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


def pengumpulan_rows(bidang_names: list[str], received: dict, period: str, deadline_day: int) -> list[SubmissionRow]:
    """Submission status per bidang for ``period`` (a bidang that sent nothing is shown).

    ``received``: bidang -> the period's files as the intake read them (each with a ``report``
    saying its file, arrival, modification time and period); a file counts from when it
    arrived (the arrival ledger), never from when Excel saved it."""
    files = [Received(bidang, s.report.file, s.report.arrived or s.report.modified, s.report.period)
             for bidang, sources in received.items() for s in sources]
    return submission_status(period, bidang_names, files, deadline_for(period, deadline_day))
