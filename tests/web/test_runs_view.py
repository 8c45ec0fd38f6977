"""The page shows each month's last run and rebuilds only months with inputs, one queued run at a time."""

import dagster as dg
import pytest
from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus
from starlette.testclient import TestClient

from pipeline.web.app import create_app
from pipeline.web.runs_view import DagsterRuns, RunInfo, failure_reason

from frontdoor_helpers import ON_TIME_UPLOAD, csrf_of, log_in


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr("pipeline.web.accounts._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def _run(instance, run_id, period, status):
    return instance.add_run(DagsterRun(job_name="laporan_bulanan", run_id=run_id, status=status,
                                       tags={"dagster/partition": period}))


def test_last_run_of_a_month_from_the_dagster_instance():
    instance = dg.DagsterInstance.ephemeral()
    runs = DagsterRuns(instance)
    assert runs("2024-12") is None
    dead = _run(instance, "a" * 8 + "-0000-0000-0000-000000000000", "2024-12", DagsterRunStatus.STARTED)
    instance.report_run_failed(dead, "Proses run ini (pid 123) sudah tidak ada, kemungkinan dihentikan paksa (kill -9)")
    found = runs("2024-12")
    assert found.label == "gagal" and not found.waiting and "dihentikan paksa" in found.reason
    _run(instance, "b" * 8 + "-0000-0000-0000-000000000000", "2024-11", DagsterRunStatus.STARTED)
    assert runs("2024-11").label == "berjalan" and runs("2024-11").waiting
    assert runs("2024-10") is None


def test_failure_reasons_are_indonesian():
    assert failure_reason(["Berkas referensi tidak ditemukan"]) == "Berkas referensi tidak ditemukan"
    assert failure_reason(["KeyError: 'x'\nTraceback ..."]).startswith("Run gagal: KeyError")
    assert "berhenti mendadak" in failure_reason(["Run worker process was killed"])
    assert "Dagster" in failure_reason([])


def make_client(office, runs, launched):
    def launcher(period, who):
        launched.append(period)
        return "c0ffee00-1111"

    app = create_app(office["outputs"], "http://127.0.0.1:3000", inputs=office["inputs"], instance=office["instance"],
                     clock=lambda: ON_TIME_UPLOAD, runs=runs, launcher=launcher)
    client = TestClient(app, base_url="http://testserver")
    log_in(client, "rencana")
    return client


def test_dashboard_shows_the_last_run_and_its_reason(office):
    failed = RunInfo("r1", "FAILURE", "gagal", "Berkas referensi tidak dapat dibaca")
    client = make_client(office, lambda period: failed if period == "2024-12" else None, [])
    text = client.get("/periode/2024-12").text
    assert 'id="run-terakhir"' in text and "gagal" in text and "Berkas referensi tidak dapat dibaca" in text
    index = client.get("/").text.split('id="p-2024-12"', 1)[1].split("</section>", 1)[0]
    assert "gagal" in index and "Berkas referensi tidak dapat dibaca" in index


def test_rebuild_only_for_a_month_with_inputs_and_never_twice_queued(office):
    launched = []
    state = {"2024-12": None}
    client = make_client(office, lambda period: state.get(period), launched)
    page = client.get("/periode/2099-01")
    assert "Belum ada berkas realisasi" in page.text and "/periode/2099-01/bangun" not in page.text
    refused = client.post("/periode/2099-01/bangun", data={"csrf_token": csrf_of(page.text)})
    assert "tidak punya berkas realisasi" in refused.text and launched == []

    page = client.get("/periode/2024-12")
    assert client.post("/periode/2024-12/bangun", data={"csrf_token": csrf_of(page.text)}).status_code == 200
    assert launched == ["2024-12"]
    state["2024-12"] = RunInfo("r2", "QUEUED", "menunggu antrean")
    page = client.get("/periode/2024-12")
    assert "disabled" in page.text
    again = client.post("/periode/2024-12/bangun", data={"csrf_token": csrf_of(page.text)})
    assert "masih menunggu antrean" in again.text and launched == ["2024-12"]
