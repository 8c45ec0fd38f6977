"""Operating-system errors in one Indonesian line: what, where, and what to do.

A read-only outputs folder, a path that is a file where a folder should be, a
full disk: the user gets one line naming the place, never a traceback.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from pathlib import Path

_REASONS = {
    errno.ENOSPC: "disk penuh; kosongkan ruang disk lalu jalankan ulang",
    errno.EDQUOT: "kuota disk habis; kosongkan ruang disk lalu jalankan ulang",
    errno.EROFS: "sistem berkasnya hanya-baca (read-only); pasang ulang dengan izin tulis atau pilih folder lain",
    errno.EACCES: "tidak ada izin menulis; beri izin tulis atau pilih folder lain",
    errno.EPERM: "tidak boleh ditulisi (izin atau atribut immutable); beri izin tulis atau pilih folder lain",
    errno.ENOTDIR: "bukan folder (ada berkas biasa dengan nama itu); pindahkan berkas itu atau pilih folder lain",
    errno.EEXIST: "bukan folder (ada berkas biasa dengan nama itu); pindahkan berkas itu atau pilih folder lain",
    errno.EISDIR: "berupa folder, padahal seharusnya berkas; pindahkan folder itu",
    errno.ENOENT: "tidak ditemukan",
    errno.ELOOP: "tautan simbolik yang berputar",
    errno.EIO: "kesalahan baca/tulis perangkat (disk rusak atau terlepas?)",
}


class WriteFailed(RuntimeError):
    """Writing an output failed; the message is the one Indonesian line for the user."""


def os_reason(exc: OSError) -> str:
    """The Indonesian reason for an OSError (errno), with the system's text as a fallback."""
    reason = _REASONS.get(exc.errno or -1)
    if reason:
        return reason
    return exc.strerror or exc.__class__.__name__


def describe(what: str, path: Path | str, exc: OSError) -> str:
    """``<what> <path>: <reason>``: one line."""
    return f"{what} {path}: {os_reason(exc)}"


def writable_folder(path: Path) -> OSError | None:
    """None when ``path`` is (or can be made) a folder a new file can be written in;
    else the OSError that says why not.  Works for root too: a read-only mount or an
    immutable folder refuses the test file whatever the permission bits say."""
    path = Path(path)
    try:
        if path.exists() and not path.is_dir():
            return NotADirectoryError(errno.ENOTDIR, os.strerror(errno.ENOTDIR), str(path))
        path.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=path, prefix=".tmp-lkjip-periksa-")
        os.close(fd)
        with contextlib.suppress(OSError):
            os.unlink(name)
    except OSError as exc:
        return exc
    return None
