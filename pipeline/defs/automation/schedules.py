"""The monthly run: the day after the submission deadline, 07:00 WITA, for
the previous month.

The schedule ticks every day at 07:00 WITA and asks for a run only on the day
after the deadline (deadline day 10 -> run on the 11th for the month before).
Daily rather than a cron built from the day because the day can change
without a redeploy: the referensi workbook may set it (``Batas Pengumpulan``
in the ``Renstra`` sheet), otherwise env ``LKJIP_DEADLINE_DAY``, otherwise
``LkjipConfig.deadline_day`` (10).  A day-31 deadline is clamped to the last
day of a shorter month, so the run then happens on the 1st of the next month.
The other days' ticks are a cheap skip.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import dagster as dg

from pipeline.defs.jobs import laporan_job
from pipeline.defs.partitions import monthly_partitions
from pipeline.defs.resources import LkjipConfig
from pipeline.domain.triwulan import TRIWULAN_LABELS, is_quarter_end, quarter_of
from pipeline.domain.submissions import configured_deadline_day, deadline_date
from pipeline.settings import DEFAULT_RUN_HOUR, TIMEZONE

WITA = ZoneInfo(TIMEZONE)


def partition_key_for(period: str) -> str:
    """The ``monthly_partitions`` key of a ``YYYY-MM`` period, in whatever
    format the partitions use (``2024-12-01`` by default, ``2024-12`` with
    ``fmt="%Y-%m"``)."""
    year, month = (int(x) for x in period.split("-"))
    return datetime(year, month, 1).strftime(monthly_partitions.fmt)


def period_of(partition_key: str) -> str:
    """The ``YYYY-MM`` period of a partition key (inverse of :func:`partition_key_for`)."""
    moment = datetime.strptime(partition_key, monthly_partitions.fmt)
    return f"{moment.year:04d}-{moment.month:02d}"


def _month_before(year: int, month: int, n: int = 1) -> str:
    index = year * 12 + (month - 1) - n
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def period_due(run_day: date, deadline_day: int) -> str | None:
    """The period whose scheduled run falls on ``run_day`` (the day after its
    deadline), or None when ``run_day`` is not such a day."""
    for back in (1, 2):  # normally the previous month; 2 when a clamped deadline rolls over
        period = _month_before(run_day.year, run_day.month, back)
        if deadline_date(period, deadline_day) + timedelta(days=1) == run_day:
            return period
    return None


@dg.schedule(
    name="laporan_bulanan_terjadwal",
    cron_schedule=f"0 {DEFAULT_RUN_HOUR} * * *",
    execution_timezone=TIMEZONE,
    job=laporan_job,
    default_status=dg.DefaultScheduleStatus.RUNNING,
    description=(
        "Setiap hari 07:00 WITA memeriksa apakah kemarin batas pengumpulan; jika ya, "
        "membuat laporan bulan sebelumnya."
    ),
)
def laporan_bulanan_terjadwal(context: dg.ScheduleEvaluationContext, lkjip: LkjipConfig):
    moment = context.scheduled_execution_time or datetime.now(WITA)
    moment = moment.replace(tzinfo=WITA) if moment.tzinfo is None else moment.astimezone(WITA)
    day = configured_deadline_day(lkjip.inputs, default=lkjip.deadline_day)
    period = period_due(moment.date(), day)
    if period is None:
        return dg.SkipReason(
            f"{moment:%Y-%m-%d} bukan hari setelah batas pengumpulan (tanggal {day})"
        )
    tags = {"lkjip/pemicu": "jadwal", "lkjip/periode": period, "lkjip/batas-pengumpulan": str(day)}
    month = int(period[-2:])
    if is_quarter_end(month):  # the run that gives the quarter's Tabel E.81 (evaluasi-renja-<period>.xlsx)
        tags["lkjip/triwulan"] = TRIWULAN_LABELS[quarter_of(month) - 1]
    return dg.RunRequest(run_key=f"jadwal-{period}", partition_key=partition_key_for(period), tags=tags)
