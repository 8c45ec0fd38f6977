"""The production path: run history, event logs and schedule/sensor state in PostgreSQL.

With the shipped ``deploy/dagster.yaml``: ``lkjip run`` and a sensor-launched run
succeed, and the run history survives a restart of ``lkjip serve``; a Pemda's ``lkjip run``
holds its connections.

The database: ``LKJIP_TEST_POSTGRES_URL`` (``postgresql://user:pass@host:port/db``,
set by ``.ci/run``), else a throw-away server started here from Debian's
``postgresql`` package.  Without PostgreSQL (or without ``.[postgres]``) the
test is skipped with the reason, never passed.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

import pytest

from pipeline.settings import PROJECT_ROOT
from _ports import free_ports as _free_ports
from _postgres import postgres_bindir, start_postgres

SAMPLE_INPUTS = PROJECT_ROOT / "inputs"
LKJIP = Path(sys.executable).with_name("lkjip")
URL_ENV = "LKJIP_TEST_POSTGRES_URL"

pytestmark = [pytest.mark.postgres, pytest.mark.server]  # a PostgreSQL server, and lkjip serve with Dagster


@pytest.fixture(scope="module")
def postgres_url(tmp_path_factory):
    pytest.importorskip("dagster_postgres", reason="dagster-postgres tidak terpasang: pip install -e '.[postgres]'")
    if os.environ.get(URL_ENV):
        yield os.environ[URL_ENV]
        return
    if postgres_bindir() is None:
        pytest.skip(f"PostgreSQL tidak terpasang (apt-get install postgresql) dan {URL_ENV} tidak diisi")
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        pytest.skip("server PostgreSQL tidak dapat dijalankan sebagai root tanpa runuser")
    # outside pytest's own temporary folder (0700, root's): the postgres user must reach it
    root = Path(tempfile.mkdtemp(prefix="lkjip-test-postgres-"))
    try:
        port, stop = start_postgres(root, "lkjip_test")
        try:
            yield f"postgresql://postgres@127.0.0.1:{port}/lkjip_test"
        finally:
            stop()
    finally:
        shutil.rmtree(root, ignore_errors=True)


def _pg_env(url: str, home: Path) -> dict[str, str]:
    parts = urlparse(url)
    return dict(os.environ, DAGSTER_HOME=str(home), DAGSTER_PG_USERNAME=parts.username or "postgres",
                DAGSTER_PG_PASSWORD=parts.password or "", DAGSTER_PG_HOST=parts.hostname or "127.0.0.1",
                DAGSTER_PG_PORT=str(parts.port or 5432), DAGSTER_PG_DB=parts.path.lstrip("/"))


def _pg_home(url: str, tmp_path: Path, monkeypatch) -> tuple[Path, dict[str, str]]:
    """A DAGSTER_HOME with the shipped ``deploy/dagster.yaml`` on ``url``, set for this process too; the
    folder and the environment for the commands."""
    home = tmp_path / "home"
    home.mkdir()
    shutil.copy(PROJECT_ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")  # the shipped file
    env = _pg_env(url, home)
    for key in ("DAGSTER_HOME", "DAGSTER_PG_USERNAME", "DAGSTER_PG_PASSWORD", "DAGSTER_PG_HOST", "DAGSTER_PG_PORT",
                "DAGSTER_PG_DB"):
        monkeypatch.setenv(key, env[key])
    return home, env


def _wait(predicate, what, timeout=900, step=2.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(step)
    raise AssertionError(f"waited {timeout}s for {what}")


def _graphql(port: int, query: str):
    request = urllib.request.Request(f"http://127.0.0.1:{port}/graphql", data=json.dumps({"query": query}).encode(),
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())["data"]


RUNS_QUERY = "{ runsOrError { ... on Runs { results { runId status tags { key value } } } } }"


def _ui_runs(port: int):
    try:
        return _graphql(port, RUNS_QUERY)["runsOrError"]["results"]
    except (OSError, KeyError, TypeError, ValueError):
        return None


class Server:
    def __init__(self, env, inputs: Path, outputs: Path, log: Path):
        self.port, self.dagster_port = _free_ports()
        self.proc = subprocess.Popen(
            [str(LKJIP), "serve", "--port", str(self.port), "--dagster-port", str(self.dagster_port),
             "--inputs", str(inputs), "--outputs", str(outputs)],
            env=env, cwd=str(PROJECT_ROOT), start_new_session=True, stdout=open(log, "ab"), stderr=subprocess.STDOUT)

    def stop(self):
        if self.proc.poll() is None:
            os.killpg(self.proc.pid, signal.SIGTERM)
            try:
                self.proc.wait(timeout=90)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)
                self.proc.wait()


def test_run_and_sensor_runs_in_postgres_survive_a_restart_of_serve(postgres_url, tmp_path, monkeypatch):
    home, env = _pg_home(postgres_url, tmp_path, monkeypatch)
    import dagster as dg

    instance = dg.DagsterInstance.get()
    assert type(instance.run_storage).__name__ == "PostgresRunStorage"
    assert type(instance.event_log_storage).__name__ == "PostgresEventLogStorage"
    assert type(instance.schedule_storage).__name__ == "PostgresScheduleStorage"

    # lkjip run
    outputs = tmp_path / "outputs"
    result = subprocess.run([str(LKJIP), "run", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(outputs),
                             "--period", "2024-12"], env=env, capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr
    cli_runs = instance.get_runs(filters=dg.RunsFilter(tags={"lkjip/sumber": "cli"}))
    assert [r.status for r in cli_runs] == [dg.DagsterRunStatus.SUCCESS]
    assert instance.all_logs(cli_runs[0].run_id, of_type=dg.DagsterEventType.ASSET_MATERIALIZATION)
    assert not (home / "history").exists()  # nothing went to SQLite

    # a sensor-launched run, through lkjip serve (webserver + daemon)
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs, ignore=shutil.ignore_patterns("README.md"))
    for path in (inputs / "realisasi").glob("*.xlsx"):
        path.rename(inputs / "realisasi" / "2024-12" / path.name)
    december = {"lkjip/pemicu": "sensor", "lkjip/periode": "2024-12"}
    log = tmp_path / "serve.log"
    server = Server(env, inputs, tmp_path / "served", log)
    try:
        done = _wait(lambda: [r for r in instance.get_runs(filters=dg.RunsFilter(tags=december))
                              if r.status in (dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE)],
                     "a sensor run of 2024-12 to finish")
        assert done[0].status == dg.DagsterRunStatus.SUCCESS, log.read_text()[-3000:]
        sensor_run = done[0].run_id
        states = {s.instigator_name: s for s in instance.all_instigator_state()}
        assert "berkas_masuk" in states  # sensor state and cursor live in PostgreSQL too
        assert instance.get_ticks(states["berkas_masuk"].instigator_origin_id, states["berkas_masuk"].selector_id)
    finally:
        server.stop()

    # restart: the run history is still there, seen through the restarted Dagster UI
    server = Server(env, inputs, tmp_path / "served", log)
    try:
        runs = _wait(lambda: _ui_runs(server.dagster_port), "the restarted Dagster UI to answer", 300)
        by_id = {r["runId"]: r["status"] for r in runs}
        assert by_id.get(cli_runs[0].run_id) == "SUCCESS"
        assert by_id.get(sensor_run) == "SUCCESS"
    finally:
        server.stop()
    assert not (home / "history").exists() and not (home / "schedules").exists()


def _sessions(url: str) -> int:
    """Connections opened to the database so far (PostgreSQL 14 and later count them)."""
    import psycopg2

    with psycopg2.connect(url) as conn, conn.cursor() as cur:
        cur.execute("SELECT sessions FROM pg_stat_database WHERE datname = current_database()")
        return int(cur.fetchone()[0])


def test_pemda_run_on_postgres_keeps_its_connections(postgres_url, tmp_path, monkeypatch):
    """``lkjip run`` of a Pemda with the shipped PostgreSQL storage: every OPD-month and the rekap succeed,
    and each process (the main one and a worker per core) holds its connections (Dagster's own
    ``optimize_for_webserver``) instead of opening one per query or transaction: without, three
    OPD-months and the rekap opened 1,356 connections; with, 142 (mostly the start of each process's
    instance)."""
    from pipeline.samples import pemda as sample

    home, env = _pg_home(postgres_url, tmp_path, monkeypatch)
    import dagster as dg

    inputs, outputs = tmp_path / "pemda", tmp_path / "outputs"
    sample.generate_pemda(inputs, 3)
    before = _sessions(postgres_url)
    result = subprocess.run([str(LKJIP), "run", "--inputs", str(inputs), "--outputs", str(outputs),
                             "--period", sample.PERIOD], env=env, capture_output=True, text=True, timeout=900)
    opened = _sessions(postgres_url) - before
    assert result.returncode == 0, result.stderr
    instance = dg.DagsterInstance.get()
    made = [r for r in instance.get_runs(filters=dg.RunsFilter(tags={"lkjip/sumber": "cli"}))
            if "lkjip/opd" in r.tags]  # not the single office's run of the test before (same database)
    opd = sorted(r.tags["lkjip/opd"] for r in made if r.tags["lkjip/opd"] != "pemda")
    assert opd == sorted(sample.folder_of(i) for i in range(3))
    assert [r.tags["lkjip/opd"] for r in made].count("pemda") == 1
    assert {r.status for r in made} == {dg.DagsterRunStatus.SUCCESS}
    assert (outputs / "pemda" / sample.PERIOD / f"rekap-pemda-{sample.PERIOD}.xlsx").exists()
    assert opened < 400, f"{opened} koneksi PostgreSQL dibuka"
    assert not (home / "history").exists()  # nothing went to SQLite
