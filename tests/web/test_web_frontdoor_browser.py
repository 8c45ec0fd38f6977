"""The front door in a real browser (Debian's chromium, driven by playwright-python).

Accounts are made with the ``lkjip akun`` command; a bidang logs in, uploads a
file with an error, sees the cell and the message, downloads the annotated
copy, uploads the corrected file; the planner rebuilds the month from the
dashboard (the real pipeline, run as ``lkjip run`` for that partition) and
the bidang's status turns to on time; the planner sees the upload in the log
and downloads the report.  ``LKJIP_SCREENSHOTS=DIR`` keeps screenshots."""

import io
import json
import os
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from frontdoor_helpers import ON_TIME_UPLOAD, SAMPLE_INPUTS, WIRA, WIRA_FILE
from openpyxl import load_workbook

from pipeline.web.app import create_app
from pipeline.web.upload_log import read_uploads
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, _free_port

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium tidak terpasang (apt-get install -y chromium)")]

LKJIP = Path(sys.executable).with_name("lkjip")


def akun(env, *args, password):
    done = subprocess.run([str(LKJIP), "akun", *args], input=password + "\n", text=True, env=env,
                          capture_output=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def site(tmp_path):
    inputs, outputs, instance = tmp_path / "inputs", tmp_path / "outputs", tmp_path / "instance"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    original = tmp_path / "wira-asli.xlsx"
    shutil.move(inputs / "realisasi" / WIRA_FILE, original)
    env = {**os.environ, "LKJIP_INSTANCE": str(instance)}
    akun(env, "tambah", "rencana", "--peran", "perencana", password="sandi-perencana-1")
    akun(env, "tambah", "wira", "--peran", "bidang", "--bidang", WIRA, "--inputs", str(inputs),
         password="sandi-wira-12345")
    assert "wira" in akun(env, "daftar", password="")

    runs = []

    def run_month(period, who):  # stands in for Dagster's queue: the same assets, for that partition
        done = subprocess.run([str(LKJIP), "run", "--inputs", str(inputs), "--outputs", str(outputs),
                               "--period", period], env=env, capture_output=True, text=True, timeout=900)
        assert done.returncode == 0, done.stderr
        runs.append((period, who))
        return f"run-{len(runs):08d}"

    run_month("2024-12", "persiapan")  # the month as it stood before the upload
    import uvicorn

    port = _free_port()
    app = create_app(outputs, "http://127.0.0.1:3000", inputs=inputs, instance=instance, launcher=run_month,
                     clock=lambda: ON_TIME_UPLOAD, runs=lambda period: None)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield {"url": f"http://127.0.0.1:{port}", "inputs": inputs, "outputs": outputs, "instance": instance,
           "original": original, "tmp": tmp_path, "runs": runs}
    server.should_exit = True
    thread.join(timeout=30)


def shot(page, name):
    folder = os.environ.get("LKJIP_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def log_in(page, url, name, password):
    page.goto(url + "/")
    assert page.url.endswith("/masuk")
    page.fill("#nama", name)
    page.fill("#sandi", password)
    page.click("button[type=submit]")


def test_bidang_uploads_fixes_and_turns_on_time_planner_sees_it(site):
    sync_api = pytest.importorskip("playwright.sync_api")
    url, tmp = site["url"], site["tmp"]
    bad = tmp / "upload" / "Realisasi Kewirausahaan Des 2024.xlsx"
    bad.parent.mkdir()
    wb = load_workbook(site["original"])
    wb.active["H9"] = "delapan ratus ribu"
    wb.save(bad)
    fixed = tmp / "fixed" / "Realisasi Kewirausahaan Des 2024.xlsx"
    fixed.parent.mkdir()
    shutil.copyfile(site["original"], fixed)

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            bidang = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
            page = bidang.new_page()
            page.set_default_timeout(180_000)
            page.goto(url + "/masuk")
            shot(page, "1-masuk")
            log_in(page, url, "wira", "sandi-wira-12345")
            page.wait_for_url(url + "/unggah")
            assert "Belum Mengirim" in page.locator("#status").inner_text()
            assert page.locator("text=Buka Dagster").count() == 0  # the Dagster UI is for the planner
            shot(page, "2-bidang")

            page.set_input_files("#berkas", str(bad))
            page.click("#form-unggah button[type=submit]")
            page.wait_for_selector("#jawaban")
            answer = page.locator("#jawaban").inner_text()
            assert "Ditolak" in answer and "Error" in answer  # kept apart, never in the drop folder
            row = page.locator("#jawaban table.masalah tr", has_text="H9")
            assert "bukan angka yang dikenali" in row.inner_text()
            shot(page, "3-jawaban-error")
            with page.expect_download() as info:
                page.click("#unduh-catatan")
            saved = tmp / "catatan.xlsx"
            info.value.save_as(saved)
            annotated = load_workbook(saved)
            assert "bukan angka" in annotated["Realisasi"]["H9"].comment.text
            with page.expect_download() as info:
                page.click("#unduh-template")
            assert info.value.suggested_filename.startswith("Realisasi 2025-01")

            page.set_input_files("#berkas", str(fixed))
            page.click("#form-unggah button[type=submit]")
            page.wait_for_selector("#jawaban")
            assert "Tidak ada Error" in page.locator("#jawaban").inner_text()
            assert page.locator("#riwayat tr", has_text="diterima").count() == 1
            assert page.locator("#riwayat tr", has_text="ditolak").count() == 1

            planner = browser.new_context(accept_downloads=True, viewport={"width": 1100, "height": 900})
            ppage = planner.new_page()
            ppage.set_default_timeout(900_000)
            log_in(ppage, url, "rencana", "sandi-perencana-1")
            ppage.wait_for_url(url + "/")
            assert ppage.locator("text=Buka Dagster").count() == 1
            ppage.click("a[href='/periode/2024-12']")
            ppage.wait_for_url(url + "/periode/2024-12")
            ppage.click("#unduhan button[type=submit]")  # rebuild the month now
            ppage.wait_for_selector("p.pesan")
            assert "diantrikan" in ppage.locator("p.pesan").inner_text()
            assert site["runs"][-1] == ("2024-12", "rencana")
            log = ppage.locator("#log").inner_text()
            assert "wira" in log and "Realisasi Kewirausahaan Des 2024.xlsx" in log and "diterima" in log
            assert "Diajukan" in ppage.locator("#pengajuan tr", has_text=WIRA).inner_text()
            sha = read_uploads(site["instance"])[0].sha256
            assert sha[:12] in log
            status = ppage.locator("#pengumpulan tr", has_text=WIRA)
            assert "Tepat Waktu" in status.inner_text()
            assert ppage.locator("#grafik rect").count() >= 2 and ppage.locator("#iku tbody tr").count() >= 3
            shot(ppage, "5-dasbor")
            with ppage.expect_download() as info:
                ppage.click("#unduhan a.unduh")
            report = tmp / "laporan.xlsx"
            info.value.save_as(report)
            ws = load_workbook(report)["Pengumpulan"]
            rows = [[c for c in r if c is not None] for r in ws.iter_rows(values_only=True)]
            assert any(WIRA in r and "Tepat Waktu" in r for r in rows)

            page.goto(url + "/unggah")  # not a reload: that would send the last upload again
            assert "Tepat Waktu" in page.locator("#status").inner_text()
            assert page.locator("#riwayat tr", has_text="diterima").count() == 1
            shot(page, "4-bidang-tepat-waktu")
            assert page.goto(url + "/unduh/2024-12/laporan-kinerja-2024-12.xlsx").status == 403
        finally:
            browser.close()

    summary = json.loads((site["outputs"] / "2024-12" / "ringkasan.json").read_text())
    assert {r["kode"] for r in summary["utama"]["iku"]} and summary["utama"]["anggaran"]["pagu"] > 0
    saved = site["inputs"] / "realisasi" / "bidang-kewirausahaan" / "2024-12"
    assert [p.name for p in saved.iterdir()] == ["Realisasi Kewirausahaan Des 2024.xlsx"]
