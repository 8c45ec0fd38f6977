"""``lkjip serve`` owns its children: after ``kill -9`` of the serve process none of them (nor their
children) keeps running, and a restart on the same ports works.  The Dagster processes are replaced
by small stand-ins (each with a grandchild) so the test is fast; the real one is marked ``server``."""

import json
import os
import signal
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from _ports import free_ports

PROJECT = Path(__file__).resolve().parents[2]

STAND_IN = textwrap.dedent(
    """
    import json, os, signal, subprocess, sys, time
    from pathlib import Path
    name, report = sys.argv[1], Path(sys.argv[2])
    signal.signal(signal.SIGTERM, signal.SIG_IGN) if name == "stubborn" else None
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    info = dict(pid=os.getpid(), grandchild=grandchild.pid)
    (report / (name + ".tmp")).write_text(json.dumps(info))
    os.replace(report / (name + ".tmp"), report / (name + ".json"))
    time.sleep(300)
    """
)

RUNNER = textwrap.dedent(
    """
    import sys
    import pipeline.web.serve as s
    stand_in, report, port, dport, inputs, outputs = sys.argv[1:7]
    s.child_commands = lambda host, dagster_port: {
        name: [sys.executable, stand_in, name, report] for name in ("webserver", "stubborn")
    }
    s.serve(host="127.0.0.1", port=int(port), dagster_port=int(dport), inputs=inputs, outputs=outputs)
    """
)


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def _wait(predicate, what, timeout=60):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


def _page_up(port):
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            return r.status == 200
    except OSError:
        return False


def _start(tmp_path, report, port, dport):
    stand_in = tmp_path / "stand_in.py"
    stand_in.write_text(STAND_IN)
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster-home"), "PYTHONPATH": str(PROJECT),
           "LKJIP_INSTANCE": str(tmp_path / "instance")}
    return subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(stand_in), str(report), str(port), str(dport), str(tmp_path / "masuk"),
         str(tmp_path / "keluar")], cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc, prctl and POSIX signals")
def test_kill_9_of_serve_leaves_no_child_and_a_restart_works(tmp_path):
    report = tmp_path / "report"
    report.mkdir()
    port, dport = free_ports()
    proc = _start(tmp_path, report, port, dport)
    again = None
    try:
        names = ("webserver", "stubborn")
        _wait(lambda: all((report / f"{n}.json").exists() for n in names), "children")
        _wait(lambda: _page_up(port), "the page")
        infos = [json.loads((report / f"{n}.json").read_text()) for n in names]
        record = json.loads((tmp_path / "instance" / "serve.json").read_text())
        assert record["pid"] == proc.pid and sorted(record["groups"]) == sorted(i["pid"] for i in infos)

        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        for info in infos:  # the stubborn one ignores SIGTERM: the watchdog's SIGKILL ends it
            _wait(lambda: not _alive(info["pid"]), "child to stop", timeout=40)
            _wait(lambda: not _alive(info["grandchild"]), "grandchild to stop", timeout=40)

        for n in names:
            (report / f"{n}.json").unlink()
        again = _start(tmp_path, report, port, dport)
        _wait(lambda: _page_up(port), "the page after a restart")
        assert again.poll() is None
    finally:
        for p in (proc, again):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=40)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()


@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc and POSIX signals")
def test_a_stale_group_of_our_own_is_reclaimed(tmp_path):
    from pipeline.web.serve import SERVE_RECORD, reclaim_stale, write_serve_record

    holder = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"], start_new_session=True)
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    try:
        path = tmp_path / SERVE_RECORD
        write_serve_record(path, [holder.pid])
        data = json.loads(path.read_text())
        data["pid"] = gone.pid  # the serve that wrote it is gone
        data["dibuat"] = time.time()
        path.write_text(json.dumps(data))
        assert reclaim_stale(path) == [holder.pid]
        holder.wait(timeout=15)
        assert not path.exists()

        # a record of a serve still running is left alone
        write_serve_record(path, [os.getpid()])
        assert reclaim_stale(path) == [] and path.exists()
    finally:
        if holder.poll() is None:
            holder.kill()
            holder.wait()


HELPER_PARENT = textwrap.dedent(
    """
    import sys, time
    from pipeline.report import document_worker
    document_worker.start()
    print(document_worker._worker.pid, flush=True)
    time.sleep(300)
    """
)


@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc and prctl")
def test_the_document_helper_of_lkjip_run_dies_with_it():
    proc = subprocess.Popen([sys.executable, "-c", HELPER_PARENT], cwd=PROJECT, stdout=subprocess.PIPE,
                            env={**os.environ, "PYTHONPATH": str(PROJECT)})
    try:
        helper = int(proc.stdout.readline())
        assert _alive(helper)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        _wait(lambda: not _alive(helper), "the helper to stop", timeout=1.5)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()


def _descendants(pid: int) -> set[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    found, todo = set(), [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            if child not in found:
                found.add(child)
                todo.append(child)
    return found


def _listening(port):
    import socket

    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.mark.server
@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc, prctl and POSIX signals")
def test_real_lkjip_serve_kill_9_leaves_no_dagster_process_and_restarts(tmp_path):
    lkjip = Path(sys.executable).with_name("lkjip")
    port, dport = free_ports()
    env = {**os.environ, "DAGSTER_HOME": str(tmp_path / "dagster-home"), "LKJIP_INSTANCE": str(tmp_path / "instance")}
    args = [str(lkjip), "serve", "--port", str(port), "--dagster-port", str(dport), "--inputs", str(tmp_path / "in"),
            "--outputs", str(tmp_path / "out")]
    proc = subprocess.Popen(args, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    again = None
    try:
        _wait(lambda: _page_up(port) and _listening(dport), "the page and the Dagster UI", timeout=240)
        family = _descendants(proc.pid)
        assert len(family) >= 3  # webserver, daemon, watchdog (and their code servers)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)
        _wait(lambda: not any(_alive(p) for p in family), "every child of lkjip serve to stop", timeout=60)
        assert not _listening(dport)

        again = subprocess.Popen(args, cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _wait(lambda: _page_up(port) and _listening(dport), "the restarted page and Dagster UI", timeout=240)
        assert again.poll() is None
    finally:
        for p in (proc, again):
            if p is not None and p.poll() is None:
                p.send_signal(signal.SIGTERM)
                try:
                    p.wait(timeout=60)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()
