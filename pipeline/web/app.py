"""The office's page: the planner's reports and dashboard, each bidang's uploads.

Plain Starlette (comes with dagster-webserver) and Jinja2 templates
(``pipeline/web/templates/``, autoescaped).  With accounts (``lkjip akun``),
every page but ``/masuk`` needs a session and redirects there without one; with
no account yet the page works for one user on the machine itself, as the
planner.

Report files are served only from the outputs folder, only ``.xlsx`` (and the
period's ``.docx``) files directly in a period folder or its ``riwayat/``
folder; anything else is a 404.  A bidang sees only its own uploads and
status, and the consolidated report only when the planner allows it.
"""

from __future__ import annotations

import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import UploadFile
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from pipeline import settings
from pipeline.domain.periods import Period, date_label_id
from pipeline.domain.formatting import number_id, percent_id, rupiah
from pipeline.domain.submissions import collection_period
from pipeline.report.publish import HISTORY_DIR, STAMP_FORMAT, read_summary
from pipeline.web.download import file_response, has_link
from pipeline.web.pemda import office_folder, pemda_routes
from pipeline.settings import REPORT_NAME, TIMEZONE
from pipeline.web import audit as audit_mod
from pipeline.web import auth
from pipeline.web.accounts import PLANNER, AccountError, AccountStore, check_password
from pipeline.web.instance import page_settings, save_page_settings
from pipeline.web.upload import (MAX_UPLOAD_BYTES, Refused, archived_file, confirm_upload, new_upload_id,
                                 receive_upload)
from pipeline.web.upload_log import find_upload, read_uploads, record_upload

WITA = ZoneInfo(TIMEZONE)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
DOCUMENT_NAME = "laporan-kinerja-{period}.docx"
_NAME_RE = re.compile(r"^[^/\\\x00-\x1f]{1,200}$")
_STAMP_RE = re.compile(r"-(\d{8}-\d{6})(?:-\d+)?\.xlsx$")  # -2, -3: same second
DEFAULT_INSTANSI = "Perangkat Daerah"  # until a run has published the referensi's Nama Instansi
SESSION_COOKIE = "lkjip_sesi"
SESSION_MAX_AGE = 12 * 3600
FORM_OVERHEAD = 64 * 1024  # multipart boundaries and the small fields around the file
UPLOAD_QUEUE_SECONDS = 60  # an upload waits this long for a free checker, then is told to come back

STATUS_CLASS = {"Tepat Waktu": "ok", "Terlambat": "late", "Belum Mengirim": "missing"}
TEMPLATES = Path(__file__).with_name("templates")


def period_label(period: str) -> str:
    parsed = Period.from_key(period)
    return parsed.label_id() if parsed is not None else str(period)


def format_time(moment: datetime | None) -> str:
    if moment is None:
        return "-"
    moment = moment.replace(tzinfo=WITA) if moment.tzinfo is None else moment.astimezone(WITA)
    return f"{date_label_id(moment)} {moment:%H:%M} WITA"


def format_size(size: int) -> str:
    value = float(size)
    for unit in ("B", "KB", "MB", "GB"):
        if value < 1024 or unit == "GB":
            text = f"{value:.0f}" if unit == "B" else f"{value:.1f}".replace(".", ",")
            return f"{text} {unit}"
        value /= 1024
    return f"{size} B"


def _parse_iso(value: object) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        return None


@dataclass(frozen=True)
class Version:
    name: str
    url: str
    made: datetime
    size: int


@dataclass(frozen=True)
class PeriodReports:
    period: str
    latest: Version | None
    history: list[Version]
    summary: dict | None
    document: Version | None = None


def _is_visible(path: Path, suffix: str = ".xlsx") -> bool:
    return (
        path.is_file()
        and not path.is_symlink()
        and path.name.endswith(suffix)
        and not path.name.startswith((".", "~$"))
    )


def _version(path: Path, url: str, made: datetime | None = None) -> Version:
    st = path.stat()
    return Version(path.name, url, made or datetime.fromtimestamp(st.st_mtime, WITA), st.st_size)


def scan_period(outputs: Path, period: str) -> PeriodReports | None:
    folder = Path(outputs) / period
    if not folder.is_dir() or folder.is_symlink():
        return None
    latest_path = folder / REPORT_NAME.format(period=period)
    latest = None
    latest_key = None
    if _is_visible(latest_path):
        latest = _version(latest_path, f"/unduh/{period}/{quote(latest_path.name)}")
        st = latest_path.stat()
        latest_key = (st.st_size, st.st_mtime_ns)
    doc_path = folder / DOCUMENT_NAME.format(period=period)
    document = _version(doc_path, f"/unduh/{period}/{quote(doc_path.name)}") if _is_visible(doc_path, ".docx") else None
    history: list[Version] = []
    hist_dir = folder / HISTORY_DIR
    if hist_dir.is_dir() and not hist_dir.is_symlink():
        stem = REPORT_NAME.format(period=period).removesuffix(".xlsx")
        for path in hist_dir.iterdir():
            if not _is_visible(path) or not path.name.startswith(stem):
                continue  # only the consolidated workbook's versions (not the E.81 workbook's)
            st = path.stat()
            if (st.st_size, st.st_mtime_ns) == latest_key:
                continue  # the history copy of the current report
            made = None
            stamp = _STAMP_RE.search(path.name)
            if stamp:
                try:
                    made = datetime.strptime(stamp.group(1), STAMP_FORMAT).replace(tzinfo=WITA)
                except ValueError:
                    made = None
            history.append(_version(path, f"/unduh/{period}/{HISTORY_DIR}/{quote(path.name)}", made))
    history.sort(key=lambda v: (v.made, v.name), reverse=True)
    summary = read_summary(outputs, period)
    if latest or history or summary or document:
        return PeriodReports(period, latest, history, summary, document)
    return None


def scan_outputs(outputs: Path) -> list[PeriodReports]:
    """Every period folder with a report, history or summary, newest first."""
    outputs = Path(outputs)
    if not outputs.is_dir():
        return []
    found: list[PeriodReports] = []
    for folder in sorted(outputs.iterdir(), key=lambda p: p.name, reverse=True):
        if folder.is_dir() and Period.from_key(folder.name) is not None:
            item = scan_period(outputs, folder.name)
            if item:
                found.append(item)
    return found


def safe_report_file(outputs: Path, period: str, name: str, sub: str | None = None) -> Path | None:
    """The file to serve, or None when the request is not for an .xlsx file inside
    ``<outputs>/<period>/`` (or its ``riwayat/``), or the period's .docx document."""
    if Period.from_key(period) is None:
        return None
    document = sub is None and name == DOCUMENT_NAME.format(period=period)
    if (
        not name
        or not _NAME_RE.fullmatch(name)
        or ".." in name
        or name.startswith((".", "~$"))
        or not (name.endswith(".xlsx") or document)
    ):
        return None
    if sub not in (None, HISTORY_DIR):
        return None
    base = Path(outputs).resolve()
    folder = base / period / sub if sub else base / period
    candidate = folder / name
    if candidate.is_symlink():
        return None
    try:
        target = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(base) or target.parent != folder.resolve() or not target.is_file():
        return None
    if has_link(base, folder / name):  # a linked period folder, riwayat/ or workbook
        return None
    return target


# --- people ---------------------------------------------------------------------------


@dataclass(frozen=True)
class LocalUser:
    """The one user of a page without accounts (on the machine itself): the planner."""

    nama: str = "lokal"
    peran: str = PLANNER
    bidang: str | None = None

    @property
    def is_planner(self) -> bool:
        return True


class LoginRequired(Exception):
    pass


_REFERENSI_CACHE: dict = {}
_REFERENSI_LOCK = __import__("threading").Lock()


def _referensi_key(inputs: Path) -> tuple:
    """What the referensi's content is known by without reading it: each file's path, size and mtime."""
    from pipeline.intake.files import discover

    found = []
    for path in discover(inputs, "referensi"):
        try:
            st = path.lstat()
        except OSError:
            continue
        found.append((str(path), st.st_size, st.st_mtime_ns))
    return (str(inputs), os.environ.get("LKJIP_DEADLINE_DAY", ""), tuple(found))


def _referensi_facts(inputs: Path) -> tuple[int, list[str]]:
    """(deadline day, the referensi's bidang), read once per referensi content (the read is a sandboxed
    child process, 0.5 s): referensi > LKJIP_DEADLINE_DAY > default for the day."""
    key = _referensi_key(Path(inputs))
    with _REFERENSI_LOCK:
        if key in _REFERENSI_CACHE:
            return _REFERENSI_CACHE[key]
    try:
        from pipeline.intake.referensi import deadline_day_in_effect

        day = deadline_day_in_effect(inputs, settings.resolve())
    except Exception:  # noqa: BLE001 - an unreadable referensi: the default, the page still shows
        day = settings.DEFAULT_DEADLINE_DAY
    names: list[str] = []
    try:
        from pipeline.intake.referensi import read_referensi

        names = list(read_referensi(Path(inputs))[0].bidang_names)
    except Exception:  # noqa: BLE001 - no referensi: the bidang come from the accounts and uploads
        names = []
    with _REFERENSI_LOCK:
        _REFERENSI_CACHE.clear()
        _REFERENSI_CACHE[key] = (day, names)
    return day, names


def _bkey(name: object) -> str:
    return " ".join(str(name or "").split()).casefold()


_MONTHS_CACHE: dict = {}


def months_with_inputs(inputs: Path) -> set[str]:
    """The months a run would find realisation files for (read once per state of the folder)."""
    from pipeline.intake.files import discover, list_inputs

    inputs = Path(inputs)
    key = (str(inputs), tuple(sorted((k, v.size, v.mtime_ns) for k, v in list_inputs(inputs).items()
                                     if k.startswith("realisasi/"))))
    with _REFERENSI_LOCK:
        if key in _MONTHS_CACHE:
            return _MONTHS_CACHE[key]
    try:
        from pipeline.intake.realisasi import file_periods

        found = {str(p) for p in file_periods(inputs, discover(inputs, "realisasi")).values() if p is not None}
    except Exception:  # noqa: BLE001 - no referensi or an unreadable folder: nothing to build
        found = set()
    with _REFERENSI_LOCK:
        _MONTHS_CACHE.clear()
        _MONTHS_CACHE[key] = found
    return found


def _deadline_day(inputs: Path) -> int:
    """The deadline day as a run would take it: referensi > LKJIP_DEADLINE_DAY > default."""
    return _referensi_facts(inputs)[0]


# --- templates ----------------------------------------------------------------------------


def _environment() -> Environment:
    env = Environment(loader=FileSystemLoader(str(TEMPLATES)), autoescape=select_autoescape(["html"]),
                      trim_blocks=True, lstrip_blocks=True)

    def nilai(value, is_percent=False, satuan=None):
        if value is None:
            return "N/A"
        if is_percent:
            return percent_id(value)
        text = number_id(value, 2).rstrip("0").rstrip(",")
        return f"{text} {satuan}" if satuan else text

    env.filters.update(
        bulan=period_label,
        waktu=format_time,
        waktu_iso=lambda v: format_time(_parse_iso(v)) if _parse_iso(v) else "-",
        ukuran=format_size,
        persen=lambda v: percent_id(v) if isinstance(v, (int, float)) else "N/A",
        rupiah=lambda v: rupiah(v) if isinstance(v, (int, float)) else "N/A",
        nilai=nilai,
    )
    env.globals.update(status_class=STATUS_CLASS)
    return env


def office_name(outputs: Path) -> str:
    """The office's name as the newest published report states it (the referensi's Nama Instansi)."""
    for item in scan_outputs(outputs):
        name = (item.summary or {}).get("instansi")
        if isinstance(name, str) and name.strip():
            return name.strip()
    return DEFAULT_INSTANSI


def iku_chart(utama: dict) -> Markup:
    """An inline SVG bar chart of each IKU's capaian (and the budget's), with the 100 % line."""
    bars = [(r.get("kode") or "", r.get("capaian")) for r in utama.get("iku") or [] if isinstance(r, dict)]
    anggaran = utama.get("anggaran") or {}
    bars.append(("Anggaran", anggaran.get("capaian")))
    top = max([150.0] + [float(v) for _, v in bars if isinstance(v, (int, float))])
    width, row, left = 640, 30, 120
    height = row * len(bars) + 30
    scale = (width - left - 70) / top
    parts = [f'<svg id="grafik" role="img" aria-label="Capaian IKU dan anggaran" viewBox="0 0 {width} {height}" '
             f'width="100%" style="max-width:{width}px;font:12px system-ui,sans-serif">']
    for i, (label, value) in enumerate(bars):
        y = 10 + i * row
        parts.append(f'<text x="{left - 6}" y="{y + 15}" text-anchor="end">{Markup.escape(label)}</text>')
        if isinstance(value, (int, float)):
            w = max(0.0, float(value)) * scale
            color = "#0b6e4f" if value >= 91 else "#c07c0a" if value >= 76 else "#b42318"
            parts.append(f'<rect x="{left}" y="{y}" width="{w:.1f}" height="20" fill="{color}"/>')
            parts.append(f'<text x="{left + w + 5:.1f}" y="{y + 15}">{Markup.escape(percent_id(value, 1))}</text>')
        else:
            parts.append(f'<text x="{left + 4}" y="{y + 15}" fill="#52606d">N/A</text>')
    x100 = left + 100 * scale
    parts.append(f'<line x1="{x100:.1f}" y1="4" x2="{x100:.1f}" y2="{height - 18}" stroke="#1f2933" stroke-dasharray="4 3"/>')
    parts.append(f'<text x="{x100:.1f}" y="{height - 4}" text-anchor="middle">100 %</text></svg>')
    return Markup("".join(parts))


# --- the app ---------------------------------------------------------------------------------

SECURITY_HEADERS = [
    (b"content-security-policy", b"default-src 'self'; script-src 'self'; "
     b"style-src 'self' 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; "
     b"base-uri 'none'; object-src 'none'"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-content-type-options", b"nosniff"),
    (b"cross-origin-opener-policy", b"same-origin"),
    (b"permissions-policy", b"camera=(), microphone=(), geolocation=()"),
]


class SecurityHeaders:
    """CSP (no framing), Referrer-Policy and nosniff on every answer (plain ASGI, so files stream as before);
    HSTS too when the page is served over HTTPS (``https``)."""

    def __init__(self, app, https: bool = False):
        self.app = app
        self.headers = SECURITY_HEADERS + ([(b"strict-transport-security", b"max-age=31536000")] if https else [])

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                present = {k.lower() for k, _ in message.get("headers", [])}
                message["headers"] = list(message.get("headers", [])) + [
                    (k, v) for k, v in self.headers if k not in present]
            await send(message)

        await self.app(scope, receive, with_headers)



def create_app(
    outputs: Path,
    dagster_url: str = "http://127.0.0.1:3000",
    *,
    inputs: Path | None = None,
    instance: Path | None = None,
    launcher=None,
    clock=None,
    throttle: audit_mod.LoginGuard | None = None,
    secure_cookies: bool | None = None,
    runs=None,
    max_checks: int = 2,
    require_accounts: bool = False,
) -> Starlette:
    """The page over ``outputs`` (and ``inputs`` for uploads).

    ``instance`` is the folder of accounts, the session secret, settings and
    the upload log (see :mod:`pipeline.web.instance`); without it the page has
    no accounts and no uploads.  ``dagster_url`` may contain ``{host}``,
    replaced by the host name the browser used.  ``launcher(period, who)``
    submits a rebuild (default: :class:`pipeline.web.rebuild.GraphQLLauncher`);
    ``clock()`` gives the current time (tests).  ``secure_cookies`` (default:
    ``LKJIP_SECURE_COOKIES``) marks the cookie ``Secure`` (the page behind HTTPS).
    ``runs(period)`` tells the month's last run (default: the Dagster instance,
    :mod:`pipeline.web.runs_view`); ``max_checks`` uploads are checked at once.
    ``require_accounts``: every page but ``/masuk`` needs a session even while no
    account exists (``page_app``, which listens on the network).
    """
    outputs = Path(outputs)
    inputs = Path(inputs or settings.resolve().inputs)
    instance = Path(instance) if instance else None
    store = AccountStore(instance) if instance else None
    clock = clock or (lambda: datetime.now(WITA))
    if instance:
        throttle = throttle or audit_mod.LoginGuard(instance)
        sessions = audit_mod.Sessions(instance)
        audit_log = audit_mod.AuditLog(instance, clock=clock)
    else:
        throttle = sessions = audit_log = None
    if secure_cookies is None:
        secure_cookies = os.environ.get("LKJIP_SECURE_COOKIES", "").strip().lower() in ("1", "true", "ya", "yes")
    if require_accounts and not instance:
        raise ValueError("require_accounts needs an instance folder (accounts, sessions)")
    if runs is None:
        from pipeline.web.runs_view import DagsterRuns

        runs = DagsterRuns()
    checks = __import__("threading").BoundedSemaphore(max_checks)
    if launcher is None:
        from pipeline.web.rebuild import GraphQLLauncher

        launcher = GraphQLLauncher()
    env = _environment()
    secret = auth.session_secret(instance) if instance else os.urandom(32).hex()

    def accounts_on() -> bool:
        # require_accounts (page_app): never the local planner of a page without accounts
        return require_accounts or bool(store and store.any())

    def current_user(request: Request):
        if not accounts_on():
            return LocalUser()
        if "user" in request.scope.get("state", {}):
            return request.scope["state"]["user"]
        found = sessions.get(request.session.get("sid"))
        account = store.get(found[0]) if found else None
        if account is None or found[1] != account.session_tag:
            account = None
        request.scope.setdefault("state", {})["user"] = account
        return account

    def address(request: Request) -> str:
        return request.client.host if request.client else "?"

    def record(request: Request, action: str, who: str | None = None, **fields) -> None:
        if audit_log is None:
            return
        if who is None:
            user = current_user(request)
            who = user.nama if user is not None else "-"
        audit_log.add(action, who, address(request), **fields)

    def flash(request: Request, message: str, ok: bool = True) -> None:
        request.session["pesan"] = {"teks": message, "baik": bool(ok)}

    def take_flash(request: Request) -> dict | None:
        found = request.session.pop("pesan", None)
        return found if isinstance(found, dict) else None

    def require(request: Request, planner: bool = False):
        user = current_user(request)
        if user is None:
            raise LoginRequired()
        if planner and not user.is_planner:
            raise HTTPException(status_code=403)
        return user

    def _dagster_link(request: Request) -> str:
        if "{host}" not in dagster_url:
            return dagster_url
        host = request.url.hostname or "127.0.0.1"
        return dagster_url.replace("{host}", f"[{host}]" if ":" in host else host)

    def page(request: Request, template: str, status: int = 200, **context) -> HTMLResponse:
        user = context.pop("user", None) or current_user(request)
        context.setdefault("flash", take_flash(request))
        text = env.get_template(template).render(
            user=user, accounts_on=accounts_on(), csrf_token=auth.csrf_token(request.session),
            instansi=office_name(outputs),
            dagster_url=_dagster_link(request), **context)
        return HTMLResponse(text, status_code=status, headers={"Cache-Control": "no-store"})

    async def checked_form(request: Request, **limits):
        form = await request.form(**limits)
        if not auth.csrf_ok(request.session, form.get("csrf_token")):
            raise HTTPException(status_code=403, detail="Token formulir tidak sah; muat ulang halaman lalu coba lagi")
        return form

    def page_config() -> dict:
        return page_settings(instance) if instance else {"bidang_boleh_unduh_laporan": False}

    # --- login -------------------------------------------------------------------------

    async def login_form(request: Request) -> Response:
        if not accounts_on() or current_user(request) is not None:
            return RedirectResponse("/", status_code=303)
        flashed = take_flash(request) or {}
        return page(request, "masuk.html", status=int(flashed.get("status") or 200), flash=None,
                    nama=str(flashed.get("nama") or ""), message=str(flashed.get("teks") or ""))

    def login_refused(request: Request, name: str, message: str, status: int) -> Response:
        request.session["pesan"] = {"teks": message, "baik": False, "nama": name, "status": status}
        return RedirectResponse("/masuk", status_code=303)

    async def login(request: Request) -> Response:
        if not accounts_on():
            return RedirectResponse("/", status_code=303)
        form = await checked_form(request, max_files=0, max_fields=5)
        name = str(form.get("nama") or "").strip().lower()[:80]
        keys = (f"nama:{name}", f"alamat:{address(request)}")
        # counted before the password is checked: parallel tries cannot slip past the count
        wait = throttle.try_attempt(*keys)
        if wait > 0:
            record(request, audit_mod.LOGIN_FAILED, who=name or "-", note=f"ditahan {wait:.0f} detik")
            seconds = max(1, int(wait + 0.999))
            return login_refused(request, name, "Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam "
                                 f"{seconds} detik.", 429)
        try:
            with throttle.checking(name):
                account = await run_in_threadpool(store.verify, name, str(form.get("sandi") or ""))
        except audit_mod.Busy as busy:
            record(request, audit_mod.LOGIN_FAILED, who=name or "-", note="pemeriksaan sandi lain sedang berjalan")
            text = ("Sandi akun ini sedang diperiksa untuk percobaan lain" if str(busy) == "akun" else
                    "Server sedang memeriksa banyak sandi")
            return login_refused(request, name, f"{text}; coba lagi sebentar lagi.", 429)
        if account is None:
            record(request, audit_mod.LOGIN_FAILED, who=name or "-", note="nama akun atau sandi salah")
            return login_refused(request, name, "Nama akun atau sandi salah.", 401)
        throttle.succeeded(*keys)
        old = request.session.get("sid")
        if old:
            sessions.end(old)
        request.session.clear()
        request.session["sid"] = sessions.create(account.nama, account.session_tag)
        auth.csrf_token(request.session)
        record(request, audit_mod.LOGIN, who=account.nama)
        return RedirectResponse("/", status_code=303)

    async def logout(request: Request) -> Response:
        await checked_form(request, max_files=0, max_fields=5)
        user = current_user(request)
        if sessions is not None:
            sessions.end(request.session.get("sid"))
            if user is not None and accounts_on():
                record(request, audit_mod.LOGOUT, who=user.nama)
        request.session.clear()
        return RedirectResponse("/masuk", status_code=303)

    # --- the planner ---------------------------------------------------------------------

    async def index(request: Request) -> Response:
        user = require(request)
        if not user.is_planner:
            return RedirectResponse("/unggah", status_code=303)
        periods = scan_outputs(outputs)
        return page(request, "index.html", user=user, periods=periods,
                    last_runs={item.period: runs(item.period) for item in periods[:24]})

    def period_or_404(text: str) -> str:
        parsed = Period.from_key(text)
        if parsed is None:
            raise HTTPException(status_code=404)
        return str(parsed)

    def submission_rows(period: str, summary: dict | None) -> list[dict]:
        """Every bidang of the month: its state, note, lock, latest upload and the run's problems."""
        from pipeline.intake.submission_store import DIAJUKAN, SubmissionStore

        _, names = _referensi_facts(inputs)
        run_rows = [r for r in (summary or {}).get("pengumpulan") or [] if isinstance(r, dict)]
        uploads = read_uploads(instance, period=period) if instance else []
        states = SubmissionStore(instance).for_period(period) if instance else {}
        order: list[str] = []
        for name in list(names) + [r.get("bidang") for r in run_rows] + [u.bidang for u in uploads] + \
                [a.bidang for a in (store.all() if store else []) if a.bidang]:
            if isinstance(name, str) and name and _bkey(name) not in {_bkey(n) for n in order}:
                order.append(name)
        rows = []
        for name in order:
            index_, run_row = next(((i, r) for i, r in enumerate(run_rows) if _bkey(r.get("bidang")) == _bkey(name)),
                                   (None, None))
            state = states.get(_bkey(name))
            latest = next((u for u in uploads if _bkey(u.bidang) == _bkey(name)), None)
            has_files = bool(run_row and run_row.get("files")) or any(u.hasil == "diterima" for u in uploads
                                                                      if _bkey(u.bidang) == _bkey(name))
            status = state.status if state else (DIAJUKAN if has_files else "Belum diajukan")
            rows.append({"bidang": name, "status": status, "terkunci": bool(state and state.terkunci),
                         "catatan": state.catatan if state else "", "oleh": state.oleh if state else "",
                         "waktu": state.waktu if state else "", "unggahan": latest, "run": run_row, "index": index_})
        return rows

    def dashboard_page(request: Request, user, period: str, message: str = "", ok: bool = True, status: int = 200):
        item = scan_period(outputs, period)
        summary = item.summary if item else None
        utama = summary.get("utama") if isinstance(summary, dict) else None
        uploads = read_uploads(instance, period=period) if instance else []
        return page(request, "periode.html", status=status, user=user, period=period, item=item, summary=summary,
                    chart=iku_chart(utama) if isinstance(utama, dict) else "", uploads=uploads,
                    settings=page_config(), message=message, ok=ok, pengajuan=submission_rows(period, summary),
                    run=runs(period), has_inputs=period in months_with_inputs(inputs))

    async def dashboard(request: Request) -> Response:
        user = require(request, planner=True)
        return dashboard_page(request, user, period_or_404(request.path_params["period"]))

    async def rebuild(request: Request) -> Response:
        user = require(request, planner=True)
        await checked_form(request, max_files=0, max_fields=5)
        period = period_or_404(request.path_params["period"])
        back = RedirectResponse(f"/periode/{period}", status_code=303)
        if period not in await run_in_threadpool(months_with_inputs, inputs):
            flash(request, f"{period_label(period)} tidak punya berkas realisasi di folder masukan; tidak ada yang "
                  "dibangun.", ok=False)
            return back
        last = await run_in_threadpool(runs, period)
        if last is not None and last.waiting:
            flash(request, f"Run {period_label(period)} masih {last.label}; tunggu sampai selesai sebelum membangun "
                  "ulang.", ok=False)
            return back
        from pipeline.web.rebuild import RebuildError

        try:
            run_id = await run_in_threadpool(launcher, period, user.nama)
        except RebuildError as exc:
            flash(request, str(exc), ok=False)
            return back
        record(request, audit_mod.RUN, period=period, note=f"run {run_id}")
        flash(request, f"Run {run_id[:8]} untuk {period_label(period)} sudah diantrikan di Dagster; muat ulang "
              "halaman ini setelah beberapa saat.")
        return back

    async def upload_draft(request: Request) -> Response:
        """The planner's edited draft (.docx): checked, stored in the office's referensi/ folder, where
        every later run reads its regions (pipeline.intake.draf); Post/Redirect/Get."""
        from pipeline.web.draf import DraftRefused, store_edited_draft

        user = require(request, planner=True)
        period = period_or_404(request.path_params["period"])
        back = RedirectResponse(f"/periode/{period}#draf", status_code=303)
        try:
            length = int(request.headers.get("content-length", ""))
        except ValueError:
            length = -1
        if length < 0 or length > MAX_UPLOAD_BYTES + FORM_OVERHEAD:
            record(request, audit_mod.UPLOAD, period=period, note=f"draf dokumen ditolak: lebih dari "
                   f"{MAX_UPLOAD_BYTES >> 20} MB, tidak dibaca")
            flash(request, f"Berkas melebihi batas {MAX_UPLOAD_BYTES >> 20} MB; tidak disimpan.", ok=False)
            return back
        form = await checked_form(request, max_files=1, max_fields=3)
        berkas = form.get("berkas")
        if not isinstance(berkas, UploadFile) or not berkas.filename:
            flash(request, "Berkas belum dipilih; pilih draf dokumen .docx yang sudah disunting.", ok=False)
            return back
        with tempfile.TemporaryDirectory(prefix="lkjip-draf-") as tmp:
            spooled = Path(tmp) / "berkas.docx"
            with spooled.open("wb") as out:
                await run_in_threadpool(shutil.copyfileobj, berkas.file, out)
            try:
                stored = await run_in_threadpool(store_edited_draft, spooled, berkas.filename,
                                                 office_folder(user, inputs), period, clock())
            except DraftRefused as refused:
                record(request, audit_mod.UPLOAD, period=period, file=berkas.filename, sha256=refused.sha256,
                       note=f"draf dokumen ditolak: {refused}"[:500])
                flash(request, f"{berkas.filename}: {refused}", ok=False)
                return back
        record(request, audit_mod.UPLOAD, period=period, file=berkas.filename, sha256=stored.sha256,
               note=f"draf dokumen disimpan sebagai {stored.relative}: {stored.regions} bagian berisi teks perencana")
        flash(request, f"Draf {berkas.filename} disimpan sebagai {stored.relative}: {stored.regions} bagian berisi teks "
              "perencana, dibawa ke setiap draf berikutnya. Bangun ulang laporan untuk melihatnya.")
        return back

    async def decide(request: Request) -> Response:
        """The planner verifies (locks), returns (with a note) or unlocks (with a reason) one bidang's month."""
        from pipeline.intake.submission_store import SubmissionStore

        user = require(request, planner=True)
        form = await checked_form(request, max_files=0, max_fields=10)
        period = period_or_404(request.path_params["period"])
        bidang = str(form.get("bidang") or "")
        known = {_bkey(r["bidang"]): r for r in submission_rows(period, read_summary(outputs, period))}
        if _bkey(bidang) not in known or not instance:
            raise HTTPException(status_code=404)
        row = known[_bkey(bidang)]
        bidang = row["bidang"]
        action, text = str(form.get("aksi") or ""), str(form.get("catatan") or "").strip()[:2000]
        if action in ("verifikasi", "kembalikan") and row["status"] not in ("Diajukan", "Dikembalikan", "Diverifikasi"):
            flash(request, f"{bidang} belum mengajukan berkas {period_label(period)}; tidak ada yang diverifikasi "
                  "atau dikembalikan.", ok=False)
            return RedirectResponse(f"/periode/{period}#pengajuan", status_code=303)
        states = SubmissionStore(instance)
        try:
            if action == "verifikasi":
                states.verify(bidang, period, user.nama, clock())
                record(request, audit_mod.VERIFY, bidang=bidang, period=period)
                record(request, audit_mod.LOCK, bidang=bidang, period=period)
                flash(request, f"{bidang} {period_label(period)}: Diverifikasi dan dikunci.")
            elif action == "kembalikan":
                states.give_back(bidang, period, text, user.nama, clock())
                record(request, audit_mod.RETURN, bidang=bidang, period=period, note=text)
                flash(request, f"{bidang} {period_label(period)}: Dikembalikan dengan catatan.")
            elif action == "buka":
                states.unlock(bidang, period, text, user.nama, clock())
                record(request, audit_mod.UNLOCK, bidang=bidang, period=period, note=text)
                flash(request, f"{bidang} {period_label(period)}: kunci dibuka.")
            else:
                raise HTTPException(status_code=400)
        except ValueError as exc:
            flash(request, str(exc), ok=False)
        return RedirectResponse(f"/periode/{period}#pengajuan", status_code=303)

    async def bidang_problems(request: Request) -> Response:
        user = require(request, planner=True)
        period = period_or_404(request.path_params["period"])
        summary = read_summary(outputs, period) or {}
        rows = [r for r in summary.get("pengumpulan") or [] if isinstance(r, dict)]
        index_ = int(request.path_params["index"])
        if not 0 <= index_ < len(rows):
            raise HTTPException(status_code=404)
        return page(request, "bidang_masalah.html", user=user, period=period, row=rows[index_])

    async def upload_log(request: Request) -> Response:
        user = require(request, planner=True)
        return page(request, "unggahan.html", user=user, uploads=read_uploads(instance) if instance else [])

    async def save_settings(request: Request) -> Response:
        require(request, planner=True)
        form = await checked_form(request, max_files=0, max_fields=10)
        if instance:
            save_page_settings(instance, {"bidang_boleh_unduh_laporan": form.get("bidang_boleh_unduh_laporan") == "1"})
        back = str(form.get("kembali") or "/")
        return RedirectResponse(back if re.fullmatch(r"/periode/\d{4}-\d{2}", back) else "/", status_code=303)

    async def audit_page(request: Request) -> Response:
        user = require(request, planner=True)
        return page(request, "audit.html", user=user, rows=audit_log.rows(limit=1000) if audit_log else [])

    async def audit_csv(request: Request) -> Response:
        require(request, planner=True)
        text = audit_log.csv_text() if audit_log else ""
        return Response(text.encode("utf-8-sig"), media_type="text/csv; charset=utf-8", headers={
            "Content-Disposition": 'attachment; filename="log-audit-lkjip.csv"', "Cache-Control": "no-store"})

    async def accounts_page(request: Request) -> Response:
        user = require(request)
        if not accounts_on():
            raise HTTPException(status_code=404)
        return page(request, "akun.html", user=user, accounts=store.all() if user.is_planner else [])

    async def change_password(request: Request) -> Response:
        user = require(request)
        if not accounts_on():
            raise HTTPException(status_code=404)
        form = await checked_form(request, max_files=0, max_fields=6)
        old, new, again = (str(form.get(k) or "") for k in ("sandi_lama", "sandi_baru", "sandi_ulang"))
        wait = throttle.try_attempt(f"nama:{user.nama}", f"alamat:{address(request)}")
        if wait > 0:
            flash(request, f"Terlalu banyak percobaan; coba lagi dalam {max(1, int(wait + 0.999))} detik.", ok=False)
            return RedirectResponse("/akun", status_code=303)
        try:
            with throttle.checking(user.nama):
                ok = await run_in_threadpool(store.verify, user.nama, old)
        except audit_mod.Busy:
            ok = None
        if not ok:
            record(request, audit_mod.ACCOUNT, note="ganti sandi gagal: sandi lama salah")
            flash(request, "Sandi lama salah; sandi tidak diganti.", ok=False)
            return RedirectResponse("/akun", status_code=303)
        throttle.succeeded(f"nama:{user.nama}", f"alamat:{address(request)}")  # the old password was right
        if new != again:
            flash(request, "Kedua sandi baru tidak sama; sandi tidak diganti.", ok=False)
            return RedirectResponse("/akun", status_code=303)
        try:
            await run_in_threadpool(store.set_password, user.nama, new)
        except AccountError as exc:
            flash(request, f"Sandi tidak diganti: {exc}.", ok=False)
            return RedirectResponse("/akun", status_code=303)
        sessions.end_all(user.nama)
        record(request, audit_mod.ACCOUNT, who=user.nama, note="sandi diganti; semua sesi akun ini diakhiri")
        request.session.clear()
        flash(request, "Sandi diganti. Masuk lagi dengan sandi baru.")
        return RedirectResponse("/masuk", status_code=303)

    # --- downloads -----------------------------------------------------------------------

    def may_read_reports(user) -> bool:
        return user.is_planner or bool(page_config().get("bidang_boleh_unduh_laporan"))

    def _serve(request: Request, sub: str | None) -> Response:
        user = require(request)
        if not may_read_reports(user):
            raise HTTPException(status_code=403)
        period, name = request.path_params["period"], request.path_params["name"]
        target = safe_report_file(outputs, period, name, sub)
        if target is None:
            raise HTTPException(status_code=404, detail="Berkas tidak ditemukan")
        return _file(target, DOCX_MIME if target.suffix == ".docx" else XLSX_MIME, head=request.method == "HEAD")

    def _file(target: Path, mime: str = XLSX_MIME, head: bool = False, filename: str | None = None) -> Response:
        """Exactly the bytes of one open file (a publish or an upload may replace it meanwhile)."""
        response = file_response(target, mime, {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
                                 head=head, filename=filename)
        if response is None:  # replaced by a link, or removed, since it was checked
            raise HTTPException(status_code=404, detail="Berkas tidak ditemukan")
        return response

    async def download(request: Request) -> Response:
        return _serve(request, None)

    async def download_history(request: Request) -> Response:
        return _serve(request, HISTORY_DIR)

    # --- a bidang ------------------------------------------------------------------------

    def bidang_page(request: Request, user, answer=None, status: int = 200) -> HTMLResponse:
        from pipeline.domain.submissions import deadline_for
        from pipeline.intake.submission_store import SubmissionStore

        now = clock()
        day = _deadline_day(office_folder(user, inputs))  # an OPD's account: its OPD's folders (web/pemda.py)
        current = collection_period(now, day)
        summary = read_summary(office_folder(user, outputs), str(current)) or {}
        row = next((r for r in summary.get("pengumpulan") or []
                    if isinstance(r, dict) and r.get("bidang") == user.bidang), None)
        report = settings.report_path(outputs, str(current))
        report_url = (f"/unduh/{current}/{quote(report.name)}"
                      if may_read_reports(user) and _is_visible(report) else None)
        choices, p = [], current.next()
        for _ in range(13):
            choices.append(str(p))
            p = p.previous()
        uploads = read_uploads(instance, bidang=user.bidang) if instance else []
        states = SubmissionStore(instance)
        own_states = [(m, states.get(user.bidang, m)) for m in dict.fromkeys(
            [str(current)] + [u.periode for u in uploads if u.periode])]
        pending = [u for u in uploads if u.hasil == "menunggu konfirmasi"]
        return page(request, "unggah.html", status=status, user=user, current=str(current),
                    next_period=str(current.next()), summary=summary, status_row=row,
                    deadline=deadline_for(str(current), day), report_url=report_url, answer=answer,
                    uploads=uploads, states=[(m, st) for m, st in own_states if st is not None],
                    current_state=states.get(user.bidang, str(current)), pending=pending,
                    period_choices=choices, max_mb=MAX_UPLOAD_BYTES >> 20)

    def require_bidang(request: Request):
        user = require(request)
        if user.is_planner or not instance:
            raise HTTPException(status_code=403)
        return user

    async def upload_form(request: Request) -> Response:
        user = require_bidang(request)
        answer = None
        shown = request.session.pop("jawaban", None)
        if isinstance(shown, dict) and isinstance(shown.get("id"), str):
            found = find_upload(instance, shown["id"])
            if found is not None and found.bidang == user.bidang:
                from types import SimpleNamespace

                answer = SimpleNamespace(record=found, saved=found.hasil == "diterima",
                                         message=str(shown.get("pesan") or found.alasan), problems=found.masalah,
                                         needs_confirmation=found.hasil == "menunggu konfirmasi")
        elif isinstance(shown, dict):
            from types import SimpleNamespace

            answer = SimpleNamespace(saved=False, problems=[], message=str(shown.get("pesan") or ""),
                                     needs_confirmation=False, record=SimpleNamespace(errors=1, catatan=False, id=""))
        return bidang_page(request, user, answer)

    def answered(request: Request, upload_id: str | None, message: str) -> Response:
        """Post/Redirect/Get: the answer is shown by the GET that follows (a reload sends nothing again)."""
        request.session["jawaban"] = {"id": upload_id, "pesan": message[:2000]}
        return RedirectResponse("/unggah#jawaban", status_code=303)

    async def upload(request: Request) -> Response:
        user = require_bidang(request)
        try:
            length = int(request.headers.get("content-length", ""))
        except ValueError:
            length = -1
        if length < 0 or length > MAX_UPLOAD_BYTES + FORM_OVERHEAD:
            # refused before reading the body (and a body without a length is not read at all)
            record(request, audit_mod.UPLOAD, bidang=user.bidang or "", note=f"ditolak: lebih dari "
                   f"{MAX_UPLOAD_BYTES >> 20} MB, tidak dibaca")
            return answered(request, None, f"Berkas melebihi batas {MAX_UPLOAD_BYTES >> 20} MB; tidak disimpan.")
        form = await checked_form(request, max_files=1, max_fields=5)
        berkas = form.get("berkas")
        if not isinstance(berkas, UploadFile) or not berkas.filename:
            return answered(request, None, "Berkas belum dipilih; pilih atau seret berkas .xlsx.")
        now = clock()
        upload_id = new_upload_id(now)
        with tempfile.TemporaryDirectory(prefix="lkjip-terima-") as tmp:
            spooled = Path(tmp) / "berkas"
            with spooled.open("wb") as out:
                await run_in_threadpool(shutil.copyfileobj, berkas.file, out)
            import hashlib

            with spooled.open("rb") as fh:
                digest = hashlib.file_digest(fh, "sha256").hexdigest()
            # logged before it is checked: an upload cut short still leaves its line
            record(request, audit_mod.UPLOAD, bidang=user.bidang or "", file=berkas.filename or "", sha256=digest,
                   note=f"unggahan {upload_id}")
            if not await run_in_threadpool(checks.acquire, True, UPLOAD_QUEUE_SECONDS):
                record_upload(instance, upload_id=upload_id, account=user.nama, bidang=user.bidang, when=now,
                              original_name=berkas.filename or "", sha256=digest, size=spooled.stat().st_size,
                              result="ditolak", reason="antrean pemeriksaan penuh")
                return answered(request, upload_id, "Terlalu banyak berkas sedang diperiksa saat ini; berkas Anda "
                                "sudah tercatat tetapi belum diperiksa. Unggah lagi dalam beberapa menit.")
            try:
                answer = await run_in_threadpool(
                    receive_upload, spooled, berkas.filename or "", account=user.nama, bidang=user.bidang,
                    chosen_period=str(form.get("periode") or "") or None, inputs=office_folder(user, inputs),
                    instance=instance, now=now, upload_id=upload_id)
            finally:
                checks.release()
        result = answer.record
        record(request, audit_mod.UPLOAD_CHECKED, bidang=user.bidang or "", period=result.periode or "",
               file=result.berkas, sha256=result.sha256, note=f"{result.hasil}: {answer.message}"[:500])
        return answered(request, result.id, answer.message)

    async def confirm(request: Request) -> Response:
        user = require_bidang(request)
        await checked_form(request, max_files=0, max_fields=5)
        upload_id = request.path_params["upload_id"]
        try:
            answer = await run_in_threadpool(confirm_upload, instance, office_folder(user, inputs), upload_id, account=user.nama,
                                             bidang=user.bidang, now=clock())
        except Refused as exc:
            return answered(request, None, str(exc))
        result = answer.record
        record(request, audit_mod.CONFIRM, bidang=user.bidang or "", period=result.periode or "",
               file=result.berkas, sha256=result.sha256, note=answer.message[:500])
        return answered(request, result.id, answer.message)

    def own_upload(request: Request):
        user = require(request)
        record = find_upload(instance, request.path_params["upload_id"]) if instance else None
        if record is None or not (user.is_planner or record.bidang == user.bidang):
            raise HTTPException(status_code=404)
        return user, record

    async def upload_detail(request: Request) -> Response:
        user, record = own_upload(request)
        return page(request, "unggahan_satu.html", user=user, u=record)

    async def upload_file(request: Request) -> Response:
        _, record = own_upload(request)
        if request.path_params["what"] not in ("berkas", "catatan"):
            raise HTTPException(status_code=404)
        annotated = request.path_params["what"] == "catatan"
        path = archived_file(instance, record, annotated)
        if path is None:
            raise HTTPException(status_code=404)
        stem = Path(record.berkas).stem if "/" not in record.berkas and "\\" not in record.berkas else "berkas"
        return _file(path, filename=f"{stem} (catatan).xlsx" if annotated else path.name)

    async def template(request: Request) -> Response:
        user = require(request)
        period = Period.parse(period_or_404(request.path_params["period"]))
        bidang = user.bidang if not user.is_planner else str(request.query_params.get("bidang") or "")
        if not bidang:
            raise HTTPException(status_code=404)
        from pipeline.intake.referensi import NoReferensi
        from pipeline.report.realisasi_template import build_template

        try:
            wb = await run_in_threadpool(build_template, bidang, period, office_folder(user, inputs))
        except (ValueError, NoReferensi):
            raise HTTPException(status_code=404) from None
        with tempfile.TemporaryDirectory(prefix="lkjip-template-") as tmp:
            path = Path(tmp) / "template.xlsx"
            wb.save(path)
            data = path.read_bytes()
        slug = re.sub(r"[^A-Za-z0-9]+", "-", bidang).strip("-")
        return Response(data, media_type=XLSX_MIME, headers={
            "Content-Disposition": f'attachment; filename="Realisasi {period} {slug}.xlsx"',
            "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"})

    async def script(request: Request) -> Response:
        return Response((TEMPLATES / "unggah.js").read_bytes(), media_type="text/javascript; charset=utf-8",
                        headers={"Cache-Control": "no-cache"})

    # --- errors ----------------------------------------------------------------------------

    async def to_login(request: Request, exc: Exception) -> Response:
        return RedirectResponse("/masuk", status_code=303)

    async def http_error(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        if accounts_on() and current_user(request) is None and request.url.path != "/masuk":
            return RedirectResponse("/masuk", status_code=303)  # nothing, not even a 404, without a session
        texts = {404: "Berkas tidak ditemukan", 403: "Anda tidak berhak membuka halaman ini"}
        detail = getattr(exc, "detail", "")
        text = detail if status == 403 and detail and detail != "Forbidden" else texts.get(
            status, "Permintaan tidak dapat diproses")
        try:
            return page(request, "error.html", status=status, status_code=status, text=text)
        except Exception:  # noqa: BLE001 - the error page itself must not fail
            return HTMLResponse(f"<p>{status}</p>", status_code=status)

    routes = [
        Route("/", index, methods=["GET", "HEAD"]),
        Route("/masuk", login_form, methods=["GET", "HEAD"]),
        Route("/aset/unggah.js", script, methods=["GET", "HEAD"]),
        Route("/masuk", login, methods=["POST"]),
        Route("/keluar", logout, methods=["POST"]),
        Route("/periode/{period}", dashboard, methods=["GET", "HEAD"]),
        Route("/periode/{period}/bangun", rebuild, methods=["POST"]),
        Route("/periode/{period}/bidang/{index:int}", bidang_problems, methods=["GET", "HEAD"]),
        Route("/periode/{period}/pengajuan", decide, methods=["POST"]),
        Route("/periode/{period}/draf", upload_draft, methods=["POST"]),
        Route("/audit", audit_page, methods=["GET", "HEAD"]),
        Route("/audit.csv", audit_csv, methods=["GET", "HEAD"]),
        Route("/akun", accounts_page, methods=["GET", "HEAD"]),
        Route("/akun/sandi", change_password, methods=["POST"]),
        Route("/pengaturan", save_settings, methods=["POST"]),
        Route("/unggah", upload_form, methods=["GET", "HEAD"]),
        Route("/unggah", upload, methods=["POST"]),
        Route("/unggahan", upload_log, methods=["GET", "HEAD"]),
        Route("/unggahan/{upload_id}", upload_detail, methods=["GET", "HEAD"]),
        Route("/unggahan/{upload_id}/konfirmasi", confirm, methods=["POST"]),
        Route("/unggahan/{upload_id}/{what:str}", upload_file, methods=["GET", "HEAD"]),
        Route("/template/{period}", template, methods=["GET", "HEAD"]),
        Route("/unduh/{period}/" + HISTORY_DIR + "/{name}", download_history, methods=["GET", "HEAD"]),
        Route("/unduh/{period}/{name}", download, methods=["GET", "HEAD"]),
        *pemda_routes(outputs, require, may_read_reports),  # a whole Pemda: each OPD, and Bappeda (web/pemda.py)
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders, https=bool(secure_cookies)),
                    Middleware(SessionMiddleware, secret_key=secret, session_cookie=SESSION_COOKIE,
                               max_age=SESSION_MAX_AGE, same_site="strict", https_only=bool(secure_cookies))],
        exception_handlers={HTTPException: http_error, LoginRequired: to_login},
    )
    return app
