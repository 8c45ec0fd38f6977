"""Runs killed with kill -9 never stay STARTED and never block the next run of their month."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path

import dagster as dg
import pytest

from pipeline.runs import HOST_TAG, PID_TAG, process_alive, reap_dead_runs, this_host
from pipeline.settings import PROJECT_ROOT
from _ports import port_args as _port_args

SAMPLE_INPUTS = PROJECT_ROOT / "inputs"
LKJIP = Path(sys.executable).with_name("lkjip")


def _dead_pid() -> int:
    proc = subprocess.Popen(["true"])
    proc.wait()
    return proc.pid


def _add_run(instance, status, tags, partition="2024-12-01") -> str:
    run_id = str(uuid.uuid4())
    instance.add_run(dg.DagsterRun(job_name="laporan_bulanan", run_id=run_id, status=status,
                                   tags={"dagster/partition": partition, **tags}))
    return run_id


def _run_start(run_id):
    from dagster._core.events import DagsterEvent
    from dagster._core.events.log import EventLogEntry

    event = DagsterEvent(event_type_value=dg.DagsterEventType.RUN_START.value, job_name="laporan_bulanan")
    return EventLogEntry(error_info=None, level="DEBUG", user_message="", run_id=run_id, timestamp=time.time(),
                         dagster_event=event)


def _status(instance, run_id):
    return instance.get_run_by_id(run_id).status


@pytest.fixture
def home(tmp_path, monkeypatch):
    from pipeline.dagster_home import ensure_dagster_home

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))
    ensure_dagster_home(PROJECT_ROOT)
    return tmp_path / "home"


def test_only_runs_whose_process_is_gone_are_marked_failed(home):
    instance = dg.DagsterInstance.get()
    S = dg.DagsterRunStatus
    dead = _add_run(instance, S.STARTED, {HOST_TAG: this_host(), PID_TAG: str(_dead_pid())})
    alive = _add_run(instance, S.STARTED, {HOST_TAG: this_host(), PID_TAG: str(os.getpid())})
    elsewhere = _add_run(instance, S.STARTED, {HOST_TAG: "server-lain", PID_TAG: str(_dead_pid())})
    finished = _add_run(instance, S.SUCCESS, {HOST_TAG: this_host(), PID_TAG: str(_dead_pid())})
    unknown = _add_run(instance, S.STARTED, {})  # no pid known: left to Dagster's run monitoring
    # a pid taken again by a process started after the run began is not the run's process
    reused = _add_run(instance, S.STARTED, {HOST_TAG: this_host()})
    instance.handle_new_event(_run_start(reused))  # records the run's start time
    time.sleep(4)  # more than the 2 s the boot-time arithmetic is allowed
    newer = subprocess.Popen(["sleep", "120"])
    # a run still STARTING (its start not recorded yet) whose process started after it was created
    starting = _add_run(instance, S.STARTING, {HOST_TAG: this_host()})
    try:
        time.sleep(1.5)
        instance.add_run_tags(reused, {PID_TAG: str(newer.pid)})
        instance.add_run_tags(starting, {PID_TAG: str(newer.pid)})
        assert process_alive(newer.pid) and not process_alive(_dead_pid())
        assert sorted(reap_dead_runs(instance)) == sorted([dead, reused])
    finally:
        newer.kill()
        newer.wait()
    assert _status(instance, dead) == S.FAILURE and _status(instance, reused) == S.FAILURE
    for run_id in (alive, elsewhere, unknown):
        assert _status(instance, run_id) == S.STARTED
    assert _status(instance, starting) == S.STARTING
    assert _status(instance, finished) == S.SUCCESS
    failure = instance.all_logs(dead, of_type=dg.DagsterEventType.RUN_FAILURE)
    assert failure and "kill -9" in failure[0].message
    assert reap_dead_runs(instance) == [starting]  # its process is gone now too
    assert _status(instance, starting) == S.FAILURE
    assert reap_dead_runs(instance) == []  # once only


def _wait(predicate, what, timeout=900, step=1.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"waited {timeout}s for {what}")


def _runs(instance, **tags):
    return instance.get_runs(filters=dg.RunsFilter(tags=tags))


@pytest.mark.slow  # a run killed part way, then a whole second run, both as processes
def test_lkjip_run_killed_with_kill_9_does_not_block_the_next(home, tmp_path):
    instance = dg.DagsterInstance.get()
    env = dict(os.environ, DAGSTER_HOME=str(home))
    args = [str(LKJIP), "run", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(tmp_path / "out"), "--period", "2024-12"]
    first = subprocess.Popen(args, env=env, start_new_session=True, stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
    try:
        started = _wait(lambda: [r for r in _runs(instance, **{"lkjip/sumber": "cli"})
                                 if r.status == dg.DagsterRunStatus.STARTED], "the first run to start")
    finally:
        os.killpg(first.pid, signal.SIGKILL)
        first.wait()
    killed = started[0].run_id
    time.sleep(2)
    assert _status(instance, killed) == dg.DagsterRunStatus.STARTED  # what Dagster alone leaves behind
    second = subprocess.run(args, env=env, capture_output=True, text=True, timeout=900)
    assert second.returncode == 0, second.stderr
    assert _status(instance, killed) == dg.DagsterRunStatus.FAILURE
    statuses = sorted(r.status.value for r in _runs(instance, **{"lkjip/sumber": "cli"}))
    assert statuses == ["FAILURE", "SUCCESS"]


def _why(instance, run_id) -> str:
    """The failure messages of a run, for the assertion message."""
    lines = []
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is not None and event.event_type_value in ("STEP_FAILURE", "RUN_FAILURE", "ENGINE_EVENT"):
            lines.append(f"{event.event_type_value}: {(entry.message or '')[:400]}")
            if event.event_type_value == "STEP_FAILURE" and event.step_failure_data.error:
                lines.append(event.step_failure_data.error.to_string()[-1500:])
    return "\n".join(lines)


def _worker_pid(instance, run_id) -> int | None:
    from pipeline.runs import run_process

    run = instance.get_run_by_id(run_id)
    return run_process(instance, run)[1] if run else None


@pytest.mark.server
def test_a_killed_sensor_run_is_marked_failed_and_the_next_sensor_run_of_its_month_succeeds(home, tmp_path):
    """The server's start-up check fails a run left STARTED by a killed process; a
    sensor run killed with kill -9 while the server runs is failed by the periodic
    check, and the next sensor run of the same month is not held in the queue."""
    instance = dg.DagsterInstance.get()
    S = dg.DagsterRunStatus
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs, ignore=shutil.ignore_patterns("README.md"))
    # only the December folder has files of its own month; move the loose December files into it
    for path in (inputs / "realisasi").glob("*.xlsx"):
        path.rename(inputs / "realisasi" / "2024-12" / path.name)
    zombie = _add_run(instance, S.STARTED, {HOST_TAG: this_host(), PID_TAG: str(_dead_pid())})
    env = dict(os.environ, DAGSTER_HOME=str(home))
    server = subprocess.Popen(
        [str(LKJIP), "serve", *_port_args(),
         "--inputs", str(inputs), "--outputs", str(tmp_path / "out")],
        env=env, cwd=str(PROJECT_ROOT), start_new_session=True,
        stdout=open(tmp_path / "serve.log", "wb"), stderr=subprocess.STDOUT,
    )
    december = {"lkjip/pemicu": "sensor", "lkjip/periode": "2024-12"}
    try:
        _wait(lambda: _status(instance, zombie) == S.FAILURE, "the start-up check to fail the dead run", 300)
        first = _wait(lambda: [r for r in _runs(instance, **december) if _worker_pid(instance, r.run_id)],
                      "a sensor run of 2024-12 with a worker process")[0]
        pid = _worker_pid(instance, first.run_id)
        os.kill(pid, signal.SIGKILL)
        _wait(lambda: _status(instance, first.run_id) not in (S.STARTED, S.STARTING), "the killed run to end", 300)
        assert _status(instance, first.run_id) == S.FAILURE
        (inputs / "realisasi" / "2024-12" / "catatan.txt").write_text("perbaikan\n")  # a change: a new run
        second = _wait(lambda: [r for r in _runs(instance, **december) if r.run_id != first.run_id],
                       "the next sensor run of 2024-12")[0]
        _wait(lambda: _status(instance, second.run_id) in (S.SUCCESS, S.FAILURE, S.CANCELED),
              "the next sensor run to finish")
        assert _status(instance, second.run_id) == S.SUCCESS, _why(instance, second.run_id)
        assert not [r for r in instance.get_runs() if r.status in (S.STARTED, S.STARTING)
                    and r.run_id in (zombie, first.run_id)]
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()


def test_an_opd_partition_once_confirmed_is_not_asked_of_the_storage_again():
    """lkjip's runs ask the storage once per OPD key and process (a run asks hundreds of times); a key
    the storage does not know is asked again, so an OPD added later is found."""
    from pipeline.runs import _remember_dynamic_partitions

    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("opd", ["01-dinkes"])
    asked = []
    storage_answer = instance.has_dynamic_partition
    instance.has_dynamic_partition = lambda name, key: asked.append(key) or storage_answer(name, key)
    _remember_dynamic_partitions(instance)
    assert [instance.has_dynamic_partition("opd", "01-dinkes") for _ in range(50)] == [True] * 50
    assert asked == ["01-dinkes"]
    assert instance.has_dynamic_partition("opd", "02-dinsos") is False
    instance.add_dynamic_partitions("opd", ["02-dinsos"])
    assert instance.has_dynamic_partition("opd", "02-dinsos") is True
    assert asked == ["01-dinkes", "02-dinsos", "02-dinsos"]
