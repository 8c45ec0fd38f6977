"""Each month's last run, as the planner's page shows it, and whether one is already waiting.

Read from the Dagster instance of ``DAGSTER_HOME`` (the one ``lkjip serve``
uses): the newest run tagged with the month's partition.  Its state in
Indonesian (``berjalan``, ``menunggu antrean``, ``berhasil``, ``gagal``) and,
for a failed run, the reason: the first error message of its event log
(lkjip's own failures are Indonesian already; Dagster's are prefixed with an
Indonesian sentence).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

PARTITION_TAG = "dagster/partition"

LABELS = {
    "QUEUED": "menunggu antrean", "NOT_STARTED": "menunggu antrean", "STARTING": "berjalan",
    "STARTED": "berjalan", "SUCCESS": "berhasil", "FAILURE": "gagal", "CANCELING": "dibatalkan",
    "CANCELED": "dibatalkan", "MANAGED": "berjalan",
}
WAITING = {"QUEUED", "NOT_STARTED", "STARTING", "STARTED", "MANAGED", "CANCELING"}


@dataclass(frozen=True)
class RunInfo:
    run_id: str
    status: str  # Dagster's DagsterRunStatus name
    label: str  # Indonesian
    reason: str = ""
    when: datetime | None = None

    @property
    def waiting(self) -> bool:
        return self.status in WAITING


def _is_own(text: str) -> bool:
    lowered = str(text or "").lower()
    return any(word in lowered for word in ("berkas", "tidak ", "gagal", "proses run", "dihentikan"))


def failure_reason(messages: list[str]) -> str:
    """One Indonesian line from a failed run's error messages."""
    for text in messages:
        first = next((line.strip() for line in str(text or "").splitlines() if line.strip()), "")
        if not first:
            continue
        lowered = first.lower()
        if _is_own(first):
            return first[:300]  # lkjip's own reason
        if "killed" in lowered or "terminated" in lowered or "exited" in lowered:
            return f"Proses run berhenti mendadak ({first[:200]})"
        return f"Run gagal: {first[:250]}"
    return "Run gagal; rinciannya ada di Dagster (hanya di komputer server)."


class DagsterRuns:
    """``runs(period) -> RunInfo | None`` over the instance of DAGSTER_HOME (None without one)."""

    def __init__(self, instance=None):
        self._instance = instance

    def _get(self):
        if self._instance is None:
            import os

            if not os.environ.get("DAGSTER_HOME"):
                return None
            import dagster as dg

            self._instance = dg.DagsterInstance.get()
        return self._instance

    def __call__(self, period: str) -> RunInfo | None:
        try:
            instance = self._get()
            if instance is None:
                return None
            import dagster as dg

            found = instance.get_runs(filters=dg.RunsFilter(tags={PARTITION_TAG: period}), limit=1)
            if not found:
                return None
            run = found[0]
            status = run.status.value
            reason = ""
            if status == "FAILURE":
                records = instance.get_records_for_run(
                    run.run_id, of_type={dg.DagsterEventType.RUN_FAILURE, dg.DagsterEventType.STEP_FAILURE,
                                         dg.DagsterEventType.ENGINE_EVENT}).records
                step_errors, run_messages = [], []
                for record in records:
                    entry = record.event_log_entry
                    event = entry.dagster_event
                    if event is None:
                        continue
                    error = getattr(getattr(event, "event_specific_data", None), "error", None)
                    if error is not None and getattr(error, "message", ""):
                        step_errors.append(error.message)
                    elif event.event_type == dg.DagsterEventType.RUN_FAILURE:
                        run_messages.append(entry.message or event.message or "")
                # lkjip's own reason (Indonesian) first, then the step's error, then Dagster's summary
                own = [m for m in run_messages if _is_own(m)]
                reason = failure_reason(own + step_errors + run_messages)
            stats = instance.get_run_stats(run.run_id)
            stamp = stats.end_time or stats.start_time or stats.launch_time or stats.enqueued_time
            when = datetime.fromtimestamp(stamp, timezone.utc) if stamp else None
            return RunInfo(run.run_id, status, LABELS.get(status, status.lower()), reason, when)
        except Exception:  # noqa: BLE001 - the page shows without the run's state
            return None
