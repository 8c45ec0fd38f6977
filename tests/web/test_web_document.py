"""The page links the LKjIP draft (.docx) beside the workbook and serves it."""

from starlette.testclient import TestClient

from pipeline.web.app import create_app, safe_report_file


def test_document_is_linked_and_served(outputs):
    document = outputs / "2024-12" / "laporan-kinerja-2024-12.docx"
    document.write_bytes(b"PK\x03\x04 dokumen")
    client = TestClient(create_app(outputs, "http://127.0.0.1:3000"))
    page = client.get("/").text
    assert 'href="/unduh/2024-12/laporan-kinerja-2024-12.docx"' in page
    assert "draf dokumen LKjIP (Word)" in page
    assert 'href="/unduh/2024-11/laporan-kinerja-2024-11.docx"' not in page  # no document there
    response = client.get("/unduh/2024-12/laporan-kinerja-2024-12.docx")
    assert response.status_code == 200 and response.content == document.read_bytes()
    assert response.headers["content-type"].startswith("application/vnd.openxmlformats-officedocument.wordprocessingml")
    assert response.headers["content-disposition"].startswith("attachment")
    assert safe_report_file(outputs, "2024-12", "laporan-kinerja-2024-12.doc") is None
    assert client.get("/unduh/2024-12/..%2f..%2frahasia.docx").status_code == 404
