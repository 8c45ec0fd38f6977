"""A whole Pemda on the page (HTTP): an OPD's accounts see only their OPD; Bappeda sees every OPD,
the rekap and the Pemda's document."""

import io
import re
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook
from starlette.testclient import TestClient

from pipeline.report.publish import publish
from pipeline.samples import pemda as sample
from pipeline.web.app import create_app

pytestmark = pytest.mark.slow  # Argon2id at its real cost for every account and login
ROOT = Path(__file__).resolve().parents[2]
WITA = ZoneInfo("Asia/Makassar")
A, B = "01-dinas-a", "02-dinas-b"
PASSWORDS = {"rencana-a": "Kelapa Gading 71 biru", "rencana-b": "Pantai Sanur 44 jingga",
             "sekre-a": "Gunung Batur 19 hijau", "bappeda": "Danau Bratan 28 ungu"}


def _workbook(text):
    def write(path):
        wb = Workbook()
        wb.active["A1"] = text
        wb.save(path)
    return write


def _akun(monkeypatch, *args, password):
    from pipeline.cli import main

    monkeypatch.setattr("sys.stdin", io.StringIO(password + "\n"))
    return main(["akun", *args])


@pytest.fixture
def pemda(tmp_path, monkeypatch):
    inputs, outputs, instance = tmp_path / "inputs", tmp_path / "outputs", tmp_path / "instance"
    for opd in (A, B):
        shutil.copytree(ROOT / "inputs" / "referensi", inputs / opd / "referensi")
    sample.write_pemda_referensi(inputs, 2)
    made = datetime(2025, 7, 11, 7, 0, tzinfo=WITA)
    for opd in (A, B):
        publish(_workbook(f"laporan {opd}"), outputs / opd, "2025-06", made)
    publish(_workbook("rekap"), outputs / "pemda", "2025-06", made, name="rekap-pemda-{period}.xlsx")
    monkeypatch.setenv("LKJIP_INSTANCE", str(instance))
    base = ["tambah"]
    assert _akun(monkeypatch, *base, "rencana-a", "--peran", "perencana", "--opd", A, "--inputs", str(inputs),
                 password=PASSWORDS["rencana-a"]) == 0
    assert _akun(monkeypatch, *base, "rencana-b", "--peran", "perencana", "--opd", B, "--inputs", str(inputs),
                 password=PASSWORDS["rencana-b"]) == 0
    assert _akun(monkeypatch, *base, "sekre-a", "--peran", "bidang", "--opd", A, "--bidang", "sekretariat",
                 "--inputs", str(inputs), password=PASSWORDS["sekre-a"]) == 0
    assert _akun(monkeypatch, *base, "bappeda", "--peran", "bappeda", "--inputs", str(inputs),
                 password=PASSWORDS["bappeda"]) == 0
    app = create_app(outputs, "http://127.0.0.1:3000", inputs=inputs, instance=instance)
    return {"inputs": inputs, "outputs": outputs, "app": app}


def _client(pemda, name):
    client = TestClient(pemda["app"], base_url="http://testserver")
    token = re.search(r'name="csrf_token" value="([^"]+)"', client.get("/masuk").text).group(1)
    response = client.post("/masuk", data={"nama": name, "sandi": PASSWORDS[name], "csrf_token": token},
                           follow_redirects=False)
    assert response.status_code == 303, response.text
    return client


def _report(opd):
    return f"/opd/{opd}/unduh/2025-06/laporan-kinerja-2025-06.xlsx"


REKAP = "/pemda/unduh/2025-06/rekap-pemda-2025-06.xlsx"


def test_an_opd_planner_sees_its_own_opd_and_never_another(pemda):
    client = _client(pemda, "rencana-a")
    own = client.get(_report(A))
    assert own.status_code == 200 and own.content == (pemda["outputs"] / A / "2025-06" /
                                                      "laporan-kinerja-2025-06.xlsx").read_bytes()
    assert client.get(_report(B)).status_code == 404  # the same answer as a file that does not exist
    assert client.get(f"/opd/{B}/unduh/2025-06/nothing.xlsx").status_code == 404
    assert client.get(f"/opd/..%2F{B}/unduh/2025-06/laporan-kinerja-2025-06.xlsx").status_code == 404
    assert client.get(REKAP).status_code == 404
    listing = client.get("/opd").text
    assert A in listing and B not in listing and "rekap-pemda" not in listing


def test_an_opd_bidang_reaches_neither_another_opd_nor_reports_unless_allowed(pemda):
    client = _client(pemda, "sekre-a")
    assert client.get(_report(B)).status_code == 404
    assert client.get(_report(A)).status_code == 403  # a bidang downloads reports only when its planner allows
    assert client.get(REKAP).status_code == 404


def test_bappeda_sees_every_opd_the_rekap_and_the_pemda_document(pemda):
    (pemda["outputs"] / "pemda" / "2025-06" / "laporan-kinerja-pemda-2025-06.docx").write_bytes(b"PK docx")
    client = _client(pemda, "bappeda")
    for opd in (A, B):
        assert client.get(_report(opd)).status_code == 200
    assert client.get(REKAP).status_code == 200
    assert client.get("/pemda/unduh/2025-06/laporan-kinerja-pemda-2025-06.docx").content == b"PK docx"
    listing = client.get("/opd").text
    assert A in listing and B in listing and "rekap-pemda-2025-06.xlsx" in listing


def test_without_login_nothing_is_served(pemda):
    client = TestClient(pemda["app"], base_url="http://testserver")
    for url in (_report(A), REKAP, "/opd"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code in (302, 303, 307) and "/masuk" in response.headers["location"]


def test_accounts_of_a_pemda_must_name_a_known_opd(pemda, monkeypatch, capsys):
    inputs = str(pemda["inputs"])
    assert _akun(monkeypatch, "tambah", "x-tanpa", "--peran", "perencana", "--inputs", inputs,
                 password="Pura Besakih 63 merah") == 2
    assert "--opd" in capsys.readouterr().err
    assert _akun(monkeypatch, "tambah", "x-salah", "--peran", "perencana", "--opd", "99-tidak-ada", "--inputs",
                 inputs, password="Pura Besakih 63 merah") == 2
    assert "OPD '99-tidak-ada' tidak ada" in capsys.readouterr().err
    assert _akun(monkeypatch, "tambah", "x-bidang", "--peran", "bidang", "--opd", B, "--bidang", "Bidang Fiktif",
                 "--inputs", inputs, password="Pura Besakih 63 merah") == 2
    assert "tidak ada di referensi" in capsys.readouterr().err


def test_an_opd_bidang_gets_its_template_from_its_own_opd_referensi(pemda):
    client = _client(pemda, "sekre-a")
    response = client.get("/template/2025-06")  # the Pemda's root has no referensi/: only 01-dinas-a's has it
    assert response.status_code == 200 and response.content[:2] == b"PK"
