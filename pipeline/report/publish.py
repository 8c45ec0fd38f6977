"""Outputs that never break: atomic replacement of the report, a history copy
of every version, and the small ``ringkasan.json`` the download page reads.

The workbook is written to a hidden temporary file in the SAME folder as the
final report (so ``os.replace`` is an atomic rename on one filesystem),
flushed to disk, copied into ``riwayat/`` and only then renamed over the old
report.  A crash, exception or ``kill -9`` during writing leaves the previous
report untouched; the temporary file is hidden (``.tmp-...``) so neither the
page nor the download route ever serves it, and stale ones are cleaned up by
the next publish.
"""

from __future__ import annotations

import contextlib
import errno
import json
import os
import shutil
import tempfile
import time
import zipfile
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from pipeline.oserrors import WriteFailed, describe
from pipeline.settings import REPORT_NAME, TIMEZONE, report_path

HISTORY_DIR = "riwayat"
SUMMARY_NAME = "ringkasan.json"
TMP_PREFIX = ".tmp-"
STAMP_FORMAT = "%Y%m%d-%H%M%S"
_STALE_TMP_SECONDS = 3600  # a temp file older than this is a leftover of a killed run

WITA = ZoneInfo(TIMEZONE)


def to_wita(moment: datetime) -> datetime:
    """A naive datetime is taken as WITA; an aware one is converted to WITA."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=WITA)
    return moment.astimezone(WITA)


def history_dir(outputs: Path, period: str) -> Path:
    return Path(outputs) / period / HISTORY_DIR


def history_path(outputs: Path, period: str, made_at: datetime, name: str = REPORT_NAME, n: int = 1) -> Path:
    """``<outputs>/<period>/riwayat/laporan-kinerja-<period>-<YYYYMMDD-HHMMSS>.xlsx`` (WITA);
    the ``n``-th version made in the same second ends in ``-<n>`` (``...-070005-2.xlsx``)."""
    stamp = to_wita(made_at).strftime(STAMP_FORMAT)
    stem = name.format(period=period).removesuffix(".xlsx")
    suffix = f"-{n}" if n > 1 else ""
    return history_dir(outputs, period) / f"{stem}-{stamp}{suffix}.xlsx"


def summary_path(outputs: Path, period: str) -> Path:
    return Path(outputs) / period / SUMMARY_NAME


def _fsync_file(path: Path) -> None:
    with open(path, "rb+") as fh:
        fh.flush()
        os.fsync(fh.fileno())


def _fsync_dir(folder: Path) -> None:
    # Makes the rename itself durable; not possible on every platform.
    with contextlib.suppress(OSError, AttributeError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _temp_in(folder: Path, final_name: str) -> Path:
    """A new, hidden, empty file next to the final one (ends in the same suffix,
    so writers that insist on ``.xlsx`` accept it)."""
    fd, name = tempfile.mkstemp(dir=folder, prefix=TMP_PREFIX, suffix=f"-{final_name}")
    os.close(fd)
    return Path(name)


def _clean_stale_temps(folder: Path) -> None:
    now = time.time()
    with contextlib.suppress(OSError):
        for leftover in folder.glob(f"{TMP_PREFIX}*"):
            with contextlib.suppress(OSError):
                if now - leftover.stat().st_mtime > _STALE_TMP_SECONDS:
                    leftover.unlink()


def _atomic_write(target: Path, write: Callable[[Path], None], check: Callable[[Path], None] | None = None) -> Path:
    """Write ``target`` through a temporary file in its own folder, flushed, then renamed over it.

    A crash or a kill at any point leaves the previous ``target`` as it was; the
    temporary file is removed when ``write`` or ``check`` raises.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = _temp_in(target.parent, target.name)
    try:
        write(tmp)
        if check is not None:
            check(tmp)
        _fsync_file(tmp)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            tmp.unlink()
        raise
    _fsync_dir(target.parent)
    return target


def _keep_copy(source: Path, outputs: Path, period: str, made_at: datetime, name: str = REPORT_NAME) -> Path:
    """Copy ``source`` into ``riwayat/`` under a name no other version has.

    The copy is written to a temporary file, then hard-linked to the first free
    name (a link never replaces an existing file, so two publishes in the same
    second, even from two processes, each keep their own entry).
    """
    folder = history_dir(outputs, period)
    folder.mkdir(parents=True, exist_ok=True)
    tmp = _temp_in(folder, "riwayat.xlsx")
    try:
        shutil.copy2(source, tmp)
        _fsync_file(tmp)
        for n in range(1, 10_000):
            candidate = history_path(outputs, period, made_at, name, n)
            try:
                os.link(tmp, candidate)
            except FileExistsError:
                continue
            except OSError as exc:
                if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV):
                    raise
                # no hard links on this filesystem: reserve the name, then rename over the reservation
                try:
                    os.close(os.open(candidate, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
                except FileExistsError:
                    continue
                os.replace(tmp, candidate)
            _fsync_dir(folder)
            return candidate
        raise FileExistsError(f"terlalu banyak versi dalam satu detik: {folder}")
    finally:
        with contextlib.suppress(OSError):
            tmp.unlink()


def _complete_xlsx(path: Path) -> None:
    if path.stat().st_size == 0:
        raise RuntimeError(f"penulis laporan tidak menulis apa pun ke {path.name}")
    if not zipfile.is_zipfile(path):
        raise RuntimeError(f"berkas yang ditulis bukan .xlsx yang utuh: {path.name}")


def publish(
    write: Callable[[Path], None],
    outputs: Path,
    period: str,
    made_at: datetime,
    name: str = REPORT_NAME,
) -> Path:
    """Write the report of ``period`` safely and return its final path.

    ``name`` is the file name pattern (``settings.REPORT_NAME`` by default; the
    Tabel E.81 workbook uses ``settings.EVALUASI_RENJA_NAME``).

    ``write(tmp)`` must write the complete workbook to ``tmp`` (an existing,
    empty file that may be overwritten, e.g. ``wb.save(tmp)``).  If it raises,
    or the result is not a complete .xlsx (zip) file, the previous report is
    left as it was and the exception propagates.
    """
    final = Path(outputs) / period / name.format(period=period)

    def write_and_keep_history(tmp: Path) -> None:
        write(tmp)
        _complete_xlsx(tmp)
        # History first: if we die before the rename the old report stays
        # current and the new version is at least kept in riwayat/.
        _keep_copy(tmp, outputs, period, made_at, name)

    try:
        final.parent.mkdir(parents=True, exist_ok=True)
        _clean_stale_temps(final.parent)
        _clean_stale_temps(history_dir(outputs, period))
        return _atomic_write(final, write_and_keep_history)
    except OSError as exc:  # read-only, not a folder, disk full: one line, the old report intact
        raise WriteFailed(describe("laporan tidak dapat ditulis ke folder", final.parent, exc)) from exc


DOCUMENT_SUFFIX = ".docx"


def document_path(outputs: Path, period: str) -> Path:
    """``<outputs>/<period>/laporan-kinerja-<period>.docx``: the LKjIP draft beside the workbook."""
    return report_path(outputs, period).with_suffix(DOCUMENT_SUFFIX)


def publish_document(content: bytes, outputs: Path, period: str, made_at: datetime) -> Path:
    """Write the document of ``period`` like the workbook: a history copy first, then an atomic rename."""
    final = document_path(outputs, period)
    history = history_path(outputs, period, made_at).with_suffix(DOCUMENT_SUFFIX)

    def write_and_keep_history(tmp: Path) -> None:
        tmp.write_bytes(content)
        if not zipfile.is_zipfile(tmp):
            raise RuntimeError(f"berkas yang ditulis bukan .docx yang utuh: {final.name}")
        _atomic_write(history, lambda copy: shutil.copy2(tmp, copy))

    return _atomic_write(final, write_and_keep_history)


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return to_wita(value).isoformat()
    if isinstance(value, Path):
        return value.name
    if isinstance(value, (set, frozenset, tuple)):
        return list(value)
    raise TypeError(f"tidak dapat ditulis ke JSON: {type(value).__name__}")


def write_summary(outputs: Path, period: str, summary: dict) -> Path:
    """Write ``<outputs>/<period>/ringkasan.json`` atomically; return its path.

    Format::

        {"period": "2024-12", "made_at": "2025-01-11T07:00:05+08:00",
         "workbook": "laporan-kinerja-2024-12.xlsx",
         "problems": {"Error": 3, "Peringatan": 7},
         "pengumpulan": [{"bidang": "...", "status": "Tepat Waktu",
                          "files": ["..."], "received_at": "...ISO..." | null,
                          "errors": 0, "warnings": 1,
                          "masalah": [{"severity", "file", "sheet", "cell", "column", "value",
                                       "message"}, ...]}],   # at most 300 per bidang
         "utama": {"tahun": 2024,
                   "iku": [{"kode", "indikator", "satuan", "persen", "target", "realisasi",
                            "capaian", "kategori"}, ...],
                   "anggaran": {"pagu", "realisasi", "capaian"},
                   "efisiensi": [{"kode", "sasaran", "capaian_anggaran", "efisiensi"}, ...]}}

    Capaian and efisiensi are percent points (95.3 is 95,3 %), None when N/A.
    datetimes are written as ISO-8601 in WITA.
    """
    data = json.dumps(summary, ensure_ascii=False, indent=2, default=_json_default) + "\n"
    target = summary_path(outputs, period)
    try:
        return _atomic_write(target, lambda tmp: tmp.write_text(data, encoding="utf-8"))
    except OSError as exc:
        raise WriteFailed(describe("ringkasan tidak dapat ditulis ke folder", target.parent, exc)) from exc


def read_summary(outputs: Path, period: str) -> dict | None:
    """The summary of ``period``, or None when it is missing or unreadable."""
    try:
        data = json.loads(summary_path(outputs, period).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) else None
