"""Submissions verified and locked, in a real browser (Debian's chromium, driven by playwright-python):
the mistyped upload asks for confirmation with the figures before and after; the planner, on a 390 px
phone, verifies (locks), the bidang's next upload is refused, the planner unlocks with a reason, the
upload goes in; the audit log holds each step.  ``LKJIP_SCREENSHOTS=DIR`` keeps screenshots."""

import os
import shutil
import threading
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.intake.submission_store import SubmissionStore
from pipeline.web.app import create_app
from pipeline.web.audit import AuditLog

from frontdoor_helpers import ON_TIME_UPLOAD, PASSWORDS, WIRA
from test_web_browser import CHROMIUM, CHROMIUM_ARGS, _free_port

pytestmark = [pytest.mark.browser,
              pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium tidak terpasang")]

DROPPED = "realisasi/2024-12/Lap Realisasi Bidang Kewirausahaan.xlsx"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    from argon2 import PasswordHasher

    monkeypatch.setattr("pipeline.web.accounts._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


@pytest.fixture
def site(office):
    import uvicorn

    shutil.copy(office["wira_file"], office["inputs"] / DROPPED)
    port = _free_port()
    app = create_app(office["outputs"], "http://127.0.0.1:3000", inputs=office["inputs"], instance=office["instance"],
                     clock=lambda: ON_TIME_UPLOAD, runs=lambda period: None, launcher=lambda p, w: "run-" + p)
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 60
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield {**office, "url": f"http://127.0.0.1:{port}"}
    server.should_exit = True
    thread.join(timeout=30)


def shot(page, name):
    folder = os.environ.get("LKJIP_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)


def log_in(page, url, name):
    page.goto(url + "/masuk")
    page.fill("#nama", name)
    page.fill("#sandi", PASSWORDS[name])
    page.click("button[type=submit]")


def upload(page, path):
    page.set_input_files("#berkas", str(path))
    page.click("#form-unggah button[type=submit]")
    page.wait_for_selector("#jawaban")
    return page.locator("#jawaban").inner_text()


def files_under(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def test_confirm_verify_lock_unlock_in_a_browser_and_on_a_phone(site):
    sync_api = pytest.importorskip("playwright.sync_api")
    url, tmp = site["url"], site["tmp"]
    mistyped = tmp / "ketik" / "Realisasi Kewirausahaan.xlsx"
    mistyped.parent.mkdir()
    wb = load_workbook(site["wira_file"])
    wb.active["H10"] = 449688500  # 49.688.500 mistyped
    wb.save(mistyped)
    clean = tmp / "bersih" / "Realisasi Kewirausahaan Perbaikan.xlsx"
    clean.parent.mkdir()
    shutil.copy(site["wira_file"], clean)

    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            bidang = browser.new_context(viewport={"width": 1280, "height": 900})
            page = bidang.new_page()
            page.set_default_timeout(180_000)
            log_in(page, url, "wira")
            page.wait_for_url(url + "/unggah")
            before = files_under(site["inputs"])
            answer = upload(page, mistyped)
            assert "belum diajukan" in answer.lower()
            assert page.locator("#sebelum").inner_text() == "Rp 925.679.759"
            assert page.locator("#sesudah").inner_text() == "Rp 1.325.679.759"
            assert files_under(site["inputs"]) == before  # the report cannot change yet
            shot(page, "s1-konfirmasi")
            page.click("#jawaban #tombol-konfirmasi")
            page.wait_for_selector("#jawaban")
            assert "Diajukan" in page.locator("#jawaban").inner_text()
            assert DROPPED not in files_under(site["inputs"])
            page.reload()  # a reload after the POST sends nothing again (PRG)
            assert page.locator("#jawaban").count() == 0

            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            ppage = phone.new_page()
            ppage.set_default_timeout(180_000)
            log_in(ppage, url, "rencana")
            ppage.wait_for_url(url + "/")
            ppage.goto(url + "/periode/2024-12")
            # nothing overflows the phone's width: wide tables scroll inside their cards
            assert ppage.evaluate("document.documentElement.scrollWidth") <= 390
            card = ppage.locator("#pengajuan")
            assert card.evaluate("e => e.scrollWidth > e.clientWidth")
            shot(ppage, "s2-perencana-390")
            row = ppage.locator("#tabel-pengajuan tr", has_text=WIRA)
            assert "Diajukan" in row.inner_text()
            row.locator("form.verifikasi button").click()
            ppage.wait_for_selector("#pesan")
            assert "Diverifikasi" in ppage.locator("#pesan").inner_text()
            assert SubmissionStore(site["instance"]).get(WIRA, "2024-12").terkunci

            page.goto(url + "/unggah")
            assert "Diverifikasi" in page.locator("#status").inner_text()
            refused = upload(page, clean)
            assert "dikunci" in refused
            assert "realisasi/bidang-kewirausahaan/2024-12/Realisasi Kewirausahaan Perbaikan.xlsx" not in \
                files_under(site["inputs"])
            shot(page, "s3-dikunci")

            ppage.goto(url + "/periode/2024-12")
            row = ppage.locator("#tabel-pengajuan tr", has_text=WIRA)
            row.locator("form.buka input[name=catatan]").fill("Perbaikan pagu sub kegiatan 0003")
            row.locator("form.buka button").click()
            ppage.wait_for_selector("#pesan")
            assert "kunci dibuka" in ppage.locator("#pesan").inner_text()

            page.goto(url + "/unggah")
            assert "Perbaikan pagu sub kegiatan 0003" in page.locator("#status").inner_text()
            accepted = upload(page, clean)
            assert "Diajukan" in accepted
            assert "realisasi/bidang-kewirausahaan/2024-12/Realisasi Kewirausahaan Perbaikan.xlsx" in \
                files_under(site["inputs"])

            small = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True).new_page()
            log_in(small, url, "wira")
            small.wait_for_url(url + "/unggah")
            assert small.evaluate("document.documentElement.scrollWidth") <= 390
            shot(small, "s5-bidang-390")

            ppage.goto(url + "/audit")
            assert ppage.evaluate("document.documentElement.scrollWidth") <= 390
            log = ppage.locator("#tabel-audit").inner_text()
            for action in ("konfirmasi", "verifikasi", "kunci", "buka kunci", "unggah", "masuk"):
                assert action in log, action
            shot(ppage, "s4-audit-390")
        finally:
            browser.close()
    actions = [r.aksi for r in AuditLog(site["instance"]).rows()]
    assert actions.count("konfirmasi") == 1 and actions.count("buka kunci") == 1
