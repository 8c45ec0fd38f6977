"""The front door under attack, over HTTP (Starlette's TestClient): parallel guessing, old cookies,
page_app without a session, headers, weak passwords, uploads logged before they are checked."""

import threading

import pytest
from starlette.testclient import TestClient

from pipeline.web.accounts import AccountError, AccountStore
from pipeline.web.app import create_app
from pipeline.web.audit import AuditLog, LoginGuard, Sessions

from frontdoor_helpers import ON_TIME_UPLOAD, PASSWORDS, csrf_of, lkjip_akun, log_in


@pytest.fixture(autouse=True)
def cheap_argon2(monkeypatch):
    """Cheap Argon2 parameters for these tests (the page's own are about 0.7 s per check here)."""
    from argon2 import PasswordHasher

    monkeypatch.setattr("pipeline.web.accounts._hasher", PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1))


def make_app(office, **kwargs):
    kwargs.setdefault("runs", lambda period: None)
    return create_app(office["outputs"], "http://127.0.0.1:3000", inputs=office["inputs"],
                      instance=office["instance"], clock=lambda: ON_TIME_UPLOAD, **kwargs)


def make_client(office, app=None, **kwargs):
    return TestClient(app or make_app(office, **kwargs), base_url="http://testserver")


def test_thirty_parallel_wrong_logins_check_at_most_five_passwords_and_the_user_gets_in(office, monkeypatch):
    now = [10_000.0]
    guard = LoginGuard(office["instance"], clock=lambda: now[0])
    app = make_app(office, throttle=guard)
    checks, running, most = [], [0], [0]
    lock = threading.Lock()
    real = AccountStore.verify

    def counted(self, name, password):
        with lock:
            checks.append(name)
            running[0] += 1
            most[0] = max(most[0], running[0])
        try:
            threading.Event().wait(0.05)  # a slow hash: the tries overlap
            return real(self, name, password)
        finally:
            with lock:
                running[0] -= 1

    monkeypatch.setattr(AccountStore, "verify", counted)
    clients = [make_client(office, app) for _ in range(30)]
    tokens = [csrf_of(c.get("/masuk").text) for c in clients]
    answers = []

    def attempt(i):
        r = clients[i].post("/masuk", data={"nama": "rencana", "sandi": f"tebakan-salah-{i:03d}",
                                            "csrf_token": tokens[i]}, follow_redirects=False)
        answers.append(r.status_code)

    threads = [threading.Thread(target=attempt, args=(i,)) for i in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(answers) == 30 and set(answers) == {303}
    assert len(checks) <= 5, f"{len(checks)} passwords checked"
    assert most[0] <= 1  # one check at a time for one account

    # the rightful user, within a minute (the delay grows, never a lock-out)
    now[0] += 60
    rightful = make_client(office, app)
    assert log_in(rightful, "rencana").headers["location"] == "/"
    assert rightful.get("/").status_code == 200
    failed = [r for r in AuditLog(office["instance"]).rows() if r.aksi == "gagal masuk"]
    assert len(failed) == 30 and all(r.akun == "rencana" for r in failed)


def test_login_counts_survive_a_restart(office):
    now = [5_000.0]
    first = make_client(office, throttle=LoginGuard(office["instance"], clock=lambda: now[0]))
    for i in range(5):
        log_in(first, "wira", f"salah-sandi-{i:02d}")
    restarted = make_client(office, throttle=LoginGuard(office["instance"], clock=lambda: now[0]))
    log_in(restarted, "wira")
    answer = restarted.get("/masuk")
    assert answer.status_code == 429 and "Terlalu banyak percobaan" in answer.text


def test_delay_grows_exponentially_and_is_capped(tmp_path):
    guard = LoginGuard(tmp_path)
    assert [guard.delay_for(n) for n in (0, 4, 5, 6, 7, 8, 20)] == [0, 0, 2, 4, 8, 16, 60]


def test_successful_logins_never_slow_down_an_office_behind_one_address(office):
    guard = LoginGuard(office["instance"], clock=lambda: 0.0)
    for i in range(12):  # twelve staff log in through the same proxy
        client = make_client(office, throttle=guard)
        assert log_in(client, ("rencana", "wira", "sekre")[i % 3]).headers["location"] == "/", i
    for i in range(3):  # and a few mistype
        log_in(make_client(office, throttle=guard), "wira", f"salah-sandi-{i:02d}")
    assert log_in(make_client(office, throttle=guard), "sekre").headers["location"] == "/"


def test_an_old_cookie_is_refused_after_logout_and_after_a_restart(office):
    client = make_client(office)
    log_in(client, "rencana")
    assert client.get("/").status_code == 200
    old = client.cookies.get("lkjip_sesi")
    token = csrf_of(client.get("/").text)
    assert client.post("/keluar", data={"csrf_token": token}, follow_redirects=False).status_code == 303

    replay = make_client(office)
    replay.cookies.set("lkjip_sesi", old)
    assert replay.get("/", follow_redirects=False).status_code == 303
    restarted = make_client(office)  # a new app on the same instance: a restart
    restarted.cookies.set("lkjip_sesi", old)
    assert restarted.get("/", follow_redirects=False).headers["location"] == "/masuk"

    # a session that was not ended survives a restart (stored on the server), until logout elsewhere
    log_in(client, "rencana")
    live = client.cookies.get("lkjip_sesi")
    again = make_client(office)
    again.cookies.set("lkjip_sesi", live)
    assert again.get("/", follow_redirects=False).status_code == 200
    assert '"sid"' not in live and "rencana" not in live  # the cookie names no account


def test_password_change_in_the_page_ends_every_session(office):
    one, two = make_client(office), make_client(office)
    log_in(one, "wira")
    log_in(two, "wira")
    page = one.get("/akun")
    assert page.status_code == 200 and "Ganti sandi" in page.text and "Daftar akun" not in page.text
    token = csrf_of(page.text)
    weak = one.post("/akun/sandi", data={"csrf_token": token, "sandi_lama": PASSWORDS["wira"],
                                         "sandi_baru": "password1234", "sandi_ulang": "password1234"})
    assert "terlalu umum" in weak.text
    changed = one.post("/akun/sandi", data={"csrf_token": token, "sandi_lama": PASSWORDS["wira"],
                                            "sandi_baru": "kuda-biru-makan-nasi", "sandi_ulang": "kuda-biru-makan-nasi"},
                       follow_redirects=False)
    assert changed.status_code == 303 and changed.headers["location"] == "/masuk"
    for client in (one, two):
        assert client.get("/unggah", follow_redirects=False).status_code == 303
    assert log_in(one, "wira", "kuda-biru-makan-nasi").headers["location"] == "/"
    assert any(r.aksi == "ubah akun" and r.akun == "wira" for r in AuditLog(office["instance"]).rows())

    planner = make_client(office)
    log_in(planner, "rencana")
    listing = planner.get("/akun").text
    assert "Daftar akun" in listing and "wira" in listing and "sekre" in listing


@pytest.mark.parametrize("password", ["pendek-1", "password1234", "Rahasia123!!", "wirawirawira1", "aaaaaaaaaaaaaa"])
def test_weak_passwords_are_refused(office, monkeypatch, password):
    with pytest.raises(AccountError):
        AccountStore(office["instance"]).add("wirawira", "perencana", password)
    assert lkjip_akun(monkeypatch, "sandi", "wira", password=password) == 2


def test_page_app_refuses_to_start_without_an_account_and_every_page_needs_a_session(office, tmp_path, monkeypatch):
    from pipeline.web.serve import NoAccountForPage, page_app

    monkeypatch.setenv("LKJIP_OUTPUTS", str(office["outputs"]))
    monkeypatch.setenv("LKJIP_INPUTS", str(office["inputs"]))
    monkeypatch.setenv("LKJIP_INSTANCE", str(tmp_path / "kosong"))
    with pytest.raises(NoAccountForPage):
        page_app()
    monkeypatch.setenv("LKJIP_INSTANCE", str(office["instance"]))
    client = TestClient(page_app(), base_url="http://testserver")
    for url in ("/", "/periode/2024-12", "/unduh/2024-12/laporan-kinerja-2024-12.xlsx", "/audit", "/audit.csv",
                "/unggah", "/akun"):
        response = client.get(url, follow_redirects=False)
        assert response.status_code == 303 and response.headers["location"] == "/masuk", url
        assert not response.content.startswith(b"PK")
    assert log_in(client, "rencana").headers["location"] == "/"
    assert client.get("/").status_code == 200


def test_without_accounts_required_even_an_empty_instance_gets_no_planner(outputs, tmp_path):
    app = create_app(outputs, "", inputs=tmp_path, instance=tmp_path / "leer", runs=lambda p: None,
                     require_accounts=True)
    client = TestClient(app, base_url="http://testserver")
    assert client.get("/", follow_redirects=False).headers["location"] == "/masuk"


def test_security_headers_on_pages_files_and_errors(office):
    client = make_client(office)
    log_in(client, "rencana")
    for url in ("/masuk", "/", "/unduh/2024-12/laporan-kinerja-2024-12.xlsx", "/tidak-ada"):
        response = client.get(url)
        headers = response.headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"], url
        assert "default-src 'self'" in headers["content-security-policy"], url
        assert "script-src 'self';" in headers["content-security-policy"], url  # no inline script
        assert headers["x-content-type-options"] == "nosniff", url
        assert headers["referrer-policy"] == "no-referrer", url
        assert headers["x-frame-options"] == "DENY", url


def test_secure_cookies_behind_https(office, monkeypatch):
    plain = make_client(office)
    assert "secure" not in log_in(plain, "rencana").headers["set-cookie"].lower()
    secure = TestClient(make_app(office, secure_cookies=True), base_url="https://testserver")
    answer = log_in(secure, "rencana")
    cookie = answer.headers["set-cookie"].lower()
    assert "secure" in cookie and "httponly" in cookie and "samesite=strict" in cookie
    assert "max-age=" in answer.headers["strict-transport-security"]
    assert "strict-transport-security" not in log_in(make_client(office), "rencana").headers
    monkeypatch.setenv("LKJIP_SECURE_COOKIES", "1")
    by_env = TestClient(make_app(office), base_url="https://testserver")
    assert "secure" in log_in(by_env, "rencana").headers["set-cookie"].lower()


def test_every_post_answers_with_a_redirect(office):
    wira = make_client(office)
    log_in(wira, "wira")
    token = csrf_of(wira.get("/unggah").text)
    with open(office["wira_file"], "rb") as fh:
        response = wira.post("/unggah", data={"csrf_token": token, "periode": "2024-12"},
                             files={"berkas": ("Realisasi.xlsx", fh, "application/octet-stream")},
                             follow_redirects=False)
    assert response.status_code == 303
    shown = wira.get("/unggah").text
    assert "Diajukan" in shown
    assert "Diajukan: berkas" not in wira.get("/unggah").text  # the answer is shown once; a reload sends nothing


def test_an_upload_is_logged_before_it_is_checked(office, monkeypatch):
    import pipeline.web.app as app_module

    seen = []

    def broken(*args, **kwargs):
        seen.append([r.aksi for r in AuditLog(office["instance"]).rows()])
        raise RuntimeError("the checker died")

    monkeypatch.setattr(app_module, "receive_upload", broken)
    client = make_client(office)
    client.app_raise = False
    log_in(client, "wira")
    token = csrf_of(client.get("/unggah").text)
    client_no_raise = TestClient(client.app, base_url="http://testserver", raise_server_exceptions=False)
    client_no_raise.cookies.update(client.cookies)
    with open(office["wira_file"], "rb") as fh:
        client_no_raise.post("/unggah", data={"csrf_token": token, "periode": "2024-12"},
                             files={"berkas": ("Realisasi.xlsx", fh, "application/octet-stream")})
    assert seen and "unggah" in seen[0]
    row = next(r for r in AuditLog(office["instance"]).rows() if r.aksi == "unggah")
    assert row.berkas == "Realisasi.xlsx" and len(row.sha256) == 64 and row.akun == "wira"


def test_uploads_beyond_the_checkers_wait_and_are_told(office, monkeypatch):
    import pipeline.web.app as app_module

    monkeypatch.setattr(app_module, "UPLOAD_QUEUE_SECONDS", 0.2)
    gate, inside = threading.Event(), threading.Event()
    real = app_module.receive_upload

    def slow(*args, **kwargs):
        inside.set()
        gate.wait(20)
        return real(*args, **kwargs)

    monkeypatch.setattr(app_module, "receive_upload", slow)
    app = make_app(office, max_checks=1)
    first, second = make_client(office, app), make_client(office, app)
    for c in (first, second):
        log_in(c, "wira")

    def send(client, out):
        token = csrf_of(client.get("/unggah").text)
        with open(office["wira_file"], "rb") as fh:
            out.append(client.post("/unggah", data={"csrf_token": token, "periode": "2024-12"},
                                   files={"berkas": ("Realisasi.xlsx", fh, "application/octet-stream")}).text)

    done_first: list = []
    t = threading.Thread(target=send, args=(first, done_first))
    t.start()
    assert inside.wait(20)
    done_second: list = []
    send(second, done_second)
    gate.set()
    t.join()
    assert "Terlalu banyak berkas sedang diperiksa" in done_second[0]
    assert "Diajukan" in done_first[0]


def test_sessions_store_ends_sessions(tmp_path):
    sessions = Sessions(tmp_path, clock=lambda: 100.0)
    a, b = sessions.create("wira", "tag"), sessions.create("wira", "tag")
    assert sessions.get(a) == ("wira", "tag")
    sessions.end(a)
    assert sessions.get(a) is None and sessions.get(b) is not None
    sessions.end_all("wira")
    assert sessions.get(b) is None and sessions.get(None) is None


def test_no_inline_script_the_drag_and_drop_comes_from_the_page_itself(office):
    client = make_client(office)
    log_in(client, "wira")
    page = client.get("/unggah").text
    assert "<script>" not in page and '<script src="/aset/unggah.js">' in page
    script = client.get("/aset/unggah.js")
    assert script.status_code == 200 and "javascript" in script.headers["content-type"]
    assert "dataTransfer" in script.text


def test_the_referensi_is_read_once_per_content_not_on_every_page(office, monkeypatch):
    import os

    from pipeline.intake import referensi as referensi_module

    calls = []
    real = referensi_module.deadline_day_in_effect

    def counted(inputs, *args, **kwargs):
        calls.append(inputs)
        return real(inputs, *args, **kwargs)

    monkeypatch.setattr(referensi_module, "deadline_day_in_effect", counted)
    client = make_client(office)
    log_in(client, "wira")
    for _ in range(3):
        assert client.get("/unggah").status_code == 200
    assert len(calls) == 1
    referensi = next((office["inputs"] / "referensi").glob("*.xlsx"))
    stat = referensi.stat()
    os.utime(referensi, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000_000))  # a new version of the file
    client.get("/unggah")
    assert len(calls) == 2
