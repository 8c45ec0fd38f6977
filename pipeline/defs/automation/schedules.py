"""The monthly run: the day after the submission deadline, at the run hour
(07:00 WITA by default), for the previous month.

The schedule ticks every day at the run hour and asks for a run only on the
day after the deadline (deadline day 10 -> run on the 11th for the month
before).  Daily rather than a cron built from the day because the day can
change without a redeploy: :mod:`pipeline.settings` resolves it, in order,
from the referensi workbook (``Batas Pengumpulan`` in the ``Renstra`` sheet,
read through the intake's sandboxed reader), ``LKJIP_DEADLINE_DAY`` (the
``lkjip`` resource's ``deadline_day``), the default 10.  The same day is the
one the ``Pengumpulan`` sheet judges lateness against.  A day-31 deadline is
clamped to the last day of a shorter month, so the run then happens on the 1st
of the next month.  The other days' ticks are a cheap skip.

The run hour is part of the cron, so it is fixed when the code location loads:
``LKJIP_RUN_HOUR`` (resolved by :mod:`pipeline.settings`), else 7.
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import dagster as dg

from pipeline.defs import partitions
from pipeline.defs.jobs import laporan_job
from pipeline.defs.partitions import SINGLE_OFFICE
from pipeline.defs.resources import LkjipConfig
from pipeline.domain import periods, submissions
from pipeline import settings
from pipeline.domain.triwulan import TRIWULAN_LABELS
from pipeline.settings import DEFAULT_RUN_HOUR, TIMEZONE

WITA = ZoneInfo(TIMEZONE)


def partition_key_for(period: str, opd: str = SINGLE_OFFICE) -> str:
    """The ``report_partitions`` key of an office's ``YYYY-MM`` period (:func:`pipeline.defs.partitions.partition_key`)."""
    return partitions.partition_key(period, opd)


def period_of(partition_key: str) -> str:
    """The ``YYYY-MM`` period of a partition key (inverse of :func:`partition_key_for`)."""
    return str(partitions.slot_of_key(partition_key).period)


def period_due(run_day: date, deadline_day: int) -> str | None:
    """The period (``YYYY-MM``) whose scheduled run falls on ``run_day``, or None."""
    period = submissions.period_due(run_day, deadline_day)
    return str(period) if period is not None else None


def make_schedule(run_hour: int = DEFAULT_RUN_HOUR) -> dg.ScheduleDefinition:
    """The monthly schedule ticking daily at ``run_hour`` WITA."""

    @dg.schedule(
        name="laporan_bulanan_terjadwal",
        cron_schedule=f"0 {int(run_hour)} * * *",
        execution_timezone=TIMEZONE,
        job=laporan_job,
        default_status=dg.DefaultScheduleStatus.RUNNING,
        description=(
            f"Setiap hari {int(run_hour):02d}:00 WITA memeriksa apakah kemarin batas pengumpulan; jika ya, "
            "membuat laporan bulan sebelumnya."
        ),
    )
    def laporan_bulanan_terjadwal(context: dg.ScheduleEvaluationContext, lkjip: LkjipConfig):
        moment = context.scheduled_execution_time or datetime.now(WITA)
        from pipeline.intake.pemda import pemda_layout

        layout = pemda_layout(lkjip.inputs)
        if layout is not None:  # a whole Pemda: one run per OPD-month, each OPD with its own deadline day
            return _pemda_requests(context, lkjip, moment, layout)
        _ensure_offices(context, [SINGLE_OFFICE])
        return scheduled_request(moment, lkjip.effective_deadline_day())

    return laporan_bulanan_terjadwal


def scheduled_request(moment: datetime, day: int, opd: str | None = None) -> dg.RunRequest | dg.SkipReason:
    """What the schedule asks for at ``moment`` (read in WITA) when files are due on ``day``: the run of
    the period whose deadline was yesterday (of the OPD ``opd`` in a Pemda; tagged ``lkjip/triwulan`` at a
    quarter's end), else a skip."""
    moment = moment.replace(tzinfo=WITA) if moment.tzinfo is None else moment.astimezone(WITA)
    period = period_due(moment.date(), day)
    if period is None:
        return dg.SkipReason(
            f"{moment:%Y-%m-%d} bukan hari setelah batas pengumpulan (tanggal {day})"
        )
    if opd is None:
        return dg.RunRequest(run_key=f"jadwal-{period}", partition_key=partition_key_for(period),
                             tags=_tags(period, day))
    return dg.RunRequest(run_key=f"jadwal-{period}-{opd}", partition_key=partition_key_for(period, opd),
                         tags=_tags(period, day, opd))


def _tags(period: str, day: int, opd: str | None = None) -> dict[str, str]:
    tags = {"lkjip/pemicu": "jadwal", "lkjip/periode": period, "lkjip/batas-pengumpulan": str(day)}
    if opd is not None:
        tags["lkjip/opd"] = opd
    due = periods.Period.parse(period)
    if due.quarter_end() == due:  # the run that gives the quarter's Tabel E.81 (evaluasi-renja-<period>.xlsx)
        tags["lkjip/triwulan"] = TRIWULAN_LABELS[due.quarter - 1]
    return tags


def _ensure_offices(context, opds: list[str]) -> None:
    """The OPD keys the runs need, in the instance (a context built without one, in a test, has none)."""
    try:
        instance = context.instance
    except dg.DagsterInvariantViolationError:
        return
    partitions.ensure_offices(instance, opds)


def _pemda_requests(context, lkjip: LkjipConfig, moment: datetime, layout):
    """Every OPD whose deadline day (its referensi's, else the settings') was yesterday: its run."""
    from pipeline.intake.referensi import deadline_day_in_effect

    requests, skipped = [], []
    _ensure_offices(context, list(layout.opds))
    for opd in layout.opds:
        day = deadline_day_in_effect(layout.root / opd, lkjip.settings)
        request = scheduled_request(moment, day, opd)
        if isinstance(request, dg.SkipReason):
            skipped.append(f"{opd} (tanggal {day})")
        else:
            requests.append(request)
    return requests or dg.SkipReason(f"{moment:%Y-%m-%d} bukan hari setelah batas pengumpulan OPD mana pun: "
                                     + ", ".join(skipped))


laporan_bulanan_terjadwal = make_schedule()


@dg.definitions
def schedules() -> dg.Definitions:
    """What the code location loads: the schedule at the configured run hour."""
    return dg.Definitions(schedules=[make_schedule(settings.resolve().run_hour)])
