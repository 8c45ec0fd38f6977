"""A real browser (Debian's chromium, driven by playwright-python) opens the
page and downloads the workbook.  Needs ``apt-get install -y chromium``;
never ``playwright install``."""

import socket
import threading
import time
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium tidak terpasang (apt-get install -y chromium)")]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(outputs):
    import uvicorn

    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(create_app(outputs, "http://127.0.0.1:3000"), host="127.0.0.1", port=port, log_level="warning")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive(), "uvicorn stopped while starting"
        assert time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=30)


def test_browser_loads_page_and_downloads_workbook(live_server, tmp_path):
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            context = browser.new_context(accept_downloads=True)
            page = context.new_page()
            page.set_default_timeout(30_000)
            page.goto(live_server + "/")
            assert "Laporan Kinerja" in page.title()
            section = page.locator("#p-2024-12")
            assert "Desember 2024" in section.locator("h2").inner_text()
            assert "Tepat Waktu" in section.inner_text()

            link = section.locator("a.unduh")
            assert link.get_attribute("href").endswith(".xlsx")
            with page.expect_download() as info:
                link.click()
            download = info.value
            assert download.suggested_filename == "laporan-kinerja-2024-12.xlsx"
            saved = tmp_path / download.suggested_filename
            download.save_as(saved)
            assert load_workbook(saved).active["A1"].value == "Desember v2"
        finally:
            browser.close()
