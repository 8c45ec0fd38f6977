"""The planner's download page: every month's latest report, its earlier
versions and who sent their files on time.

Plain Starlette (comes with dagster-webserver), plain HTML with escaped text.
Files are served only from the outputs folder, only ``.xlsx`` files directly
in a period folder or its ``riwayat/`` folder; anything else is a 404.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from urllib.parse import quote
from zoneinfo import ZoneInfo

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from pipeline.domain.periods import Period, date_label_id
from pipeline.report.publish import HISTORY_DIR, STAMP_FORMAT, read_summary
from pipeline.web.download import file_response, has_link
from pipeline.settings import REPORT_NAME, TIMEZONE

WITA = ZoneInfo(TIMEZONE)
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
_NAME_RE = re.compile(r"^[^/\\\x00-\x1f]{1,200}$")
_STAMP_RE = re.compile(r"-(\d{8}-\d{6})(?:-\d+)?\.xlsx$")  # -2, -3: same second

STATUS_CLASS = {"Tepat Waktu": "ok", "Terlambat": "late", "Belum Mengirim": "missing"}

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;color:#1f2933;background:#f5f7fa}
header{background:#0b4f6c;color:#fff;padding:1rem 1.5rem}
header h1{margin:0;font-size:1.3rem}header p{margin:.3rem 0 0}
header a{color:#cde8f6}
main{max-width:64rem;margin:0 auto;padding:1rem 1.5rem 3rem}
section{background:#fff;border:1px solid #d9e2ec;border-radius:6px;padding:1rem 1.25rem;margin:1rem 0}
h2{margin:.1rem 0 .6rem;font-size:1.15rem}
.unduh{display:inline-block;background:#0b6e4f;color:#fff;padding:.45rem .8rem;border-radius:4px;text-decoration:none;font-weight:600}
.unduh:hover{background:#08523b}
.meta{color:#52606d;font-size:.92rem}
table{border-collapse:collapse;width:100%;margin:.6rem 0;font-size:.93rem}
th,td{border-bottom:1px solid #e4e7eb;padding:.35rem .5rem;text-align:left;vertical-align:top}
th{background:#f0f4f8}td.n{text-align:right}
.badge{padding:.1rem .45rem;border-radius:3px;font-size:.85rem;white-space:nowrap}
.ok{background:#d5f5e3;color:#14532d}.late{background:#fdebc8;color:#7c4a03}.missing{background:#fde2e2;color:#8a1c1c}
.kosong{background:#fff;border:1px dashed #9aa5b1;padding:1.5rem;border-radius:6px}
details{margin-top:.6rem}ul{margin:.3rem 0;padding-left:1.2rem}
"""


def _e(value: object) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def period_label(period: str) -> str:
    parsed = Period.from_key(period)
    return parsed.label_id() if parsed is not None else period


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
    document: Version | None = None  # the LKjIP draft (.docx) beside the workbook


def _is_visible_xlsx(path: Path) -> bool:
    return (
        not path.is_symlink()  # a linked workbook is neither listed nor served
        and path.is_file()
        and path.name.endswith(".xlsx")
        and not path.name.startswith((".", "~$"))
    )


def _version(path: Path, url: str, made: datetime | None = None) -> Version:
    st = path.stat()
    return Version(path.name, url, made or datetime.fromtimestamp(st.st_mtime, WITA), st.st_size)


def scan_outputs(outputs: Path) -> list[PeriodReports]:
    """Every period folder with a report, history or summary, newest first."""
    outputs = Path(outputs)
    if not outputs.is_dir():
        return []
    found: list[PeriodReports] = []
    for folder in sorted(outputs.iterdir(), key=lambda p: p.name, reverse=True):
        if folder.is_symlink() or not folder.is_dir() or Period.from_key(folder.name) is None:
            continue
        period = folder.name
        latest_path = folder / REPORT_NAME.format(period=period)
        latest = None
        latest_key = None
        if _is_visible_xlsx(latest_path):
            latest = _version(latest_path, f"/unduh/{period}/{quote(latest_path.name)}")
            st = latest_path.stat()
            latest_key = (st.st_size, st.st_mtime_ns)
        history: list[Version] = []
        hist_dir = folder / HISTORY_DIR
        if hist_dir.is_dir() and not hist_dir.is_symlink():
            stem = REPORT_NAME.format(period=period).removesuffix(".xlsx")
            for path in hist_dir.iterdir():
                if not _is_visible_xlsx(path) or not path.name.startswith(stem):
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
                history.append(
                    _version(path, f"/unduh/{period}/{HISTORY_DIR}/{quote(path.name)}", made)
                )
        history.sort(key=lambda v: (v.made, v.name), reverse=True)
        summary = read_summary(outputs, period)
        doc_path = latest_path.with_suffix(".docx")
        document = None
        if doc_path.is_file() and not doc_path.name.startswith((".", "~$")):
            document = _version(doc_path, f"/unduh/{period}/{quote(doc_path.name)}")
        if latest or history or summary:
            found.append(PeriodReports(period, latest, history, summary, document))
    return found


def _int(value: object) -> int:
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return 0


def _render_summary(summary: dict) -> str:
    parts: list[str] = []
    problems = summary.get("problems")
    if isinstance(problems, dict):
        parts.append(
            f'<p class="meta">Masalah pada berkas masukan: '
            f'<strong>{_int(problems.get("Error"))}</strong> error, '
            f'<strong>{_int(problems.get("Peringatan"))}</strong> peringatan '
            f"(rinciannya ada di buku kerja).</p>"
        )
    provisional = summary.get("sementara")
    if isinstance(provisional, list) and provisional:
        items = "".join(
            f"<li>{_e(p.get('indikator'))} tahun {_e(p.get('tahun'))}: dihitung dari {_e(p.get('dasar'))}</li>"
            for p in provisional if isinstance(p, dict))
        parts.append(f'<p class="meta"><strong>Angka sementara</strong> (tahun belum berakhir):</p><ul>{items}</ul>')
    if "peringatan_dini" in summary:
        parts.append(
            f'<p class="meta">Peringatan dini: <strong>{_int(summary.get("peringatan_dini"))}</strong> '
            "sub kegiatan atau bidang perlu perhatian (lembar Peringatan Dini).</p>"
        )
    renja = summary.get("evaluasi_renja")
    if isinstance(renja, str) and renja.endswith(".xlsx") and "/" not in renja:
        period = str(summary.get("period") or "")
        if Period.from_key(period) is not None:
            parts.append(f'<p><a href="/unduh/{_e(period)}/{_e(quote(renja))}" download>Unduh {_e(renja)}</a> '
                         '<span class="meta">(Evaluasi Renja, Tabel E.81, untuk Bappeda)</span></p>')
    rows = summary.get("pengumpulan")
    if isinstance(rows, list) and rows:
        parts.append(
            "<table><thead><tr><th>Bidang</th><th>Status pengumpulan</th><th>Berkas</th>"
            "<th>Diterima</th><th>Error</th><th>Peringatan</th></tr></thead><tbody>"
        )
        for row in rows:
            if not isinstance(row, dict):
                continue
            status = str(row.get("status") or "")
            css = STATUS_CLASS.get(status, "")
            files = row.get("files") or []
            files_html = "<br>".join(_e(f) for f in files) if isinstance(files, list) else _e(files)
            received = _parse_iso(row.get("received_at"))
            parts.append(
                f"<tr><td>{_e(row.get('bidang'))}</td>"
                f'<td><span class="badge {css}">{_e(status)}</span></td>'
                f"<td>{files_html or '-'}</td>"
                f"<td>{_e(format_time(received)) if received else '-'}</td>"
                f'<td class="n">{_int(row.get("errors"))}</td>'
                f'<td class="n">{_int(row.get("warnings"))}</td></tr>'
            )
        parts.append("</tbody></table>")
    return "".join(parts)


def _render_period(item: PeriodReports) -> str:
    out = [f'<section id="p-{_e(item.period)}">']
    out.append(f"<h2>{_e(period_label(item.period))} <span class=\"meta\">({_e(item.period)})</span></h2>")
    if item.latest:
        v = item.latest
        out.append(
            f'<p><a class="unduh" href="{_e(v.url)}" download>Unduh {_e(v.name)}</a></p>'
            f'<p class="meta">Versi terbaru, dibuat {_e(format_time(v.made))}, '
            f"{_e(format_size(v.size))}.</p>"
        )
        if item.document:
            d = item.document
            out.append(f'<p><a class="unduh" href="{_e(d.url)}" download>Unduh {_e(d.name)}</a> '
                       f'<span class="meta">draf dokumen LKjIP (Word), {_e(format_size(d.size))}</span></p>')
    else:
        out.append('<p class="meta">Buku kerja laporan bulan ini belum tersedia.</p>')
    if item.summary:
        out.append(_render_summary(item.summary))
    if item.history:
        out.append(f"<details><summary>Versi sebelumnya ({len(item.history)})</summary><ul>")
        for v in item.history:
            out.append(
                f'<li><a href="{_e(v.url)}" download>{_e(v.name)}</a> '
                f'<span class="meta">dibuat {_e(format_time(v.made))}, {_e(format_size(v.size))}</span></li>'
            )
        out.append("</ul></details>")
    out.append("</section>")
    return "".join(out)


def render_page(outputs: Path, dagster_url: str) -> str:
    periods = scan_outputs(outputs)
    if periods:
        body = "".join(_render_period(p) for p in periods)
    else:
        body = (
            '<div class="kosong"><h2>Belum ada laporan.</h2>'
            "<p>Laporan dibuat otomatis sehari setelah batas pengumpulan berkas (pukul 07.00 WITA), "
            "dan dibuat ulang setiap kali berkas baru atau perbaikan masuk ke folder masukan. "
            "Untuk membuat laporan sekarang, buka Dagster dan jalankan job "
            "<em>laporan_bulanan</em> untuk bulan yang diinginkan.</p></div>"
        )
    return (
        '<!doctype html><html lang="id"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>Laporan Kinerja - Dinas Koperasi dan UKM Provinsi Bali</title>"
        f"<style>{CSS}</style></head><body>"
        "<header><h1>Laporan Kinerja Bulanan</h1>"
        "<p>Dinas Koperasi dan UKM Provinsi Bali &middot; "
        f'<a href="{_e(dagster_url)}" target="_blank" rel="noopener">Buka Dagster</a> '
        "(memantau dan menjalankan ulang proses)</p></header>"
        f"<main>{body}</main></body></html>"
    )


def safe_report_file(outputs: Path, period: str, name: str, sub: str | None = None) -> Path | None:
    """The file to serve, or None when the request is not for an .xlsx file
    inside ``<outputs>/<period>/`` (or its ``riwayat/``)."""
    if Period.from_key(period) is None:
        return None
    if (
        not name
        or not _NAME_RE.fullmatch(name)
        or ".." in name
        or name.startswith((".", "~$"))
        or not name.endswith((".xlsx", ".docx"))
    ):
        return None
    if sub not in (None, HISTORY_DIR):
        return None
    base = Path(outputs).resolve()
    folder = base / period / sub if sub else base / period
    try:
        target = (folder / name).resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if not target.is_relative_to(base) or target.parent != folder.resolve() or not target.is_file():
        return None
    if has_link(base, folder / name):  # a linked period folder, riwayat/ or workbook
        return None
    return target


def create_app(outputs: Path, dagster_url: str = "http://127.0.0.1:3000") -> Starlette:
    """The download page over ``outputs``.

    ``dagster_url`` may contain ``{host}``, replaced by the host name the
    browser used (for a server listening on 0.0.0.0).
    """
    outputs = Path(outputs)

    def _dagster_link(request: Request) -> str:
        if "{host}" not in dagster_url:
            return dagster_url
        host = request.url.hostname or "127.0.0.1"
        return dagster_url.replace("{host}", f"[{host}]" if ":" in host else host)

    async def index(request: Request) -> Response:
        return HTMLResponse(
            render_page(outputs, _dagster_link(request)),
            headers={"Cache-Control": "no-store"},
        )

    def _serve(period: str, name: str, sub: str | None, head: bool = False) -> Response:
        target = safe_report_file(outputs, period, name, sub)
        if target is None:
            raise HTTPException(status_code=404, detail="Berkas tidak ditemukan")
        mime = DOCX_MIME if target.suffix == ".docx" else XLSX_MIME
        response = file_response(target, mime, {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"},
                                 head=head)
        if response is None:  # replaced by a link, or removed, since it was checked
            raise HTTPException(status_code=404, detail="Berkas tidak ditemukan")
        return response

    async def download(request: Request) -> Response:
        return _serve(request.path_params["period"], request.path_params["name"], None, request.method == "HEAD")

    async def download_history(request: Request) -> Response:
        return _serve(request.path_params["period"], request.path_params["name"], HISTORY_DIR,
                      request.method == "HEAD")

    async def not_found(request: Request, exc: Exception) -> Response:
        status = getattr(exc, "status_code", 404)
        text = "Berkas tidak ditemukan" if status == 404 else "Permintaan tidak dapat diproses"
        return HTMLResponse(
            f'<!doctype html><html lang="id"><meta charset="utf-8"><title>{status}</title>'
            f'<p>{_e(text)}. <a href="/">Kembali ke daftar laporan</a></p></html>',
            status_code=status,
        )

    return Starlette(
        routes=[
            Route("/", index, methods=["GET", "HEAD"]),
            Route("/unduh/{period}/" + HISTORY_DIR + "/{name}", download_history, methods=["GET", "HEAD"]),
            Route("/unduh/{period}/{name}", download, methods=["GET", "HEAD"]),
        ],
        exception_handlers={HTTPException: not_found},
    )
