"""The report's runs: one period's run (:func:`run_report`, what ``lkjip run`` does), and runs
whose process is gone are marked failed, so they never block the next one.

A run killed with ``kill -9`` (or lost with its machine's power) cannot
report its own end: Dagster's storage keeps it ``STARTED`` forever, and the
run queue's limit of one run per month keeps every later run of that month
``QUEUED`` behind it.  Dagster's run monitoring cannot tell for the default
run launcher (it has no worker health check), so lkjip checks itself:

- a run started by ``lkjip run`` carries the tags ``lkjip/host`` and
  ``lkjip/pid``;
- a run launched by the daemon records its worker's pid in its event log
  (``Started process for run (pid: N)``), on this machine (the default run
  launcher's code server is local).

A run of this machine whose process no longer exists (or whose pid now
belongs to a process started after the run) is reported failed, with a
reason, by :func:`reap_dead_runs`.  ``lkjip run`` calls it before it starts,
``lkjip serve`` at start-up and then every :data:`REAP_INTERVAL_SECONDS`.
Runs of other machines (a Docker or Kubernetes run launcher) are left to
those launchers' own monitoring.
"""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
from collections.abc import Callable
from pathlib import Path

HOST_TAG = "lkjip/host"
PID_TAG = "lkjip/pid"
REAP_INTERVAL_SECONDS = 20
_STARTED = re.compile(r"^Started process for run \(pid: (\d+)\)")
_LOCAL = {"localhost", "127.0.0.1", "::1", ""}

log = logging.getLogger("lkjip.runs")


def this_host() -> str:
    return socket.gethostname()


def process_tags() -> dict[str, str]:
    """Tags naming this process, for a run executed in it (``lkjip run``)."""
    return {HOST_TAG: this_host(), PID_TAG: str(os.getpid())}


def _boot_time() -> float | None:
    try:
        for line in Path("/proc/stat").read_text().splitlines():
            if line.startswith("btime "):
                return float(line.split()[1])
    except OSError:
        return None
    return None


def process_alive(pid: int, started_before: float | None = None) -> bool:
    """True when process ``pid`` exists (not a zombie) and, if ``started_before``
    (a Unix time) is given and the system tells, was started before it (a pid
    re-used by a newer process does not count)."""
    stat_file = Path(f"/proc/{pid}/stat")
    if stat_file.parent.parent.is_dir() and Path("/proc/self").exists():
        try:
            fields = stat_file.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            return False
        if fields[0] in ("Z", "X"):
            return False
        boot = _boot_time()
        if started_before is not None and boot is not None:
            started = boot + int(fields[19]) / os.sysconf("SC_CLK_TCK")
            if started > started_before + 2:  # clock-tick rounding
                return False
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def run_process(instance, run) -> tuple[str | None, int | None]:
    """(host, pid) of the process executing ``run``, when known."""
    tags = run.tags or {}
    if PID_TAG in tags:
        try:
            return tags.get(HOST_TAG), int(tags[PID_TAG])
        except ValueError:
            return None, None
    import dagster as dg
    from dagster._core.storage.tags import GRPC_INFO_TAG

    if not isinstance(instance.run_launcher, dg.DefaultRunLauncher):
        return None, None
    grpc_host = ""
    if GRPC_INFO_TAG in tags:
        import json

        try:
            grpc_host = str(json.loads(tags[GRPC_INFO_TAG]).get("host") or "")
        except (ValueError, AttributeError):
            grpc_host = "?"
    host = this_host() if grpc_host in _LOCAL or grpc_host == this_host() else grpc_host
    pid = None
    for entry in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
        match = _STARTED.match(entry.message or "")
        if match:
            pid = int(match.group(1))
    return host, pid


def reap_dead_runs(instance) -> list[str]:
    """Mark failed every in-progress run of this machine whose process is gone; their ids."""
    import dagster as dg

    reaped: list[str] = []
    records = instance.get_run_records(filters=dg.RunsFilter(statuses=[
        dg.DagsterRunStatus.STARTED, dg.DagsterRunStatus.STARTING, dg.DagsterRunStatus.CANCELING]))
    for record in records:
        run = record.dagster_run
        host, pid = run_process(instance, run)
        if pid is None or host != this_host():
            continue
        # A run's process starts before the run does; before the run's start is recorded
        # (STARTING) only whether the process exists is asked.
        if process_alive(pid, record.start_time):
            continue
        fresh = instance.get_run_by_id(run.run_id)
        if fresh is None or fresh.status != run.status:
            continue  # it finished while we looked
        message = (f"Proses run ini (pid {pid}) sudah tidak ada, kemungkinan dihentikan paksa (kill -9) "
                   "atau server mati; run ditandai gagal oleh lkjip agar run berikutnya tidak tertahan.")
        if run.status == dg.DagsterRunStatus.CANCELING:
            instance.report_run_canceled(run, message)
        else:
            instance.report_run_failed(run, message)
        log.warning("run %s (pid %s) sudah tidak berjalan; ditandai gagal", run.run_id, pid)
        reaped.append(run.run_id)
    return reaped


class Reaper:
    """:func:`reap_dead_runs` at start and then every ``interval`` seconds, in a thread."""

    def __init__(self, interval: float = REAP_INTERVAL_SECONDS) -> None:
        self.interval = interval
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="lkjip-reaper", daemon=True)
        self._thread.start()

    def _loop(self) -> None:
        import dagster as dg

        instance = None
        while not self._stop.is_set():
            try:
                instance = instance or dg.DagsterInstance.get()
                reap_dead_runs(instance)
            except Exception:  # noqa: BLE001 - a storage hiccup must not end the server
                log.warning("pemeriksaan run yang mati gagal; dicoba lagi", exc_info=True)
            self._stop.wait(self.interval)

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=10)


# --- one period's run: lkjip run ------------------------------------------------------------


class RunError(Exception):
    """The report of a run could not be made: one Indonesian line, and the command's exit status."""

    def __init__(self, message: str, code: int = 1):
        super().__init__(message)
        self.code = code


def _ignore(message: str) -> None:
    pass


def run_report(inputs: Path, outputs: Path, period: str | None,
               warn: Callable[[str], None] = _ignore) -> Path:
    """Materialise every asset of the report for one period (default: the latest month with a
    realisation file); returns the workbook written, or raises :class:`RunError`.  ``warn`` gets
    the lines worth telling that do not stop the run."""
    from pipeline.intake.safety import remembered_verdicts
    from pipeline.intake.workbook import prefetched_inputs
    from pipeline.report import document_worker

    inputs, outputs = Path(inputs).resolve(), Path(outputs).resolve()
    if not inputs.is_dir():
        raise RunError(f"folder masukan tidak ditemukan: {inputs}", code=2)
    document_worker.start()  # loads the document's libraries on the other core while Dagster starts
    try:
        # each file is inspected (hashed, scanned) once per run; the workbooks are read while Dagster starts
        with remembered_verdicts(), prefetched_inputs(inputs, twice=period is None):
            return _run(inputs, outputs, period, warn)
    finally:
        document_worker.stop()


def run_instance(warn: Callable[[str], None] = _ignore):
    """The persistent instance (after reaping runs whose process is gone), or an
    ephemeral one with a one-line warning when DAGSTER_HOME cannot be used: for
    ``lkjip run`` the instance only keeps run history."""
    import contextlib

    import dagster as dg

    from pipeline import settings
    from pipeline.dagster_home import DagsterHomeError, ensure_dagster_home, open_instance

    try:
        ensure_dagster_home(settings.PROJECT_ROOT)
        instance = open_instance()
    except DagsterHomeError as exc:
        warn(f"peringatan: {exc}; run ini memakai instance Dagster sementara (riwayat run tidak disimpan)")
        return dg.DagsterInstance.ephemeral()
    with contextlib.suppress(Exception):  # checking old runs must never stop this one
        reap_dead_runs(instance)
    return instance


def _run(inputs: Path, outputs: Path, period: str | None, warn: Callable[[str], None]) -> Path:
    from pipeline import settings
    from pipeline.intake.safety import assert_openpyxl_uses_defusedxml
    from pipeline.oserrors import describe, writable_folder

    assert_openpyxl_uses_defusedxml()
    unwritable = writable_folder(outputs)
    if unwritable is not None:
        raise RunError(describe("folder keluaran", outputs, unwritable))
    instance = run_instance(warn)

    import dagster as dg

    from pipeline.defs.resources import LkjipConfig
    from pipeline.definitions import defs as load_defs
    from pipeline.domain.periods import partition_key
    from pipeline.intake.realisasi import latest_period

    period = period or latest_period(inputs)
    if period is None:
        from datetime import datetime

        from pipeline.domain.periods import reporting_period

        period = str(reporting_period(datetime.now().astimezone()))
        warn(f"tidak ada berkas realisasi; periode {period} dipakai")

    folder = settings.report_path(outputs, period).parent
    if folder.exists():  # the month's folder may be read-only, or full, while outputs/ is not
        unwritable = writable_folder(folder)
        if unwritable is not None:
            raise RunError(f"laporan {period} tidak dapat dibuat: {describe('folder', folder, unwritable)}")

    definitions = load_defs()
    result = dg.materialize(
        list(definitions.assets or []),
        partition_key=partition_key(period),
        resources={"lkjip": LkjipConfig.from_environment(inputs_dir=str(inputs), outputs_dir=str(outputs))},
        instance=instance,
        # the reason of a failure is told in one line; Dagster's own log goes to its event log
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        raise_on_error=False,
        tags={"lkjip/sumber": "cli", **process_tags()},
    )
    path = settings.report_path(outputs, period)
    if result.success and path.exists():
        return path
    raise RunError(f"laporan {period} tidak dapat dibuat: {failure_reason(result)}")


_CLASS_PREFIX = re.compile(r"^(?:[A-Za-z_]\w*\.)+[A-Z]\w*: |^[A-Z]\w*(?:Error|Exception): ")


def failure_reason(result) -> str:
    """One line telling why a materialisation failed: the first failed step's error, else a failed check."""
    for event in result.all_events:
        if event.is_step_failure and event.step_failure_data and event.step_failure_data.error:
            error = event.step_failure_data.error
            while error.cause is not None and not error.message.strip():
                error = error.cause
            cause = error.cause or error
            text = (cause.message or error.message).strip().splitlines()
            # "pipeline.oserrors.WriteFailed: laporan ..." -> "laporan ..."
            return _CLASS_PREFIX.sub("", text[-1]) if text else "langkah gagal"
    for event in result.all_events:
        if event.event_type_value == "ASSET_CHECK_EVALUATION":
            data = event.event_specific_data
            if data and not data.passed:
                return f"pemeriksaan {data.check_name} pada {data.asset_key.to_user_string()} gagal"
    return "run Dagster gagal"
