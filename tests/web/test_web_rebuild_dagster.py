"""The planner's rebuild button against a real ``lkjip serve`` (Dagster webserver + daemon):
the page submits ``laporan_bulanan`` for the month through the webserver's GraphQL API,
the daemon launches it from the queue, and the run writes the month's workbook."""

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from test_web_browser import _free_port

PROJECT = Path(__file__).resolve().parents[2]
LKJIP = Path(sys.executable).with_name("lkjip")


def _wait(predicate, what, timeout):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(1)


@pytest.mark.server
@pytest.mark.skipif(sys.platform != "linux", reason="POSIX process groups")
def test_rebuild_button_launches_the_partition_through_dagster(tmp_path, monkeypatch):
    import dagster as dg

    inputs, outputs, home = tmp_path / "inputs", tmp_path / "outputs", tmp_path / "dagster-home"
    shutil.copytree(PROJECT / "inputs", inputs)
    port, dagster_port = _free_port(), _free_port()
    env = {**os.environ, "DAGSTER_HOME": str(home), "LKJIP_INSTANCE": str(tmp_path / "instance")}
    proc = subprocess.Popen([str(LKJIP), "serve", "--port", str(port), "--dagster-port", str(dagster_port),
                             "--inputs", str(inputs), "--outputs", str(outputs)],
                            cwd=PROJECT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        def up(url):
            try:
                return httpx.get(url, timeout=5).status_code == 200
            except httpx.HTTPError:
                return False

        _wait(lambda: up(f"http://127.0.0.1:{port}/"), "the page", 300)
        _wait(lambda: up(f"http://127.0.0.1:{dagster_port}/server_info"), "the Dagster webserver", 600)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=600) as client:
            def submitted():
                page = client.get("/periode/2024-12")
                token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)
                response = client.post("/periode/2024-12/bangun", data={"csrf_token": token})
                assert response.status_code == 303  # redirect after POST: the answer is on the page it leads to
                answer = client.get(response.headers["location"])
                return answer if "diantrikan" in answer.text else None  # the code location may still be loading

            response = _wait(submitted, "the run to be accepted", 300)
        assert "diantrikan" in response.text
        monkeypatch.setenv("DAGSTER_HOME", str(home))  # dagster.yaml reads its storage folder from it
        instance = dg.DagsterInstance.from_config(str(home))
        try:
            def finished():
                runs = instance.get_runs(dg.RunsFilter(tags={"lkjip/pemicu": "halaman"}))
                return runs and runs[0].status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE,
                                                   dg.DagsterRunStatus.CANCELED) and runs[0]

            run = _wait(finished, "the run to finish", 900)
            assert run.status == dg.DagsterRunStatus.SUCCESS
            assert run.tags["dagster/partition"] == "2024-12|-" and run.job_name == "laporan_bulanan"  # OPD "-": one office
        finally:
            instance.dispose()
        assert (outputs / "2024-12" / "laporan-kinerja-2024-12.xlsx").is_file()
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=120)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait()
