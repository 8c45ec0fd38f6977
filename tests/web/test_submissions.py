"""Submissions verified and locked (inputs contract): over HTTP with Starlette's TestClient, on the
sample inputs (Bidang Kewirausahaan's December file)."""

import csv
import io
import shutil

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from pipeline.intake.submission_store import SubmissionStore, read_states
from pipeline.web.app import create_app
from pipeline.web.audit import AuditLog
from pipeline.web.upload_log import read_uploads

from frontdoor_helpers import ON_TIME_UPLOAD, WIRA, csrf_of, log_in, wira_with_error

WIRA_DROPPED = "realisasi/2024-12/Lap Realisasi Bidang Kewirausahaan.xlsx"


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """Cheap Argon2 parameters for these tests (the page's own are about 0.7 s per check here)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("pipeline.web.accounts._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


class NoRuns:
    def __call__(self, period):
        return None


def make_client(office, **kwargs):
    app = create_app(office["outputs"], "http://127.0.0.1:3000", inputs=office["inputs"], instance=office["instance"],
                     clock=lambda: ON_TIME_UPLOAD, runs=NoRuns(), launcher=lambda p, w: "run-" + p, **kwargs)
    return TestClient(app, base_url="http://testserver")


def upload(client, path, name=None, period="2024-12"):
    token = csrf_of(client.get("/unggah").text)
    with open(path, "rb") as fh:
        return client.post("/unggah", data={"csrf_token": token, "periode": period},
                           files={"berkas": (name or path.name, fh, "application/octet-stream")},
                           follow_redirects=False)


def files_under(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


def mistyped(office, name="Realisasi Kewirausahaan.xlsx"):
    """The clean December file with one realisasi anggaran mistyped: 449.688.500 for 49.688.500 (above its pagu)."""
    wb = load_workbook(office["wira_file"])
    wb.active["H10"] = 449688500
    path = office["tmp"] / name
    wb.save(path)
    return path


def planner_decides(client, action, bidang=WIRA, note="", period="2024-12"):
    token = csrf_of(client.get(f"/periode/{period}").text)
    return client.post(f"/periode/{period}/pengajuan", data={"csrf_token": token, "bidang": bidang, "aksi": action,
                                                             "catatan": note}, follow_redirects=False)


@pytest.fixture
def dropped(office):
    """The office with Bidang Kewirausahaan's clean December file in the shared folder (dropped directly)."""
    shutil.copy(office["wira_file"], office["inputs"] / WIRA_DROPPED)
    return office


def test_mistyped_upload_needs_confirmation_and_changes_nothing_until_confirmed(dropped):
    office = dropped
    client = make_client(office)
    log_in(client, "wira")
    before = files_under(office["inputs"])
    response = upload(client, mistyped(office))
    assert response.status_code == 303 and response.headers["location"].startswith("/unggah")  # PRG
    page = client.get("/unggah").text
    assert "menunggu konfirmasi" in page or "Berkas belum diajukan" in page
    # the figures before and after: the bidang's total realisasi anggaran
    assert "Rp 925.679.759" in page and "Rp 1.325.679.759" in page
    assert "melebihi pagu" in page
    assert files_under(office["inputs"]) == before  # nothing the run reads has changed
    pending = read_uploads(office["instance"], bidang=WIRA)[0]
    assert pending.hasil == "menunggu konfirmasi" and pending.angka["berkas_lama"] == [WIRA_DROPPED]
    assert read_states(office["instance"], "2024-12") == {}

    token = csrf_of(page)
    confirmed = client.post(f"/unggahan/{pending.id}/konfirmasi", data={"csrf_token": token}, follow_redirects=False)
    assert confirmed.status_code == 303
    after = files_under(office["inputs"])
    assert WIRA_DROPPED not in after  # the file of the shared folder is replaced ...
    assert any(f.startswith("riwayat/2024-12/bidang-kewirausahaan/") and f.endswith(
        "Lap Realisasi Bidang Kewirausahaan.xlsx") for f in after)  # ... kept in riwayat/, never deleted
    assert "realisasi/bidang-kewirausahaan/2024-12/Realisasi Kewirausahaan.xlsx" in after
    assert read_uploads(office["instance"], bidang=WIRA)[0].hasil == "diterima"
    assert read_states(office["instance"], "2024-12")["bidang kewirausahaan"].status == "Diajukan"
    actions = [r.aksi for r in AuditLog(office["instance"]).rows()]
    assert {"unggah", "unggah diperiksa", "konfirmasi", "masuk"} <= set(actions)


def test_an_upload_with_an_error_is_refused_and_never_replaces_a_clean_submission(office):
    client = make_client(office)
    log_in(client, "wira")
    clean = office["tmp"] / "Realisasi Bersih.xlsx"
    shutil.copy(office["wira_file"], clean)
    upload(client, clean)
    assert read_uploads(office["instance"], bidang=WIRA)[0].hasil == "diterima"
    saved = files_under(office["inputs"])
    assert "realisasi/bidang-kewirausahaan/2024-12/Realisasi Bersih.xlsx" in saved

    response = upload(client, wira_with_error(office))
    assert response.status_code == 303
    page = client.get("/unggah").text
    assert "Ditolak" in page and "H9" in page
    assert files_under(office["inputs"]) == saved  # the clean submission stands
    latest = read_uploads(office["instance"], bidang=WIRA)[0]
    assert latest.hasil == "ditolak" and latest.errors >= 1 and latest.disimpan is None
    state = SubmissionStore(office["instance"]).get(WIRA, "2024-12")
    assert state.status == "Diajukan"  # not Ditolak: the clean one is still the submission
    assert [h["status"] for h in SubmissionStore(office["instance"]).history(WIRA, "2024-12")][:2] == [
        "Ditolak", "Diajukan"]


def test_verify_locks_then_unlock_with_a_reason_lets_an_upload_in(office):
    bidang = make_client(office)
    log_in(bidang, "wira")
    first = office["tmp"] / "Realisasi Pertama.xlsx"
    shutil.copy(office["wira_file"], first)
    upload(bidang, first)

    planner = make_client(office)
    log_in(planner, "rencana")
    dashboard = planner.get("/periode/2024-12").text
    assert 'id="tabel-pengajuan"' in dashboard and "Diajukan" in dashboard and "Verifikasi" in dashboard
    assert planner_decides(planner, "verifikasi").status_code == 303
    assert SubmissionStore(office["instance"]).get(WIRA, "2024-12").terkunci

    page = bidang.get("/unggah").text
    assert "Diverifikasi" in page
    second = office["tmp"] / "Realisasi Kedua.xlsx"
    shutil.copy(office["wira_file"], second)
    upload(bidang, second)
    refused = bidang.get("/unggah").text
    assert "sudah diverifikasi perencana dan dikunci" in refused
    assert "realisasi/bidang-kewirausahaan/2024-12/Realisasi Kedua.xlsx" not in files_under(office["inputs"])

    assert planner_decides(planner, "buka", note="").status_code == 303  # a reason is required
    assert SubmissionStore(office["instance"]).get(WIRA, "2024-12").terkunci
    planner_decides(planner, "buka", note="Salah ketik pagu sub kegiatan 0003")
    state = SubmissionStore(office["instance"]).get(WIRA, "2024-12")
    assert not state.terkunci and "Salah ketik pagu" in state.catatan

    upload(bidang, second)
    names = files_under(office["inputs"])
    assert "realisasi/bidang-kewirausahaan/2024-12/Realisasi Kedua.xlsx" in names
    assert "realisasi/bidang-kewirausahaan/2024-12/Realisasi Pertama.xlsx" not in names
    assert SubmissionStore(office["instance"]).get(WIRA, "2024-12").status == "Diajukan"

    rows = AuditLog(office["instance"]).rows()
    actions = [r.aksi for r in rows]
    for step in ("verifikasi", "kunci", "buka kunci", "unggah", "masuk"):
        assert step in actions, step
    unlock = next(r for r in rows if r.aksi == "buka kunci")
    assert unlock.akun == "rencana" and unlock.bidang == WIRA and "Salah ketik" in unlock.keterangan
    upload_row = next(r for r in rows if r.aksi == "unggah" and r.berkas == "Realisasi Kedua.xlsx")
    assert len(upload_row.sha256) == 64 and upload_row.alamat == "testclient"


def test_returned_with_a_note_the_bidang_sees_it(office):
    bidang = make_client(office)
    log_in(bidang, "wira")
    clean = office["tmp"] / "Realisasi.xlsx"
    shutil.copy(office["wira_file"], clean)
    upload(bidang, clean)
    planner = make_client(office)
    log_in(planner, "rencana")
    planner_decides(planner, "kembalikan", note="Lampirkan bukti realisasi sub kegiatan 0002")
    page = bidang.get("/unggah").text
    assert "Dikembalikan" in page and "Lampirkan bukti realisasi sub kegiatan 0002" in page
    assert any(r.aksi == "kembalikan" and "bukti" in r.keterangan for r in AuditLog(office["instance"]).rows())


def test_a_bidang_cannot_decide_and_the_planner_reads_the_audit_log_as_csv(office):
    bidang = make_client(office)
    log_in(bidang, "wira")
    token = csrf_of(bidang.get("/unggah").text)
    assert bidang.post("/periode/2024-12/pengajuan", data={"csrf_token": token, "bidang": WIRA,
                                                           "aksi": "verifikasi"}).status_code == 403
    assert bidang.get("/audit").status_code == 403 and bidang.get("/audit.csv").status_code == 403
    planner = make_client(office)
    log_in(planner, "rencana")
    log_in(make_client(office), "wira", "bukan-sandinya-123")
    assert planner.get("/audit").status_code == 200
    response = planner.get("/audit.csv")
    assert response.status_code == 200 and "attachment" in response.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert {"masuk", "gagal masuk"} <= {r["aksi"] for r in rows}
    assert all(r["waktu"] and r["alamat"] for r in rows)


def test_dropped_files_count_as_diajukan_on_the_planners_page(dropped):
    planner = make_client(dropped)
    log_in(planner, "rencana")
    page = planner.get("/periode/2024-12").text
    row = page.split(f'data-bidang="{WIRA}"', 1)[1].split("</tr>", 1)[0]
    assert "Diajukan" in row or "Belum diajukan" in row  # from the last run's files


def test_nothing_to_verify_for_a_bidang_that_sent_nothing(office):
    planner = make_client(office)
    log_in(planner, "rencana")
    answer = planner_decides(planner, "verifikasi", bidang="Sekretariat")
    assert answer.status_code == 303
    assert "belum mengajukan" in planner.get("/periode/2024-12").text
    assert SubmissionStore(office["instance"]).get("Sekretariat", "2024-12") is None


def test_a_newer_upload_overtakes_one_waiting_for_confirmation(dropped):
    office = dropped
    client = make_client(office)
    log_in(client, "wira")
    upload(client, mistyped(office))
    pending = read_uploads(office["instance"], bidang=WIRA)[0]
    clean = office["tmp"] / "Realisasi Bersih.xlsx"
    shutil.copy(office["wira_file"], clean)
    upload(client, clean)
    assert {r.id: r.hasil for r in read_uploads(office["instance"], bidang=WIRA)}[pending.id] == "diganti"
    token = csrf_of(client.get("/unggah").text)
    late = client.post(f"/unggahan/{pending.id}/konfirmasi", data={"csrf_token": token})
    assert "tidak menunggu konfirmasi" in late.text
    names = files_under(office["inputs"])
    assert "realisasi/bidang-kewirausahaan/2024-12/Realisasi Bersih.xlsx" in names
    assert "realisasi/bidang-kewirausahaan/2024-12/Realisasi Kewirausahaan.xlsx" not in names
