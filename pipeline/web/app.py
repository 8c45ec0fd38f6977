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
from pipeline.web import auth
from pipeline.web.accounts import PLANNER, AccountStore
from pipeline.web.instance import page_settings, save_page_settings
from pipeline.web.upload import MAX_UPLOAD_BYTES, archived_file, receive_upload
from pipeline.web.upload_log import find_upload, read_uploads

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


def _deadline_day(inputs: Path) -> int:
    """The deadline day as a run would take it: referensi > LKJIP_DEADLINE_DAY > default."""
    from pipeline.intake.referensi import deadline_day_in_effect

    try:
        return deadline_day_in_effect(inputs, settings.resolve())
    except Exception:  # noqa: BLE001 - an unreadable referensi: the default, the page still shows
        return settings.DEFAULT_DEADLINE_DAY


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


def create_app(
    outputs: Path,
    dagster_url: str = "http://127.0.0.1:3000",
    *,
    inputs: Path | None = None,
    instance: Path | None = None,
    launcher=None,
    clock=None,
    throttle: auth.Throttle | None = None,
) -> Starlette:
    """The page over ``outputs`` (and ``inputs`` for uploads).

    ``instance`` is the folder of accounts, the session secret, settings and
    the upload log (see :mod:`pipeline.web.instance`); without it the page has
    no accounts and no uploads.  ``dagster_url`` may contain ``{host}``,
    replaced by the host name the browser used.  ``launcher(period, who)``
    submits a rebuild (default: :class:`pipeline.web.rebuild.GraphQLLauncher`);
    ``clock()`` gives the current time (tests).
    """
    outputs = Path(outputs)
    inputs = Path(inputs or settings.resolve().inputs)
    instance = Path(instance) if instance else None
    store = AccountStore(instance) if instance else None
    throttle = throttle or auth.Throttle()
    clock = clock or (lambda: datetime.now(WITA))
    if launcher is None:
        from pipeline.web.rebuild import GraphQLLauncher

        launcher = GraphQLLauncher()
    env = _environment()
    secret = auth.session_secret(instance) if instance else os.urandom(32).hex()

    def accounts_on() -> bool:
        return bool(store and store.any())

    def current_user(request: Request):
        if not accounts_on():
            return LocalUser()
        name = request.session.get("nama")
        account = store.get(name) if isinstance(name, str) else None
        if account is None or request.session.get("tag") != account.session_tag:
            return None
        return account

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
        return page(request, "masuk.html", nama="", message="")

    async def login(request: Request) -> Response:
        if not accounts_on():
            return RedirectResponse("/", status_code=303)
        form = await checked_form(request, max_files=0, max_fields=5)
        name = str(form.get("nama") or "").strip().lower()[:80]
        address = request.client.host if request.client else "?"
        keys = (f"nama:{name}", f"alamat:{address}")
        wait = throttle.wait_seconds(*keys)
        if wait > 0:
            minutes = max(1, int(wait // 60) + (wait % 60 > 0))
            return page(request, "masuk.html", status=429, nama=name,
                        message=f"Terlalu banyak percobaan masuk yang gagal. Coba lagi dalam {minutes} menit.")
        account = await run_in_threadpool(store.verify, name, str(form.get("sandi") or ""))
        if account is None:
            throttle.failed(*keys)
            return page(request, "masuk.html", status=401, nama=name, message="Nama akun atau sandi salah.")
        throttle.succeeded(keys[0])
        request.session.clear()
        request.session.update({"nama": account.nama, "tag": account.session_tag})
        auth.csrf_token(request.session)
        return RedirectResponse("/", status_code=303)

    async def logout(request: Request) -> Response:
        await checked_form(request, max_files=0, max_fields=5)
        request.session.clear()
        return RedirectResponse("/masuk", status_code=303)

    # --- the planner ---------------------------------------------------------------------

    async def index(request: Request) -> Response:
        user = require(request)
        if not user.is_planner:
            return RedirectResponse("/unggah", status_code=303)
        return page(request, "index.html", user=user, periods=scan_outputs(outputs))

    def period_or_404(text: str) -> str:
        parsed = Period.from_key(text)
        if parsed is None:
            raise HTTPException(status_code=404)
        return str(parsed)

    def dashboard_page(request: Request, user, period: str, message: str = "", ok: bool = True, status: int = 200):
        item = scan_period(outputs, period)
        summary = item.summary if item else None
        utama = summary.get("utama") if isinstance(summary, dict) else None
        uploads = read_uploads(instance, period=period) if instance else []
        return page(request, "periode.html", status=status, user=user, period=period, item=item, summary=summary,
                    chart=iku_chart(utama) if isinstance(utama, dict) else "", uploads=uploads,
                    settings=page_config(), message=message, ok=ok)

    async def dashboard(request: Request) -> Response:
        user = require(request, planner=True)
        return dashboard_page(request, user, period_or_404(request.path_params["period"]))

    async def rebuild(request: Request) -> Response:
        user = require(request, planner=True)
        await checked_form(request, max_files=0, max_fields=5)
        period = period_or_404(request.path_params["period"])
        from pipeline.web.rebuild import RebuildError

        try:
            run_id = await run_in_threadpool(launcher, period, user.nama)
        except RebuildError as exc:
            return dashboard_page(request, user, period, str(exc), ok=False, status=502)
        return dashboard_page(request, user, period,
                              f"Run {run_id[:8]} untuk {period_label(period)} sudah diantrikan di Dagster; "
                              "muat ulang halaman ini setelah beberapa saat.")

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
        return page(request, "unggah.html", status=status, user=user, current=str(current),
                    next_period=str(current.next()), summary=summary, status_row=row,
                    deadline=deadline_for(str(current), day), report_url=report_url, answer=answer,
                    uploads=read_uploads(instance, bidang=user.bidang) if instance else [],
                    period_choices=choices, max_mb=MAX_UPLOAD_BYTES >> 20)

    def require_bidang(request: Request):
        user = require(request)
        if user.is_planner or not instance:
            raise HTTPException(status_code=403)
        return user

    async def upload_form(request: Request) -> Response:
        return bidang_page(request, require_bidang(request))

    async def upload(request: Request) -> Response:
        user = require_bidang(request)
        try:
            length = int(request.headers.get("content-length", ""))
        except ValueError:
            length = -1
        if length < 0 or length > MAX_UPLOAD_BYTES + FORM_OVERHEAD:
            # refused before reading the body (and a body without a length is not read at all)
            return _not_taken(request, user, f"Berkas melebihi batas {MAX_UPLOAD_BYTES >> 20} MB; tidak disimpan.", 413)
        form = await checked_form(request, max_files=1, max_fields=5)
        berkas = form.get("berkas")
        if not isinstance(berkas, UploadFile) or not berkas.filename:
            return _not_taken(request, user, "Berkas belum dipilih; pilih atau seret berkas .xlsx.", 400)
        with tempfile.TemporaryDirectory(prefix="lkjip-terima-") as tmp:
            spooled = Path(tmp) / "berkas"
            with spooled.open("wb") as out:
                await run_in_threadpool(shutil.copyfileobj, berkas.file, out)
            answer = await run_in_threadpool(
                receive_upload, spooled, berkas.filename or "", account=user.nama, bidang=user.bidang,
                chosen_period=str(form.get("periode") or "") or None, inputs=office_folder(user, inputs), instance=instance,
                now=clock())
        return bidang_page(request, user, answer, status=200 if answer.saved else 400)

    def _not_taken(request: Request, user, message: str, status: int) -> Response:
        from types import SimpleNamespace

        answer = SimpleNamespace(saved=False, problems=[], message=message,
                                 record=SimpleNamespace(errors=1, catatan=False, id=""))
        return bidang_page(request, user, answer, status=status)

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
        Route("/masuk", login, methods=["POST"]),
        Route("/keluar", logout, methods=["POST"]),
        Route("/periode/{period}", dashboard, methods=["GET", "HEAD"]),
        Route("/periode/{period}/bangun", rebuild, methods=["POST"]),
        Route("/periode/{period}/bidang/{index:int}", bidang_problems, methods=["GET", "HEAD"]),
        Route("/pengaturan", save_settings, methods=["POST"]),
        Route("/unggah", upload_form, methods=["GET", "HEAD"]),
        Route("/unggah", upload, methods=["POST"]),
        Route("/unggahan", upload_log, methods=["GET", "HEAD"]),
        Route("/unggahan/{upload_id}", upload_detail, methods=["GET", "HEAD"]),
        Route("/unggahan/{upload_id}/{what:str}", upload_file, methods=["GET", "HEAD"]),
        Route("/template/{period}", template, methods=["GET", "HEAD"]),
        Route("/unduh/{period}/" + HISTORY_DIR + "/{name}", download_history, methods=["GET", "HEAD"]),
        Route("/unduh/{period}/{name}", download, methods=["GET", "HEAD"]),
        *pemda_routes(outputs, require, may_read_reports),  # a whole Pemda: each OPD, and Bappeda (web/pemda.py)
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SessionMiddleware, secret_key=secret, session_cookie=SESSION_COOKIE,
                               max_age=SESSION_MAX_AGE, same_site="strict", https_only=False)],
        exception_handlers={HTTPException: http_error, LoginRequired: to_login},
    )
    return app
