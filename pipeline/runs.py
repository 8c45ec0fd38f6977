"""Runs whose process is gone are marked failed, so they never block the next one.

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
import time
from pathlib import Path

HOST_TAG = "lkjip/host"
PID_TAG = "lkjip/pid"
REAP_INTERVAL_SECONDS = 20
_STARTED = re.compile(r"^Started process for run \(pid: (\d+)\)")
_LOCAL = {"localhost", "127.0.0.1", "::1", ""}

log = logging.getLogger("lkjip.runs")


PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = 15, parent: int | None = None) -> None:
    """In a child between fork and exec (``preexec_fn``): ask the kernel for ``sig`` when the parent
    (``parent``, default the current parent) dies (Linux ``PR_SET_PDEATHSIG``); if it already died, now."""
    import contextlib
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid() if parent is None else parent
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), sig)


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


def wait_for(predicate, timeout: float, step: float = 0.5) -> bool:
    """Poll ``predicate`` until true or ``timeout`` seconds (for callers and tests)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(step)
    return bool(predicate())
