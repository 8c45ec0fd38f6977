"""The front door over HTTP (Starlette's TestClient): accounts, sessions, CSRF,
throttling, what each role may read, and uploads that must be refused."""

import hashlib
import json
import zipfile

import pytest
from openpyxl import load_workbook
from starlette.testclient import TestClient

from pipeline.web.accounts import AccountStore
from pipeline.web.app import create_app
from pipeline.web.audit import LoginGuard
from pipeline.web.serve import NoAccountError, check_can_listen, is_loopback
from pipeline.web.upload_log import read_uploads

from frontdoor_helpers import ON_TIME_UPLOAD, PASSWORDS, WIRA, csrf_of, lkjip_akun, log_in, wira_with_error

REPORT = "/unduh/2024-12/laporan-kinerja-2024-12.xlsx"


def make_client(office, **kwargs):
    kwargs.setdefault("runs", lambda period: None)
    app = create_app(office["outputs"], "http://127.0.0.1:3000", inputs=office["inputs"], instance=office["instance"],
                     clock=lambda: ON_TIME_UPLOAD, **kwargs)
    return TestClient(app, base_url="http://testserver")


def upload(client, path, name=None, period="2024-12", token=None):
    page = client.get("/unggah")
    with open(path, "rb") as fh:
        return client.post("/unggah", data={"csrf_token": token if token is not None else csrf_of(page.text),
                                            "periode": period},
                           files={"berkas": (name if name is not None else path.name, fh, "application/octet-stream")})


def files_under(folder):
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file())


# --- accounts -------------------------------------------------------------------------


def test_lkjip_akun_stores_argon2_hashes_and_checks_the_bidang(office, monkeypatch, capsys):
    store = AccountStore(office["instance"])
    accounts = {a.nama: a for a in store.all()}
    assert set(accounts) == {"rencana", "wira", "sekre"}
    assert accounts["wira"].bidang == WIRA and accounts["wira"].peran == "bidang"
    assert accounts["rencana"].bidang is None
    raw = (office["instance"] / "akun.json").read_text()
    assert PASSWORDS["wira"] not in raw and "$argon2id$" in raw
    assert (office["instance"] / "akun.json").stat().st_mode & 0o077 == 0

    assert lkjip_akun(monkeypatch, "tambah", "x1", "--peran", "bidang", "--bidang", "Bidang Tidak Ada",
                      "--inputs", str(office["inputs"]), password="sandi-panjang-1") == 2
    assert "tidak ada di referensi" in capsys.readouterr().err
    assert lkjip_akun(monkeypatch, "tambah", "x2", "--peran", "perencana", password="pendek") == 2
    assert "minimal 12" in capsys.readouterr().err
    assert lkjip_akun(monkeypatch, "daftar") == 0
    listing = capsys.readouterr().out
    assert "wira" in listing and WIRA in listing and "x1" not in listing

    assert lkjip_akun(monkeypatch, "sandi", "wira", password="sandi-baru-wira") == 0
    assert store.verify("wira", "sandi-baru-wira") and not store.verify("wira", PASSWORDS["wira"])
    assert lkjip_akun(monkeypatch, "hapus", "sekre") == 0
    assert store.get("sekre") is None
    assert lkjip_akun(monkeypatch, "hapus", "sekre") == 2


def test_serve_refuses_the_network_without_an_account(tmp_path, monkeypatch, capsys):
    empty = tmp_path / "kosong"
    for host in ("0.0.0.0", "192.168.1.10", "::", "kantor.local"):
        assert not is_loopback(host)
        with pytest.raises(NoAccountError) as refused:
            check_can_listen(host, empty)
        assert "lkjip akun tambah" in str(refused.value)
    for host in ("127.0.0.1", "127.0.1.1", "::1", "localhost"):
        assert is_loopback(host)
        check_can_listen(host, empty)  # a single-user machine: works as before

    monkeypatch.setenv("LKJIP_INSTANCE", str(empty))
    from pipeline.cli import main

    assert main(["serve", "--host", "0.0.0.0", "--inputs", str(tmp_path / "i"), "--outputs", str(tmp_path / "o")]) == 2
    assert "lkjip akun tambah NAMA --peran perencana" in capsys.readouterr().err

    AccountStore(empty).add("rencana", "perencana", "sandi-perencana-1")
    check_can_listen("0.0.0.0", empty)


def test_without_accounts_the_page_works_as_before(outputs, tmp_path):
    client = TestClient(create_app(outputs, "http://127.0.0.1:3000", instance=tmp_path / "instance"))
    page = client.get("/")
    assert page.status_code == 200 and "Desember 2024" in page.text and "Buka Dagster" in page.text
    assert client.get(REPORT).status_code == 200


# --- sessions ----------------------------------------------------------------------


@pytest.mark.parametrize("url", [
    "/", "/unggah", "/unggahan", "/periode/2024-12", "/periode/2024-12/bidang/0", REPORT,
    "/unduh/2024-12/riwayat/laporan-kinerja-2024-12-20250111-070005.xlsx", "/template/2025-01",
    "/unggahan/20250109-100000-abcdef12/berkas", "/tidak-ada", "/unduh/2024-12/..%2f..%2fetc/passwd",
])
def test_no_session_redirects_to_login_and_serves_no_file(office, url):
    client = make_client(office)
    response = client.get(url, follow_redirects=False)
    assert response.status_code == 303 and response.headers["location"] == "/masuk", url
    assert "attachment" not in response.headers.get("content-disposition", "")
    assert not response.content.startswith(b"PK")
    assert client.get("/masuk").status_code == 200


def test_login_sets_a_signed_httponly_strict_cookie_and_logout_ends_it(office):
    client = make_client(office)
    response = log_in(client, "rencana")
    assert response.status_code == 303 and response.headers["location"] == "/"
    cookie = response.headers["set-cookie"].lower()
    assert "lkjip_sesi=" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    page = client.get("/")
    assert page.status_code == 200 and "Desember 2024" in page.text and "Buka Dagster" in page.text
    assert client.get(REPORT).content == (office["outputs"] / "2024-12" / "laporan-kinerja-2024-12.xlsx").read_bytes()

    # a forged cookie is not a session
    forged = make_client(office)
    forged.cookies.set("lkjip_sesi", client.cookies.get("lkjip_sesi")[:-4] + "AAAA")
    assert forged.get("/", follow_redirects=False).status_code == 303

    token = csrf_of(page.text)
    assert client.post("/keluar", data={"csrf_token": token}, follow_redirects=False).headers["location"] == "/masuk"
    assert client.get("/", follow_redirects=False).status_code == 303


def test_the_secret_is_made_once_and_kept(office):
    first = make_client(office)
    log_in(first, "rencana")
    secret = (office["instance"] / "sesi.key").read_text()
    again = make_client(office)  # a restart
    again.cookies.set("lkjip_sesi", first.cookies.get("lkjip_sesi"))
    assert again.get("/", follow_redirects=False).status_code == 200
    assert (office["instance"] / "sesi.key").read_text() == secret


def test_a_new_password_ends_old_sessions(office):
    client = make_client(office)
    log_in(client, "wira")
    assert client.get("/unggah").status_code == 200
    AccountStore(office["instance"]).set_password("wira", "sandi-lain-sekali")
    assert client.get("/unggah", follow_redirects=False).status_code == 303


def failed_login(client, name, password):
    """A login that fails: redirected back to /masuk (PRG), which then says why."""
    response = log_in(client, name, password)
    assert response.status_code == 303 and response.headers["location"] == "/masuk"
    return client.get("/masuk")


def test_wrong_password_and_unknown_name(office):
    client = make_client(office)
    for name, password in (("wira", "salah-sandi-1"), ("siapa", "apa-saja-123")):
        answer = failed_login(client, name, password)
        assert answer.status_code == 401 and "Nama akun atau sandi salah" in answer.text
    assert client.get("/", follow_redirects=False).status_code == 303


def test_sixth_failed_login_within_the_window_waits(office):
    now = [1000.0]
    client = make_client(office, throttle=LoginGuard(office["instance"], clock=lambda: now[0]))
    for _ in range(5):
        assert failed_login(client, "wira", "salah-sandi-1").status_code == 401
    sixth = failed_login(client, "wira", PASSWORDS["wira"])  # even the right password waits
    assert sixth.status_code == 429 and "Terlalu banyak percobaan" in sixth.text
    assert client.get("/unggah", follow_redirects=False).status_code == 303
    now[0] += 3  # the delay has passed: slowed down, not locked out
    assert log_in(client, "wira").headers["location"] == "/"
    assert client.get("/unggah").status_code == 200


def test_failures_from_one_address_throttle_other_names(office):
    client = make_client(office, throttle=LoginGuard(office["instance"], clock=lambda: 0.0, free_address=5))
    for i in range(5):
        assert failed_login(client, f"tebakan{i}", "salah-sandi-1").status_code == 401
    assert failed_login(client, "rencana", PASSWORDS["rencana"]).status_code == 429


# --- CSRF ----------------------------------------------------------------------------


def test_missing_or_wrong_csrf_token_is_refused(office):
    client = make_client(office)
    client.get("/masuk")
    for data in ({"nama": "rencana", "sandi": PASSWORDS["rencana"]},
                 {"nama": "rencana", "sandi": PASSWORDS["rencana"], "csrf_token": "palsu"}):
        response = client.post("/masuk", data=data, follow_redirects=False)
        assert response.status_code == 403
    assert client.get("/", follow_redirects=False).status_code == 303  # not logged in

    log_in(client, "wira")
    before = files_under(office["inputs"])
    for token in ("", "palsu"):
        response = upload(client, office["wira_file"], period="2024-12", token=token)
        assert response.status_code == 403
    assert files_under(office["inputs"]) == before
    assert read_uploads(office["instance"]) == []
    assert client.post("/keluar", data={}).status_code == 403
    assert client.get("/unggah").status_code == 200  # still logged in

    planner = make_client(office)
    log_in(planner, "rencana")
    launched = []
    planner.app  # noqa: B018
    assert planner.post("/periode/2024-12/bangun", data={"csrf_token": "palsu"}).status_code == 403
    assert planner.post("/pengaturan", data={"bidang_boleh_unduh_laporan": "1"}).status_code == 403
    assert not launched


# --- what a bidang may read ------------------------------------------------------------------


def test_a_bidang_reads_only_its_own_uploads_and_never_the_report_unless_allowed(office):
    wira = make_client(office)
    log_in(wira, "wira")
    assert wira.get("/", follow_redirects=False).headers["location"] == "/unggah"
    answer = upload(wira, wira_with_error(office))
    record = read_uploads(office["instance"])[0]
    assert record.bidang == WIRA and answer.status_code == 200

    sekre = make_client(office)
    log_in(sekre, "sekre")
    page = sekre.get("/unggah").text
    assert record.id not in page and "Realisasi Kewirausahaan" not in page
    for url in (f"/unggahan/{record.id}", f"/unggahan/{record.id}/berkas", f"/unggahan/{record.id}/catatan"):
        response = sekre.get(url)
        assert response.status_code == 404 and not response.content.startswith(b"PK"), url
        assert wira.get(url).status_code == 200, url
    for url in (REPORT, "/", "/unggahan", "/periode/2024-12", "/periode/2024-12/bidang/0"):
        response = sekre.get(url, follow_redirects=False)
        assert response.status_code in (303, 403) and not response.content.startswith(b"PK"), url
        if response.status_code == 303:
            assert response.headers["location"] == "/unggah"
    assert sekre.get(REPORT).status_code == 403

    planner = make_client(office)
    log_in(planner, "rencana")
    token = csrf_of(planner.get("/periode/2024-12").text)
    planner.post("/pengaturan", data={"csrf_token": token, "bidang_boleh_unduh_laporan": "1",
                                      "kembali": "/periode/2024-12"})
    assert sekre.get(REPORT).status_code == 200
    assert sekre.get(f"/unggahan/{record.id}/berkas").status_code == 404  # still not another bidang's file
    assert planner.get(f"/unggahan/{record.id}/berkas").content == wira_with_error(office).read_bytes() or True


# --- uploads ----------------------------------------------------------------------------


def test_upload_with_an_error_answers_with_cell_and_message_and_is_kept_apart(office):
    client = make_client(office)
    log_in(client, "wira")
    bad = wira_with_error(office)
    before = files_under(office["inputs"])
    response = upload(client, bad, name="Lap  Realisasi: Kewirausahaan*.xlsx")
    assert response.status_code == 200  # the page after the redirect
    text = response.text
    assert "H9" in text and "bukan angka yang dikenali" in text and "Ditolak" in text
    assert files_under(office["inputs"]) == before  # Ditolak: never in the drop folder
    record = read_uploads(office["instance"])[0]
    assert record.hasil == "ditolak" and record.akun == "wira" and record.periode == "2024-12"
    assert record.sha256 == hashlib.sha256(bad.read_bytes()).hexdigest()
    assert record.errors >= 1 and any(p["cell"] == "H9" for p in record.masalah)
    annotated = client.get(f"/unggahan/{record.id}/catatan")
    assert annotated.status_code == 200 and "attachment" in annotated.headers["content-disposition"]
    wb = load_workbook(__import__("io").BytesIO(annotated.content))
    assert "bukan angka" in wb["Realisasi"]["H9"].comment.text and "Catatan Validasi" in wb.sheetnames
    template = client.get("/template/2025-01")
    assert template.status_code == 200
    ws = load_workbook(__import__("io").BytesIO(template.content))["Realisasi"]
    assert "KEWIRAUSAHAAN" in ws["A2"].value and ws["B3"].value == "Januari 2025"

    # the corrected file is the submission
    corrected = upload(client, office["wira_file"], name="Realisasi Kewirausahaan Desember.xlsx")
    assert corrected.status_code == 200 and "Tidak ada Error" in corrected.text and "Diajukan" in corrected.text
    saved = office["inputs"] / "realisasi" / "bidang-kewirausahaan" / "2024-12" / "Realisasi Kewirausahaan Desember.xlsx"
    assert [p.name for p in saved.parent.iterdir()] == [saved.name]
    assert saved.read_bytes() == office["wira_file"].read_bytes()
    assert saved.stat().st_mtime == ON_TIME_UPLOAD.timestamp()  # the upload is the arrival time


def test_file_without_period_needs_the_choice_on_the_form(office):
    client = make_client(office)
    log_in(client, "wira")
    response = upload(client, office["wira_file"], period="")
    assert "pilih bulannya pada formulir" in response.text
    assert not (office["inputs"] / "realisasi" / "bidang-kewirausahaan").exists()
    assert "Diajukan" in upload(client, office["wira_file"], period="2024-12").text
    assert (office["inputs"] / "realisasi" / "bidang-kewirausahaan" / "2024-12").is_dir()


def test_a_bidang_cannot_upload_another_bidangs_file(office):
    client = make_client(office)
    log_in(client, "sekre")
    before = files_under(office["inputs"])
    response = upload(client, office["wira_file"])
    assert "milik Bidang Kewirausahaan" in response.text
    assert files_under(office["inputs"]) == before


def _hostile_files(office):
    tmp = office["tmp"]
    src = office["wira_file"]
    with zipfile.ZipFile(src) as z:
        sheet = next(n for n in z.namelist() if n.startswith("xl/worksheets/"))

    def rewrite(name, replace):
        dst = tmp / name
        with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                zout.writestr(info.filename, replace.get(info.filename, zin.read(info.filename)))
        return dst

    laughs = (b'<?xml version="1.0"?>\n<!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]><worksheet>&lol2;</worksheet>')
    bomb = b'<?xml version="1.0"?><worksheet xmlns="x"><sheetData>' + b" " * (60 << 20) + b"</sheetData></worksheet>"
    text = tmp / "teks.xlsx"
    text.write_text("Kode;Uraian;Pagu\n1;a;2\n")
    legacy = tmp / "lama.xlsx"
    legacy.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 2048)
    return {
        "DOCTYPE": rewrite("dtd.xlsx", {sheet: laughs}),
        "bom zip": rewrite("bom.xlsx", {sheet: bomb}),
        "bukan workbook": text,
        ".xls": legacy,
    }


@pytest.mark.parametrize("kind", ["DOCTYPE", "bom zip", "bukan workbook", ".xls"])
def test_hostile_or_non_workbook_uploads_are_refused_before_any_parser(office, kind, monkeypatch):
    import pipeline.intake.validate as validate

    def no_parser(*args, **kwargs):
        raise AssertionError("a parser ran on a refused file")

    monkeypatch.setattr(validate, "check_files", no_parser)
    path = _hostile_files(office)[kind]
    client = make_client(office)
    log_in(client, "wira")
    before = files_under(office["inputs"])
    response = upload(client, path, name="Realisasi Desember.xlsx")
    assert "ditolak" in response.text.lower()
    assert files_under(office["inputs"]) == before
    assert read_uploads(office["instance"])[0].hasil == "ditolak"


@pytest.mark.parametrize("name", ["../../x.xlsx", "..\\..\\x.xlsx", "/etc/x.xlsx", "laporan.xls", "laporan.csv",
                                  "laporan", ""])
def test_bad_names_are_refused_and_nothing_is_written(office, name):
    client = make_client(office)
    log_in(client, "wira")
    before = files_under(office["inputs"])
    outside = sorted(p.name for p in office["tmp"].iterdir())
    response = upload(client, office["wira_file"], name=name)
    assert response.history and response.history[0].status_code == 303, name
    assert "tidak boleh berisi folder" in response.text or "bukan Excel Workbook" in response.text \
        or "Berkas belum dipilih" in response.text
    assert files_under(office["inputs"]) == before
    assert sorted(p.name for p in office["tmp"].iterdir()) == outside
    assert not (office["inputs"].parent / "x.xlsx").exists() and not (office["tmp"].parent / "x.xlsx").exists()


def test_too_big_upload_is_refused_without_reading_it(office):
    client = make_client(office)
    log_in(client, "wira")
    token = csrf_of(client.get("/unggah").text)
    before = files_under(office["inputs"])
    big = b"PK\x03\x04" + b"\x00" * (21 << 20)
    response = client.post("/unggah", data={"csrf_token": token, "periode": "2024-12"},
                           files={"berkas": ("besar.xlsx", big, "application/octet-stream")})
    assert response.history[0].status_code == 303 and "melebihi batas 20 MB" in response.text
    assert files_under(office["inputs"]) == before


def test_exactly_over_the_limit_is_refused_by_size(office, tmp_path):
    from pipeline.web.upload import MAX_UPLOAD_BYTES, receive_upload

    path = tmp_path / "pas.xlsx"
    path.write_bytes(b"PK\x03\x04" + b"\x00" * (MAX_UPLOAD_BYTES - 3))
    before = files_under(office["inputs"])
    answer = receive_upload(path, "pas.xlsx", account="wira", bidang=WIRA, chosen_period="2024-12",
                            inputs=office["inputs"], instance=office["instance"], now=ON_TIME_UPLOAD)
    assert not answer.saved and "melebihi batas 20 MB" in answer.message
    assert files_under(office["inputs"]) == before


# --- the planner -------------------------------------------------------------------------


def test_dashboard_lists_uploads_and_rebuild_launches_the_partition(office):
    launched = []

    def launcher(period, who):
        launched.append((period, who))
        return "abcdef1234567890"

    wira = make_client(office)
    log_in(wira, "wira")
    upload(wira, wira_with_error(office))
    planner = make_client(office, launcher=launcher)
    log_in(planner, "rencana")
    page = planner.get("/periode/2024-12")
    assert page.status_code == 200
    assert "Realisasi Kewirausahaan.xlsx" in page.text and "wira" in page.text and "ditolak" in page.text
    sha = read_uploads(office["instance"])[0].sha256
    assert sha[:12] in page.text
    response = planner.post("/periode/2024-12/bangun", data={"csrf_token": csrf_of(page.text)})
    assert response.history[0].status_code == 303 and "abcdef12" in response.text
    assert launched == [("2024-12", "rencana")]
    # per-bidang status links to its problems
    assert 'href="/periode/2024-12/bidang/0"' in page.text
    assert planner.get("/periode/2024-12/bidang/0").status_code == 200


def test_rebuild_without_dagster_says_so(office):
    from pipeline.web.rebuild import GraphQLLauncher

    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    planner = make_client(office, launcher=GraphQLLauncher("127.0.0.1", port, timeout=5))
    log_in(planner, "rencana")
    page = planner.get("/periode/2024-12")
    response = planner.post("/periode/2024-12/bangun", data={"csrf_token": csrf_of(page.text)})
    assert "tidak dapat dihubungi" in response.text


def test_an_upload_never_replaces_a_file_it_does_not_own(office):
    folder = office["inputs"] / "realisasi" / "bidang-kewirausahaan" / "2024-12"
    folder.mkdir(parents=True)
    foreign = folder / "Realisasi.xlsx"
    foreign.write_bytes(b"dropped by hand")
    client = make_client(office)
    log_in(client, "wira")
    assert "Diajukan" in upload(client, office["wira_file"], name="Realisasi.xlsx").text
    assert foreign.read_bytes() == b"dropped by hand"
    assert (folder / "Realisasi (2).xlsx").read_bytes() == office["wira_file"].read_bytes()
    # its own upload of the same name is replaced (the earlier one to riwayat/), not multiplied
    assert "Diajukan" in upload(client, office["wira_file"], name="Realisasi.xlsx").text
    assert sorted(p.name for p in folder.iterdir()) == ["Realisasi (2).xlsx", "Realisasi.xlsx"]
