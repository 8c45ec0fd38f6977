"""Serving a report file safely: no symlinks, and exactly what one open file holds.

A publish renames a new workbook over the old one while a planner may be
downloading it.  The file is therefore opened once (refusing a symlink as the
last component), its length taken from that open file (``fstat``), and the
bytes streamed from that same open file: a rename in between changes neither,
because the old inode lives on until it is closed.  The announced
``Content-Length`` is always the length sent.
"""

from __future__ import annotations

import contextlib
import os
import stat
from pathlib import Path
from urllib.parse import quote

import anyio
from starlette.background import BackgroundTask
from starlette.responses import Response, StreamingResponse

CHUNK = 64 * 1024


def has_link(base: Path, target: Path) -> bool:
    """True when ``target`` or a folder between ``base`` and it is a symbolic link."""
    try:
        relative = Path(target).relative_to(base)
    except ValueError:
        return True
    current = Path(base)
    for part in relative.parts:
        current = current / part
        if current.is_symlink():
            return True
    return False


def open_plain_file(path: Path):
    """The open binary file and its size, or None when ``path`` is a symlink,
    not a regular file, or gone."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            os.close(fd)
            return None
        return os.fdopen(fd, "rb"), st.st_size
    except OSError:
        os.close(fd)
        return None


def _disposition(filename: str) -> str:
    quoted = quote(filename)
    if quoted != filename:
        return f"attachment; filename*=utf-8''{quoted}"
    return f'attachment; filename="{filename}"'


def file_response(path: Path, media_type: str, headers: dict[str, str], head: bool = False,
                  filename: str | None = None) -> Response | None:
    """A response with exactly the bytes of one open file (downloaded as ``filename``, default its
    own name), or None when it cannot be opened."""
    opened = open_plain_file(path)
    if opened is None:
        return None
    fh, size = opened
    all_headers = {**headers, "content-length": str(size), "content-disposition": _disposition(filename or Path(path).name)}
    if head:
        fh.close()
        return Response(status_code=200, headers=all_headers, media_type=media_type)

    async def body():
        left = size
        try:
            while left > 0:
                chunk = await anyio.to_thread.run_sync(fh.read, min(CHUNK, left))
                if not chunk:  # cannot happen for a file nobody truncates in place
                    break
                left -= len(chunk)
                yield chunk
        finally:
            with contextlib.suppress(OSError):
                fh.close()

    return StreamingResponse(body(), headers=all_headers, media_type=media_type,
                             background=BackgroundTask(fh.close))
