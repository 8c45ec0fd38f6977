"""The page and the outputs under stress: links in outputs/, several publishes in
one second, downloads while a new version is published, bad serve ports."""

from __future__ import annotations

import http.client
import io
import os
import socket
import subprocess
import sys
import threading
import time
import zipfile
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from starlette.testclient import TestClient

from pipeline.report.publish import publish
from pipeline.web.app import create_app, scan_outputs

WITA = ZoneInfo("Asia/Makassar")
PROJECT = Path(__file__).resolve().parents[2]
LKJIP = Path(sys.executable).with_name("lkjip")


def _blob(rows: int, tag: str) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.title = "Ringkasan"
    ws["A1"] = tag
    for i in range(rows):
        ws.append([f"{tag} baris {i}", i, "x" * (i % 50)])
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _writer(blob: bytes):
    return lambda tmp: Path(tmp).write_bytes(blob)


def test_every_publish_in_the_same_second_keeps_its_own_history_entry(tmp_path):
    out = tmp_path / "outputs"
    moment = datetime(2025, 1, 11, 7, 0, 5, tzinfo=WITA)
    blobs = [_blob(i + 1, f"versi {i}") for i in range(7)]
    for blob in blobs[:3]:  # one after the other
        publish(_writer(blob), out, "2024-12", moment)
    with ThreadPoolExecutor(4) as pool:  # and at the same time
        list(pool.map(lambda b: publish(_writer(b), out, "2024-12", moment), blobs[3:]))
    history = sorted((out / "2024-12" / "riwayat").glob("*.xlsx"))
    assert len(history) == 7, [p.name for p in history]
    assert {p.read_bytes() for p in history} == set(blobs)
    assert all(p.name.startswith("laporan-kinerja-2024-12-20250111-070005") for p in history)
    listed = scan_outputs(out)[0]
    assert len(listed.history) == 6  # every version but the current one
    assert {v.made for v in listed.history} == {moment}  # the stamp is read from names with -2, -3 too


def test_links_in_outputs_are_neither_listed_nor_served(tmp_path):
    out = tmp_path / "outputs"
    elsewhere = tmp_path / "elsewhere"
    publish(_writer(_blob(2, "Desember")), out, "2024-12", datetime(2025, 1, 11, 7, 0, tzinfo=WITA))
    publish(_writer(_blob(2, "November")), elsewhere, "2024-11", datetime(2024, 12, 11, 7, 0, tzinfo=WITA))
    (out / "2024-11").symlink_to(elsewhere / "2024-11", target_is_directory=True)  # a linked period folder
    secret = tmp_path / "rahasia.xlsx"
    secret.write_bytes(_blob(1, "rahasia"))
    (out / "2024-12" / "riwayat" / "laporan-kinerja-2024-12-20250101-000000.xlsx").symlink_to(secret)
    (out / "2024-10").mkdir()
    (out / "2024-10" / "laporan-kinerja-2024-10.xlsx").symlink_to(secret)  # a linked workbook
    client = TestClient(create_app(out))
    page = client.get("/").text
    assert "2024-12" in page
    assert "2024-11" not in page and "2024-10" not in page and "20250101-000000" not in page
    for url in ("/unduh/2024-11/laporan-kinerja-2024-11.xlsx",
                "/unduh/2024-10/laporan-kinerja-2024-10.xlsx",
                "/unduh/2024-12/riwayat/laporan-kinerja-2024-12-20250101-000000.xlsx"):
        assert client.get(url).status_code == 404, url
        assert client.head(url).status_code == 404, url
    ok = client.get("/unduh/2024-12/laporan-kinerja-2024-12.xlsx")
    assert ok.status_code == 200 and int(ok.headers["content-length"]) == len(ok.content)
    assert client.head("/unduh/2024-12/laporan-kinerja-2024-12.xlsx").headers["content-length"] == str(len(ok.content))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_downloads_during_publishes_are_always_complete(tmp_path):
    """A loop of downloads while versions of very different sizes are renamed
    over the report: every response has exactly the announced length and is
    one complete version."""
    import uvicorn

    out = tmp_path / "outputs"
    blobs = [_blob(n, f"versi {n}") for n in (1, 400, 3000)]
    publish(_writer(blobs[0]), out, "2024-12", datetime(2025, 1, 11, 7, 0, tzinfo=WITA))
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(out), host="127.0.0.1", port=port, log_level="warning"))
    serving = threading.Thread(target=server.run, daemon=True)
    serving.start()
    deadline = time.monotonic() + 60
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    assert server.started
    stop = threading.Event()
    published = [0]

    def publisher():
        i = 0
        while not stop.is_set():
            i += 1
            publish(_writer(blobs[i % 3]), out, "2024-12", datetime(2025, 1, 11, 7, 0, i % 60, tzinfo=WITA))
            published[0] += 1

    writer = threading.Thread(target=publisher, daemon=True)
    writer.start()
    try:
        seen = set()
        for _ in range(60):
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            conn.request("GET", "/unduh/2024-12/laporan-kinerja-2024-12.xlsx")
            response = conn.getresponse()
            assert response.status == 200
            announced = int(response.getheader("Content-Length"))
            body = response.read()  # raises IncompleteRead when fewer bytes come than announced
            conn.close()
            assert len(body) == announced
            assert body in blobs  # one complete version, never a mix
            assert zipfile.is_zipfile(io.BytesIO(body))
            seen.add(len(body))
    finally:
        stop.set()
        writer.join(timeout=60)
        server.should_exit = True
        serving.join(timeout=30)
    assert published[0] > 3  # the report really was replaced while downloading


def _serve(*args, env_extra=None, timeout=120):
    env = dict(os.environ)
    env.update(env_extra or {})
    return subprocess.run([str(LKJIP), "serve", *args], capture_output=True, text=True, timeout=timeout,
                          cwd=str(PROJECT), env=env)


@pytest.mark.parametrize("args, words", [
    (["--port", "99999"], ["99999", "1 sampai 65535"]),
    (["--dagster-port", "-1"], ["-1", "1 sampai 65535"]),
    (["--port", "0"], ["0", "1 sampai 65535"]),
    (["--port", "8123", "--dagster-port", "8123"], ["8123", "berbeda"]),
])
def test_an_invalid_port_gives_one_line_and_exit_2(tmp_path, args, words):
    result = _serve(*args, "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "out"))
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 2, result.stderr
    assert len(lines) == 1, result.stderr  # no child was started: it would have logged "menjalankan ..."
    assert all(w in lines[0] for w in words), lines


def test_a_busy_port_gives_one_line_and_exit_2(tmp_path):
    for flag in ("--port", "--dagster-port"):
        with socket.socket() as busy:
            busy.bind(("127.0.0.1", 0))
            busy.listen()
            taken = busy.getsockname()[1]
            other = _free_port()
            ports = [flag, str(taken), "--dagster-port" if flag == "--port" else "--port", str(other)]
            result = _serve(*ports, "--inputs", str(tmp_path / "in"), "--outputs", str(tmp_path / "out"))
        lines = result.stderr.strip().splitlines()
        assert result.returncode == 2 and len(lines) == 1, result.stderr
        assert str(taken) in lines[0] and "dipakai" in lines[0], lines
