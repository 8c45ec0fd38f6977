"""Helpers of the front-door tests: an office with accounts, logging in, a file with an error."""

import io
import re
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

from openpyxl import load_workbook

WITA = ZoneInfo("Asia/Makassar")


SAMPLE_INPUTS = Path(__file__).resolve().parents[2] / "inputs"
WIRA_FILE = "2024-12/Lap Realisasi Bidang Kewirausahaan.xlsx"
WIRA = "Bidang Kewirausahaan"
ON_TIME_UPLOAD = datetime(2025, 1, 9, 10, 0, tzinfo=WITA)  # before the 10 January deadline of 2024-12
PASSWORDS = {"rencana": "sandi-perencana-1", "wira": "sandi-wira-12345", "sekre": "sandi-sekre-12345"}


def lkjip_akun(monkeypatch, *args: str, password: str = "") -> int:
    """``lkjip akun ...`` as the command line runs it, the password on a non-terminal stdin."""
    from pipeline.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["akun", *args])


def make_office(tmp_path, monkeypatch, outputs):
    """Sample inputs without Bidang Kewirausahaan's file, the published outputs of the
    ``outputs`` fixture, and an instance with a planner and two bidang accounts."""
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS, inputs)
    original = inputs / "realisasi" / WIRA_FILE
    kept = tmp_path / "wira-asli.xlsx"
    shutil.move(original, kept)
    instance = tmp_path / "instance"
    monkeypatch.setenv("LKJIP_INSTANCE", str(instance))
    assert lkjip_akun(monkeypatch, "tambah", "rencana", "--peran", "perencana", password=PASSWORDS["rencana"]) == 0
    assert lkjip_akun(monkeypatch, "tambah", "wira", "--peran", "bidang", "--bidang", "bidang kewirausahaan",
                      "--inputs", str(inputs), password=PASSWORDS["wira"]) == 0
    assert lkjip_akun(monkeypatch, "tambah", "sekre", "--peran", "bidang", "--bidang", "Sekretariat",
                      "--inputs", str(inputs), password=PASSWORDS["sekre"]) == 0
    return {"inputs": inputs, "outputs": outputs, "instance": instance, "wira_file": kept, "tmp": tmp_path}


def wira_with_error(office, name: str = "Realisasi Kewirausahaan.xlsx") -> Path:
    """Bidang Kewirausahaan's December file with text in a money cell (H9)."""
    wb = load_workbook(office["wira_file"])
    wb.active["H9"] = "delapan ratus ribu"
    path = office["tmp"] / name
    wb.save(path)
    return path


def csrf_of(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "no csrf_token field on the page"
    return found.group(1)


def log_in(client, name: str, password: str | None = None):
    token = csrf_of(client.get("/masuk").text)
    return client.post("/masuk", data={"nama": name, "sandi": password or PASSWORDS[name], "csrf_token": token},
                       follow_redirects=False)
