import io
import re

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from pipeline.web.app import create_app, safe_report_file


@pytest.fixture
def client(outputs):
    return TestClient(create_app(outputs, "http://127.0.0.1:3000"))


def test_page_lists_periods_newest_first_with_history_and_status(client):
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    text = page.text
    assert "Desember 2024" in text and "November 2024" in text
    assert text.index("Desember 2024") < text.index("November 2024")
    assert 'href="/unduh/2024-12/laporan-kinerja-2024-12.xlsx"' in text
    # the earlier version, not the copy of the current one
    assert "/unduh/2024-12/riwayat/laporan-kinerja-2024-12-20250111-070005.xlsx" in text
    assert "laporan-kinerja-2024-12-20250112-093000.xlsx" not in text
    assert "11 Januari 2025 07:00 WITA" in text
    assert re.search(r"\d+(,\d)? KB", text)
    # submission status, counts, escaping
    assert "Tepat Waktu" in text and "Terlambat" in text and "Belum Mengirim" in text
    assert "Bidang &lt;Koperasi&gt;" in text and "<Koperasi>" not in text
    assert "<strong>3</strong> error" in text and "<strong>7</strong> peringatan" in text
    assert 'href="http://127.0.0.1:3000"' in text


def test_download_returns_the_bytes(client, outputs):
    response = client.get("/unduh/2024-12/laporan-kinerja-2024-12.xlsx")
    assert response.status_code == 200
    assert response.headers["content-disposition"].startswith("attachment")
    assert "laporan-kinerja-2024-12.xlsx" in response.headers["content-disposition"]
    assert response.content == (outputs / "2024-12" / "laporan-kinerja-2024-12.xlsx").read_bytes()
    assert load_workbook(io.BytesIO(response.content)).active["A1"].value == "Desember v2"

    old = client.get("/unduh/2024-12/riwayat/laporan-kinerja-2024-12-20250111-070005.xlsx")
    assert old.status_code == 200
    assert load_workbook(io.BytesIO(old.content)).active["A1"].value == "Desember v1"


@pytest.mark.parametrize(
    "url",
    [
        "/unduh/2024-12/..",
        "/unduh/2024-12/%2e%2e",
        "/unduh/2024-12/..%2fringkasan.json",
        "/unduh/2024-12/..%2f..%2fsecret.xlsx",
        "/unduh/2024-12/%2e%2e%2f2024-11%2flaporan-kinerja-2024-11.xlsx",
        "/unduh/..%2f..%2fetc/passwd",
        "/unduh/%2e%2e/laporan-kinerja-2024-12.xlsx",
        "/unduh/2024-12/ringkasan.json",
        "/unduh/2024-12/laporan-kinerja-2024-12.XLSX.json",
        "/unduh/2024-12/tidak-ada.xlsx",
        "/unduh/2024-1/laporan-kinerja-2024-12.xlsx",
        "/unduh/abcd-ef/x.xlsx",
        "/unduh/2024-12/riwayat/..%2flaporan-kinerja-2024-12.xlsx",
        "/unduh/2024-12/.tmp-x-laporan-kinerja-2024-12.xlsx",
        "/unduh/2024-12/laporan-kinerja-2024-12.xlsx%00.xlsx",
        "/unduh/2024-12/lainnya/laporan-kinerja-2024-12.xlsx",
        "/tidak-ada",
    ],
)
def test_traversal_and_other_files_are_404(client, url):
    response = client.get(url)
    assert response.status_code == 404, url
    assert "attachment" not in response.headers.get("content-disposition", "")


def test_outside_files_are_refused_even_if_they_exist(outputs, tmp_path):
    secret = tmp_path / "rahasia.xlsx"
    secret.write_bytes(b"PK secret")
    (outputs / "2024-12" / "tautan.xlsx").symlink_to(secret)
    (outputs / "2024-12" / ".tmp-abc-laporan-kinerja-2024-12.xlsx").write_bytes(b"partial")
    client = TestClient(create_app(outputs, "http://127.0.0.1:3000"))
    assert client.get("/unduh/2024-12/tautan.xlsx").status_code == 404
    assert client.get("/unduh/2024-12/.tmp-abc-laporan-kinerja-2024-12.xlsx").status_code == 404
    assert ".tmp-abc" not in client.get("/").text
    assert safe_report_file(outputs, "2024-12", "laporan-kinerja-2024-12.xlsx") is not None
    assert safe_report_file(outputs, "2024-12", "../2024-11/laporan-kinerja-2024-11.xlsx") is None


def test_empty_outputs_shows_no_report_message(tmp_path):
    for outputs in (tmp_path / "kosong", tmp_path / "tidak-ada"):
        outputs.parent.mkdir(exist_ok=True)
        if outputs.name == "kosong":
            outputs.mkdir()
            (outputs / ".gitkeep").write_text("")
        page = TestClient(create_app(outputs, "http://127.0.0.1:3000")).get("/")
        assert page.status_code == 200
        assert "Belum ada laporan" in page.text
        assert "/unduh/" not in page.text


def test_period_without_summary_still_listed(tmp_path, outputs):
    (outputs / "2024-12" / "ringkasan.json").unlink()
    text = TestClient(create_app(outputs, "http://x")).get("/").text
    assert "Desember 2024" in text and "Tepat Waktu" not in text


def test_dagster_link_follows_browser_host(outputs):
    client = TestClient(create_app(outputs, "http://{host}:3000"), base_url="http://laporan.local:8000")
    assert 'href="http://laporan.local:3000"' in client.get("/").text


def test_page_marks_provisional_figures(tmp_path):
    from pipeline.report.publish import write_summary

    out = tmp_path / "outputs"
    write_summary(out, "2025-06", {
        "period": "2025-06", "problems": {"Error": 0, "Peringatan": 0}, "pengumpulan": [],
        "sementara": [{"kode_iku": "S1", "indikator": "Volume <Usaha>", "tahun": 2025,
                       "dasar": "Tahun Buku 2025 s.d. Juni"}],
    })
    text = TestClient(create_app(out, "http://127.0.0.1:3000")).get("/").text
    assert "Angka sementara" in text
    assert "Volume &lt;Usaha&gt; tahun 2025: dihitung dari Tahun Buku 2025 s.d. Juni" in text
