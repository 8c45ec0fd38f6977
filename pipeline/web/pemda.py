"""A whole Pemda on the page: each account sees its own OPD, Bappeda sees every OPD, the rekap and the
Pemda's document.

An account carries ``opd`` (the OPD's folder) unless it is ``bappeda``.  The routes here serve
``<outputs>/<opd>/<YYYY-MM>/`` and ``<outputs>/pemda/<YYYY-MM>/``:

- ``GET /opd``: the OPD the user may see, with their months and files;
- ``GET /opd/{opd}/unduh/{period}/{name}``: an OPD's workbook or document (its own accounts, or Bappeda);
- ``GET /pemda/unduh/{period}/{name}``: the rekap and the Pemda's document (Bappeda only).

Another OPD's files answer 404, exactly as a file that does not exist: an OPD's users cannot even
learn which other OPD have reports.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from pipeline.domain.periods import Period
from pipeline.web.download import file_response

BAPPEDA = "bappeda"
PEMDA_FOLDER = "pemda"
_OPD_RE = re.compile(r"^[^/\\\x00]{1,120}$")
_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9 ._()-]{0,150}\.(xlsx|docx)$")
XLSX_MIME = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def sees_every_opd(user) -> bool:
    """Bappeda, or the one local user of a page without accounts (it has no password)."""
    return getattr(user, "peran", None) == BAPPEDA or (user is not None and not hasattr(user, "sandi"))


def may_see_opd(user, opd: str) -> bool:
    """Whether ``user`` may see OPD ``opd``: Bappeda every OPD, any other account only its own."""
    if user is None:
        return False
    return sees_every_opd(user) or (getattr(user, "opd", None) is not None and getattr(user, "opd") == opd)


def visible_opds(user, outputs: Path) -> list[str]:
    """The OPD folders under ``outputs`` that ``user`` may see."""
    root = Path(outputs)
    if not root.is_dir():
        return []
    found = sorted(p.name for p in root.iterdir()
                   if p.is_dir() and not p.is_symlink() and p.name != PEMDA_FOLDER and not p.name.startswith(".")
                   and Period.from_key(p.name) is None)
    return [o for o in found if may_see_opd(user, o)]


def office_folder(user, root: Path) -> Path:
    """An OPD account's own folder under the deployment's inputs or outputs ``root`` (``root`` itself for a
    single office's accounts and for Bappeda): its uploads, template and submission status stay in its OPD."""
    opd = getattr(user, "opd", None)
    return Path(root) / opd if opd and _OPD_RE.fullmatch(opd) and opd not in (PEMDA_FOLDER, ".", "..") else Path(root)


def _target(base: Path, period: str, name: str) -> Path | None:
    """A file directly in ``<base>/<period>/``, never through a link, or None."""
    if Period.from_key(period) is None or not _NAME_RE.fullmatch(name or "") or ".." in name:
        return None
    folder = base / period
    candidate = folder / name
    if base.is_symlink() or folder.is_symlink() or candidate.is_symlink():
        return None
    try:
        target = candidate.resolve(strict=True)
    except (OSError, RuntimeError):
        return None
    if target.parent != folder.resolve() or not target.is_file():
        return None
    return target


def _send(target: Path | None, head: bool) -> Response:
    if target is None:
        raise HTTPException(status_code=404, detail="Berkas tidak ditemukan")
    response = file_response(target, DOCX_MIME if target.suffix == ".docx" else XLSX_MIME,
                             {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}, head=head)
    if response is None:
        raise HTTPException(status_code=404, detail="Berkas tidak ditemukan")
    return response


def pemda_routes(outputs: Path, require, may_read_reports) -> list[Route]:
    """The routes of a Pemda; ``require(request)`` gives the logged-in user (or raises), and
    ``may_read_reports(user)`` says whether a bidang account may download its OPD's reports."""
    outputs = Path(outputs)

    async def opd_list(request: Request) -> Response:
        user = require(request)
        items = []
        for opd in visible_opds(user, outputs):
            months = sorted((p.name for p in (outputs / opd).iterdir()
                             if p.is_dir() and Period.from_key(p.name) is not None), reverse=True)
            links = []
            for month in months:
                files = sorted(p.name for p in (outputs / opd / month).iterdir()
                               if p.is_file() and _NAME_RE.fullmatch(p.name))
                links += [f'<a href="/opd/{html.escape(opd)}/unduh/{month}/{html.escape(f)}">{html.escape(f)}</a>'
                          for f in files]
            items.append(f"<li><strong>{html.escape(opd)}</strong>: {' '.join(links) or 'belum ada laporan'}</li>")
        rekap = ""
        if sees_every_opd(user) and (outputs / PEMDA_FOLDER).is_dir():
            months = sorted((p.name for p in (outputs / PEMDA_FOLDER).iterdir()
                             if p.is_dir() and Period.from_key(p.name) is not None), reverse=True)
            rekap = "".join(
                f'<li>{m}: ' + " ".join(f'<a href="/pemda/unduh/{m}/{html.escape(f.name)}">{html.escape(f.name)}</a>'
                                        for f in sorted((outputs / PEMDA_FOLDER / m).iterdir())
                                        if f.is_file() and _NAME_RE.fullmatch(f.name)) + "</li>"
                for m in months)
            rekap = f"<h2>Rekap Pemda</h2><ul>{rekap}</ul>"
        body = (f"<!doctype html><html lang=id><meta charset=utf-8><title>Perangkat Daerah</title>"
                f"<h1>Laporan Perangkat Daerah</h1><ul>{''.join(items) or '<li>tidak ada</li>'}</ul>{rekap}</html>")
        return HTMLResponse(body, headers={"Cache-Control": "no-store"})

    async def opd_download(request: Request) -> Response:
        user = require(request)
        opd = request.path_params["opd"]
        if not _OPD_RE.fullmatch(opd) or opd in (PEMDA_FOLDER, ".", "..") or not may_see_opd(user, opd):
            raise HTTPException(status_code=404, detail="Berkas tidak ditemukan")  # never says the OPD exists
        if not sees_every_opd(user) and not may_read_reports(user):
            raise HTTPException(status_code=403)
        return _send(_target(outputs / opd, request.path_params["period"], request.path_params["name"]),
                     request.method == "HEAD")

    async def pemda_download(request: Request) -> Response:
        user = require(request)
        if not sees_every_opd(user):
            raise HTTPException(status_code=404, detail="Berkas tidak ditemukan")
        return _send(_target(outputs / PEMDA_FOLDER, request.path_params["period"], request.path_params["name"]),
                     request.method == "HEAD")

    return [
        Route("/opd", opd_list, methods=["GET", "HEAD"]),
        Route("/opd/{opd}/unduh/{period}/{name}", opd_download, methods=["GET", "HEAD"]),
        Route("/pemda/unduh/{period}/{name}", pemda_download, methods=["GET", "HEAD"]),
    ]
