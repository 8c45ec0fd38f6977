"""``serve()``: children get the chosen folders and DAGSTER_HOME, and are
stopped (with their own children) when the page stops on SIGTERM/SIGINT.
The Dagster processes are replaced by small stand-ins so the test is fast."""

import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest

from pipeline.web.serve import child_commands, dagster_link

PROJECT = Path(__file__).resolve().parents[2]


def test_child_commands():
    cmds = child_commands("127.0.0.1", 3123)
    web, daemon = cmds["dagster-webserver"], cmds["dagster-daemon"]
    assert web[-6:] == ["-m", "pipeline.definitions", "-h", "127.0.0.1", "-p", "3123"]
    assert "webserver" in " ".join(web[:3])
    assert daemon[-3:] == ["run", "-m", "pipeline.definitions"]
    assert "daemon" in " ".join(daemon[:3])


def test_dagster_link():
    assert dagster_link("127.0.0.1", 3000) == "http://127.0.0.1:3000"
    assert dagster_link("0.0.0.0", 3001) == "http://{host}:3001"
    assert dagster_link("::1", 3000) == "http://[::1]:3000"


STAND_IN = textwrap.dedent(
    """
    import json, os, subprocess, sys, time
    from pathlib import Path
    name, report = sys.argv[1], Path(sys.argv[2])
    grandchild = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(300)"])
    info = {k: os.environ.get(k) for k in ("DAGSTER_HOME", "LKJIP_INPUTS", "LKJIP_OUTPUTS")}
    info.update(pid=os.getpid(), grandchild=grandchild.pid, argv=sys.argv[1:])
    (report / (name + ".tmp")).write_text(json.dumps(info))
    os.replace(report / (name + ".tmp"), report / (name + ".json"))
    time.sleep(300)
    """
)

RUNNER = textwrap.dedent(
    """
    import sys
    import pipeline.web.serve as s
    stand_in, report, port, inputs, outputs = sys.argv[1:6]
    s.child_commands = lambda host, dagster_port: {
        name: [sys.executable, stand_in, name, report] for name in ("webserver", "daemon")
    }
    s.serve(host="127.0.0.1", port=int(port), dagster_port=3999, inputs=inputs, outputs=outputs)
    """
)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError, IndexError):
        return False
    return state not in ("Z", "X")


def _wait(predicate, what, timeout=40):
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.1)


@pytest.mark.skipif(sys.platform != "linux", reason="uses /proc and POSIX signals")
@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_serve_runs_children_and_stops_them(tmp_path, sig):
    stand_in = tmp_path / "stand_in.py"
    stand_in.write_text(STAND_IN)
    report = tmp_path / "report"
    report.mkdir()
    inputs, outputs, home = tmp_path / "masuk", tmp_path / "keluar", tmp_path / "dagster-home"
    port = _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "PYTHONPATH": str(PROJECT)}
    proc = subprocess.Popen(
        [sys.executable, "-c", RUNNER, str(stand_in), str(report), str(port), str(inputs), str(outputs)],
        cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        names = ("webserver", "daemon")
        _wait(lambda: all((report / f"{n}.json").exists() for n in names), "children")

        def page_up():
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
                    return r.status == 200 and "Belum ada laporan" in r.read().decode()
            except OSError:
                return False

        _wait(page_up, "the page")
        infos = [json.loads((report / f"{n}.json").read_text()) for n in names]
        for info in infos:
            assert info["LKJIP_INPUTS"] == str(inputs.resolve())
            assert info["LKJIP_OUTPUTS"] == str(outputs.resolve())
            assert info["DAGSTER_HOME"] == str(home.resolve())
        assert (home / "dagster.yaml").exists() and inputs.is_dir() and outputs.is_dir()

        proc.send_signal(sig)
        assert proc.wait(timeout=60) in (0, 1, -sig, 128 + sig, 130)
        for info in infos:
            _wait(lambda: not _alive(info["pid"]), "child to stop", timeout=30)
            _wait(lambda: not _alive(info["grandchild"]), "grandchild to stop", timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
