"""The upload page tells a bidang that the budget columns may stay empty where SIPD gives them."""

from starlette.testclient import TestClient

from pipeline.web.app import create_app

from frontdoor_helpers import log_in


def test_the_upload_page_says_the_budget_may_come_from_sipd(office):
    client = TestClient(create_app(office["outputs"], "http://127.0.0.1:3000", instance=office["instance"],
                                   inputs=office["inputs"]))
    log_in(client, "wira")
    page = client.get("/unggah")
    assert page.status_code == 200
    assert 'id="catatan-sipd"' in page.text
    assert "kolom Pagu dan Realisasi Anggaran boleh dikosongkan" in page.text
