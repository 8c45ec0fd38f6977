"""The planner uploads the edited draft on the period's page: checked, stored in referensi/, audit-logged.

Starlette's TestClient on the office of the front-door tests (accounts made with ``lkjip akun``, the
cheap password hasher); the draft is the bundled template rendered for a small office, with one
region written."""

from __future__ import annotations

import io
from datetime import datetime
from pathlib import Path

import polars as pl
import pytest
from starlette.testclient import TestClient

docx = pytest.importorskip("docx")

from docx.oxml.ns import qn  # noqa: E402

from pipeline.domain.angka import compute_angka_periode  # noqa: E402
from pipeline.domain.iku import IkuResult  # noqa: E402
from pipeline.domain.periods import Period  # noqa: E402
from pipeline.domain.series import YearFigures  # noqa: E402
from pipeline.intake.draf import read_edited_drafts  # noqa: E402
from pipeline.intake.realisasi import RealisasiIntake  # noqa: E402
from pipeline.intake.referensi import Referensi  # noqa: E402
from pipeline.report.document import document_context, render_document  # noqa: E402
from pipeline.web.app import create_app  # noqa: E402

from frontdoor_helpers import ON_TIME_UPLOAD, csrf_of, log_in  # noqa: E402

WRITTEN = "Inovasi tahun ini: aplikasi SIKUMKM untuk pendataan koperasi secara daring."


@pytest.fixture(scope="module")
def edited_draft() -> bytes:
    """A draft of the bundled template with the Inovasi region written by the planner."""
    ref = Referensi(file="referensi.xlsx", instansi="Dinas Contoh", tahun_awal=2024, tahun_akhir=2026)
    period = Period(2024, 12)
    angka = compute_angka_periode(ref, RealisasiIntake(str(period), pl.DataFrame(), pl.DataFrame()), pl.DataFrame(),
                                  IkuResult(), YearFigures(period, {}, {}, {}), period, [], 20.0)
    fresh = render_document(document_context(ref, angka, datetime(2025, 1, 11, 7, 0)), [])
    doc = docx.Document(io.BytesIO(fresh))
    start = next(b for b in doc.element.iter(qn("w:bookmarkStart")) if b.get(qn("w:name")) == "lkjip_inovasi")
    par = start.getparent()
    for run in par.findall(qn("w:r")):
        par.remove(run)
    end = next(b for b in par.iter(qn("w:bookmarkStart")) if b.get(qn("w:name")) == "lkjipend_inovasi")
    run = docx.oxml.parse_xml(f'<w:r xmlns:w="{qn("w:r")[1:].split("}")[0]}"><w:t>{WRITTEN}</w:t></w:r>')
    end.addprevious(run)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def _planner(office) -> TestClient:
    app = create_app(office["outputs"], "http://127.0.0.1:3000", inputs=office["inputs"], instance=office["instance"],
                     clock=lambda: ON_TIME_UPLOAD)
    client = TestClient(app, base_url="http://testserver")
    assert log_in(client, "rencana").status_code == 303
    return client


def _post(client, content: bytes, name: str, token: str | None = None):
    page = client.get("/periode/2024-12")
    return client.post("/periode/2024-12/draf", data={"csrf_token": csrf_of(page.text) if token is None else token},
                       files={"berkas": (name, content, "application/octet-stream")}, follow_redirects=False)


def _stored(office) -> list[Path]:
    return sorted((office["inputs"] / "referensi").glob("draf-disunting-*.docx"))


def test_the_planner_uploads_an_edited_draft_and_the_next_run_reads_it(office, edited_draft):
    client = _planner(office)
    page = client.get("/periode/2024-12")
    assert 'action="/periode/2024-12/draf"' in page.text and 'enctype="multipart/form-data"' in page.text
    response = _post(client, edited_draft, "LKjIP Des 2024 (disunting).docx")
    assert response.status_code == 303 and response.headers["location"] == "/periode/2024-12#draf"
    [stored] = _stored(office)
    assert stored.name == "draf-disunting-2024-12-20250109-100000.docx" and stored.read_bytes() == edited_draft
    shown = client.get("/periode/2024-12").text
    assert "disimpan sebagai referensi/draf-disunting-2024-12-20250109-100000.docx" in shown
    assert "1 bagian berisi teks perencana" in shown
    drafts = read_edited_drafts(office["inputs"])  # what the next run carries
    assert drafts.problems == [] and WRITTEN in drafts.regions["lkjip_inovasi"].text
    log = client.get("/audit.csv").text
    assert "LKjIP Des 2024 (disunting).docx" in log and "draf dokumen disimpan" in log
    # the same upload again is a second file: for each region the newest wins
    assert _post(client, edited_draft, "lagi.docx").status_code == 303 and len(_stored(office)) == 2


def test_what_is_not_an_edited_draft_is_refused_and_logged(office, edited_draft):
    client = _planner(office)
    foreign = io.BytesIO()
    other = docx.Document()
    other.add_paragraph("Notulen rapat.")
    other.save(foreign)
    for content, name, why in ((foreign.getvalue(), "notulen.docx", "bukan draf LKjIP"),
                               (b"bukan zip", "rusak.docx", "bukan arsip zip"),
                               (edited_draft, "draf.pdf", "bukan berkas .docx")):
        response = _post(client, content, name)
        assert response.status_code == 303
        assert why in client.get("/periode/2024-12").text
    assert _stored(office) == [] and not list((office["inputs"] / "referensi").glob(".draf-*"))
    assert client.get("/audit.csv").text.count("draf dokumen ditolak") == 3
    assert _post(client, edited_draft, "draf.docx", token="palsu").status_code == 403
    assert _stored(office) == []


def test_a_bidang_account_cannot_upload_a_draft(office, edited_draft):
    app = create_app(office["outputs"], "http://127.0.0.1:3000", inputs=office["inputs"], instance=office["instance"],
                     clock=lambda: ON_TIME_UPLOAD)
    client = TestClient(app, base_url="http://testserver")
    assert log_in(client, "wira").status_code == 303
    token = csrf_of(client.get("/unggah").text)
    response = client.post("/periode/2024-12/draf", data={"csrf_token": token},
                           files={"berkas": ("d.docx", edited_draft, "application/octet-stream")}, follow_redirects=False)
    assert response.status_code == 403 and _stored(office) == []
