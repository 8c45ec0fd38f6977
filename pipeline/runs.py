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

import contextlib
import functools
import logging
import os
import re
import socket
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
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


@dataclass
class RunOutcome:
    """What ``lkjip run`` made: the workbooks written (of a Pemda: each OPD's, then the rekap) and how
    many OPD could not be made (always 0 for a single office, which raises :class:`RunError` instead)."""

    written: list[Path] = field(default_factory=list)
    failed: int = 0


def run_report(inputs: Path, outputs: Path, period: str | None,
               warn: Callable[[str], None] = _ignore) -> RunOutcome:
    """Materialise every asset of the report for one period (default: the latest month with a
    realisation file): of a single office, or of every OPD of a Pemda and then Bappeda's rekap.
    Raises :class:`RunError` when no workbook could be made.  ``warn`` gets the lines worth telling
    that do not stop the run."""
    from pipeline.intake.pemda import pemda_layout
    from pipeline.intake.safety import remembered_verdicts
    from pipeline.intake.workbook import prefetched_inputs
    from pipeline.report import document_worker

    inputs, outputs = Path(inputs).resolve(), Path(outputs).resolve()
    if not inputs.is_dir():
        raise RunError(f"folder masukan tidak ditemukan: {inputs}", code=2)
    layout = pemda_layout(inputs)
    if layout is not None:  # a whole Pemda: every OPD's month (the cores busy with OPD), then the rekap
        with remembered_verdicts():
            return _run_pemda(layout, outputs, period, warn)
    document_worker.start()  # loads the document's libraries on the other core while Dagster starts
    try:
        # each file is inspected (hashed, scanned) once per run; the workbooks are read while Dagster starts
        with remembered_verdicts(), prefetched_inputs(inputs, twice=period is None):
            return RunOutcome([_run(inputs, outputs, period, warn)])
    finally:
        document_worker.stop()


def run_instance(warn: Callable[[str], None] = _ignore):
    """The persistent instance (after reaping runs whose process is gone), or an
    ephemeral one with a one-line warning when DAGSTER_HOME cannot be used: for
    ``lkjip run`` the instance only keeps run history."""
    import dagster as dg

    from pipeline import settings
    from pipeline.dagster_home import DagsterHomeError, ensure_dagster_home, open_instance

    try:
        ensure_dagster_home(settings.PROJECT_ROOT)
        instance = open_instance()
    except DagsterHomeError as exc:
        warn(f"peringatan: {exc}; run ini memakai instance Dagster sementara (riwayat run tidak disimpan)")
        return dg.DagsterInstance.ephemeral()
    # This process executes its runs itself (a Pemda's worker: twenty OPD-months in a row), so it holds
    # one open connection per storage, as Dagster's webserver does, instead of opening a new one for
    # each query or transaction (~340 per OPD-month): PostgreSQL storage (deploy/dagster.yaml); SQLite's
    # storages ignore it.
    instance.optimize_for_webserver(statement_timeout=0, pool_recycle=3600, max_overflow=2)
    with contextlib.suppress(Exception):  # checking old runs must never stop this one
        reap_dead_runs(instance)
    _remember_dynamic_partitions(instance)
    return instance


def _remember_dynamic_partitions(instance) -> None:
    """Keep, for this process, every OPD partition key the storage has confirmed.

    A run asks the storage whether its OPD partition exists once or twice for every input of every
    step (about 250 queries per OPD-month, a fifth of Dagster's share of the run on SQLite), through
    ``instance.has_dynamic_partition``; Dagster's own ``CachingDynamicPartitionsLoader`` is not used
    by a run's context.  lkjip never deletes an OPD partition, so only "yes" is kept."""
    ask, known = instance.has_dynamic_partition, set()

    def has_dynamic_partition(partitions_def_name: str, partition_key: str) -> bool:
        if (partitions_def_name, partition_key) in known:
            return True
        found = ask(partitions_def_name, partition_key)
        if found:
            known.add((partitions_def_name, partition_key))
        return found

    instance.has_dynamic_partition = has_dynamic_partition


def _writable_outputs(outputs: Path) -> None:
    from pipeline.intake.safety import assert_openpyxl_uses_defusedxml
    from pipeline.oserrors import describe, writable_folder

    assert_openpyxl_uses_defusedxml()
    unwritable = writable_folder(outputs)
    if unwritable is not None:
        raise RunError(describe("folder keluaran", outputs, unwritable))


def _default_period(found: list[str | None], warn: Callable[[str], None]) -> str:
    """The latest month with a realisation file, else the month before now (said so)."""
    found = [p for p in found if p]
    if found:
        return max(found)
    from datetime import datetime

    from pipeline.domain.periods import reporting_period

    period = str(reporting_period(datetime.now().astimezone()))
    warn(f"tidak ada berkas realisasi; periode {period} dipakai")
    return period


def _run(inputs: Path, outputs: Path, period: str | None, warn: Callable[[str], None]) -> Path:
    from pipeline import settings
    from pipeline.defs.partitions import SINGLE_OFFICE, ensure_offices, partition_key, report_partitions
    from pipeline.intake.realisasi import latest_period
    from pipeline.oserrors import describe, writable_folder

    _writable_outputs(outputs)
    instance = run_instance(warn)
    period = period or _default_period([latest_period(inputs)], warn)

    folder = settings.report_path(outputs, period).parent
    if folder.exists():  # the month's folder may be read-only, or full, while outputs/ is not
        unwritable = writable_folder(folder)
        if unwritable is not None:
            raise RunError(f"laporan {period} tidak dapat dibuat: {describe('folder', folder, unwritable)}")

    ensure_offices(instance, [SINGLE_OFFICE])
    result = materialize_partition(instance, report_partitions, partition_key(period), inputs, outputs)
    path = settings.report_path(outputs, period)
    if result.success and path.exists():
        return path
    raise RunError(f"laporan {period} tidak dapat dibuat: {failure_reason(result)}")


def materialize_partition(instance, partitions_def, key, inputs: Path, outputs: Path, tags: dict | None = None):
    """Materialise every asset of ``partitions_def`` (an OPD-month's report, or the Pemda's rekap) for ``key``."""
    import dagster as dg

    from pipeline.defs.resources import LkjipConfig

    assets = _assets()
    return dg.materialize(
        assets,
        selection=[k for a in assets if a.partitions_def == partitions_def for k in a.keys],
        partition_key=key,
        resources={"lkjip": LkjipConfig.from_environment(inputs_dir=str(inputs), outputs_dir=str(outputs))},
        instance=instance,
        # the reason of a failure is told in one line; Dagster's own log goes to its event log
        run_config={"loggers": {"console": {"config": {"log_level": "CRITICAL"}}}},
        raise_on_error=False,
        tags={"lkjip/sumber": "cli", **(tags or {}), **process_tags()},
    )


# A worker process runs this many OPD-months, then a fresh one takes over (what a run leaves behind in
# memory never piles up; a worker levels off near 350 MB).  Each new worker costs about 3 s of imports.
OPD_PER_WORKER = 20


@functools.cache
def _assets() -> list:
    """Every asset of the code location, loaded once per process (a Pemda's worker runs many OPD-months)."""
    from pipeline.definitions import defs

    return list(defs().assets or [])


def _opd_month(job: tuple, instance=None) -> str | None:
    """One OPD's month as its own run (in a worker process of ``_run_pemda`` when ``instance`` is None):
    None when its workbook was written, else why not (one line)."""
    from pipeline import settings
    from pipeline.defs.partitions import partition_key, report_partitions
    from pipeline.intake.safety import remembered_verdicts
    from pipeline.intake.workbook import prefetched_inputs

    inputs, outputs, period, opd = job
    instance = instance or run_instance()
    try:
        with remembered_verdicts(), prefetched_inputs(inputs / opd):
            result = materialize_partition(instance, report_partitions, partition_key(period, opd), inputs, outputs,
                                           {"lkjip/opd": opd})
    except Exception as exc:  # noqa: BLE001 - one OPD never stops the others
        return f"{type(exc).__name__}: {exc}"
    if result.success and settings.report_path(outputs / opd, period).exists():
        return None
    return failure_reason(result)


def _run_pemda(layout, outputs: Path, period: str | None, warn: Callable[[str], None]) -> RunOutcome:
    """Every OPD's month, each its own run (one OPD's failure never stops the others), then Bappeda's rekap."""
    from pipeline import settings
    from pipeline.defs.partitions import ensure_offices, monthly_partitions
    from pipeline.domain.periods import partition_key as month_key
    from pipeline.report.pemda import REKAP_NAME

    _writable_outputs(outputs)
    inputs = layout.root
    period = period or _default_period(_latest_periods(inputs, list(layout.opds)), warn)
    instance = run_instance(warn)
    ensure_offices(instance, list(layout.opds))
    outcome = RunOutcome()
    for opd in layout.without_referensi:
        outcome.failed += 1
        warn(f"OPD {opd}: folder tanpa referensi/, tidak diolah")
    workers = min(os.cpu_count() or 1, len(layout.opds))
    # the largest drop folders first, so that no large OPD-month is left running alone at the end
    opds = sorted(layout.opds, key=lambda opd: -_folder_bytes(inputs / opd))
    jobs = [(inputs, outputs, period, opd) for opd in opds]
    if workers > 1 and not instance.is_ephemeral:  # each OPD-month its own run, as many at once as cores
        # fresh workers after OPD_PER_WORKER runs each: a new pool per batch (ProcessPoolExecutor's own
        # max_tasks_per_child hangs on Python 3.11 once the first workers retire, CPython gh-115634)
        batch = workers * OPD_PER_WORKER
        reasons = []
        for start in range(0, len(jobs), batch):
            with _spawned_pool(workers) as pool:
                reasons += pool.map(_opd_month, jobs[start:start + batch])
    else:
        reasons = [_opd_month(job, instance) for job in jobs]
    reason_of = dict(zip(opds, reasons, strict=True))
    for opd in layout.opds:
        reason = reason_of[opd]
        if reason is None:
            outcome.written.append(settings.report_path(outputs / opd, period))
        else:
            outcome.failed += 1
            warn(f"OPD {opd}: laporan {period} tidak dapat dibuat: {reason}")
    rekap = materialize_partition(instance, monthly_partitions, month_key(period), inputs, outputs,
                                  {"lkjip/opd": "pemda"})
    path = outputs / "pemda" / period / REKAP_NAME.format(period=period)
    if not (rekap.success and path.exists()):
        raise RunError(f"rekap Pemda {period} tidak dapat dibuat: {failure_reason(rekap)}")
    outcome.written.append(path)
    return outcome


def _latest_periods(inputs: Path, opds: list[str]) -> list[str | None]:
    """Each OPD's latest month with a realisation file, the OPD side by side in as many processes as
    cores (every realisation file is read for its title block: about a second per OPD)."""
    from pipeline.intake.realisasi import latest_period

    folders = [inputs / opd for opd in opds]
    workers = min(os.cpu_count() or 1, len(folders))
    if workers < 2:
        return [latest_period(folder) for folder in folders]
    with _spawned_pool(workers) as pool:
        return list(pool.map(latest_period, folders))


def _spawned_pool(workers: int):
    """Worker processes started afresh (spawn: nothing of this process's threads or connections)."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    return ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))


def _folder_bytes(folder: Path) -> int:
    """The size of the files under ``folder`` (what an OPD-month has to read), 0 when it cannot be told."""
    total = 0
    for root, _dirs, files in os.walk(folder):
        for name in files:
            with contextlib.suppress(OSError):
                total += os.stat(os.path.join(root, name)).st_size
    return total


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
