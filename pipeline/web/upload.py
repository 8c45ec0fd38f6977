"""A bidang's upload: checked with the run's own rules, then dropped where the run reads it.

1. the name: a plain file name ending in ``.xlsx`` (no folder, no ``..``),
   cleaned up (odd characters become ``-``);
2. at most :data:`MAX_UPLOAD_BYTES`;
3. :func:`pipeline.intake.safety.inspect_file` (the run's safety checks)
   before any parser touches it;
4. :func:`pipeline.intake.validate.check_files` (what ``lkjip validate`` and the
   run do with a realisation file of that bidang) gives the period, the
   bidang the rows belong to and every problem with its cell;
5. only a file whose rows are this bidang's and whose period is known (from
   the file, or chosen on the form when the file has none) is saved,
   atomically, as ``inputs/realisasi/<bidang>/<YYYY-MM>/<name>``; the earlier
   uploads of that bidang for that month leave the drop folder (they stay in
   the archive), so the month holds the bidang's latest upload.

Everything received is kept in the instance folder's archive
(``unggahan/<id>/``) with the annotated copy, and logged with
:func:`pipeline.web.upload_log.record_upload`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from pipeline.domain.periods import Period, PeriodError
from pipeline.problems import ERROR, Problem
from pipeline.web.instance import ensure_private_dir
from pipeline.web.upload_log import ACCEPTED, REFUSED, UploadRecord, read_uploads, record_upload

MAX_UPLOAD_BYTES = 20 << 20
ARCHIVE_DIR = "unggahan"
ANNOTATED_NAME = "catatan.xlsx"
_ODD = re.compile(r"[^A-Za-z0-9 ._()&,+-]+")


class Refused(ValueError):
    """An upload that is not taken; the message is Indonesian."""


@dataclass
class Answer:
    """What the page shows after an upload."""

    record: UploadRecord
    saved: bool
    message: str
    problems: list[dict] = field(default_factory=list)
    needs_period: bool = False


def bidang_folder(bidang: str) -> str:
    """``Bidang UKM`` -> ``bidang-ukm``: the bidang's folder under ``inputs/realisasi/``."""
    text = unicodedata.normalize("NFKD", bidang).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "bidang"


def clean_name(raw: str) -> str:
    """A safe file name from the one the browser sent, or :class:`Refused`."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    if not name.strip():
        raise Refused("Berkas belum dipilih.")
    if "/" in name or "\\" in name or "\x00" in name or ".." in name:
        raise Refused(f"Nama berkas '{name}' tidak boleh berisi folder atau '..'; beri nama biasa, "
                      "misalnya 'Realisasi Desember 2024.xlsx'.")
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    stem, dot, ext = name.rpartition(".")
    if not dot or ext.lower() != "xlsx":
        raise Refused(f"Berkas '{name}' bukan Excel Workbook (.xlsx); simpan ulang sebagai .xlsx lalu unggah lagi.")
    stem = _ODD.sub("-", stem)
    stem = re.sub(r"\s+", " ", stem)
    stem = re.sub(r"-{2,}", "-", stem).strip(" .-_")[:100]
    return f"{stem or 'realisasi'}.xlsx"


def _problem_dict(p: Problem) -> dict:
    return {"severity": str(p.severity), "sheet": p.sheet, "cell": p.cell, "column": p.column,
            "value": p.value, "message": p.message}


def _fsync(path: Path) -> None:
    with open(path, "rb") as fh:
        os.fsync(fh.fileno())


def _safe_folder(base: Path, *parts: str) -> Path:
    """``base/parts...`` created without following a symlink anywhere below ``base``."""
    folder = base
    for part in parts:
        folder = folder / part
        if folder.is_symlink():
            raise Refused("Folder tujuan tidak dapat dipakai (tautan simbolik); hubungi perencana.")
        folder.mkdir(exist_ok=True)
    if folder.resolve() != folder:
        raise Refused("Folder tujuan tidak dapat dipakai; hubungi perencana.")
    return folder


def receive_upload(
    data_path: Path,
    original_name: str,
    *,
    account: str,
    bidang: str,
    chosen_period: str | None,
    inputs: Path,
    instance: Path,
    now: datetime,
) -> Answer:
    """Check and (when it passes) save one uploaded file already spooled at ``data_path``."""
    from pipeline.intake.safety import inspect_file, remembered_verdicts
    from pipeline.intake.validate import check_files
    from pipeline.report.annotated import annotate_copy

    inputs = Path(inputs).resolve()
    upload_id = f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"
    size = Path(data_path).stat().st_size
    with open(data_path, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    log = dict(upload_id=upload_id, account=account, bidang=bidang, when=now, original_name=str(original_name or ""),
               sha256=digest, size=size)

    def refuse(message: str, problems: list[dict] | None = None, annotated: bool = False,
               period: str | None = None, needs_period: bool = False) -> Answer:
        record = record_upload(instance, **log, result=REFUSED, reason=message, problems=problems,
                               annotated=annotated, period=period)
        return Answer(record, False, message, list(problems or []), needs_period)

    try:
        name = clean_name(original_name)
    except Refused as exc:
        return refuse(str(exc))
    if size > MAX_UPLOAD_BYTES:
        return refuse(f"Berkas {size / (1 << 20):.1f} MB melebihi batas {MAX_UPLOAD_BYTES >> 20} MB.".replace(".", ",", 1))

    archive = ensure_private_dir(Path(instance) / ARCHIVE_DIR / upload_id)
    kept = archive / name
    shutil.copyfile(data_path, kept)
    slug = bidang_folder(bidang)
    with tempfile.TemporaryDirectory(prefix="lkjip-unggah-") as tmp:
        staged = Path(tmp) / "realisasi" / slug / name
        staged.parent.mkdir(parents=True)
        shutil.copyfile(kept, staged)
        with remembered_verdicts():
            verdict = inspect_file(staged, name)
            if not verdict.ok:
                problems = [_problem_dict(p) for p in verdict.problems]
                return refuse("Berkas ditolak sebelum dibaca: " + "; ".join(p.message for p in verdict.problems
                                                                             if p.severity == ERROR), problems)
            (report, problems), = check_files([staged], inputs)
            period = report.period or None
            if period is None and chosen_period and any(p.rule == "period_missing" for p in problems):
                try:
                    chosen = str(Period.parse(chosen_period))
                except PeriodError as exc:
                    return refuse(f"Periode yang dipilih tidak valid: {exc.reason}")
                dated = Path(tmp) / "realisasi" / slug / chosen / name
                dated.parent.mkdir(parents=True)
                os.replace(staged, dated)
                staged = dated
                (report, problems), = check_files([staged], inputs)
                period = report.period or None
        found = [_problem_dict(p) for p in problems]
        annotated = annotate_copy(staged, problems, archive) if problems else None
        if annotated:
            os.replace(annotated, archive / ANNOTATED_NAME)
        done = dict(problems=found, annotated=bool(annotated), period=period)
        if period is None:
            missing = any(p.rule == "period_missing" for p in problems)
            if missing:
                return refuse("Periode laporan tidak tertulis di berkas: pilih bulannya pada formulir lalu unggah "
                              "lagi, atau tulis 'Bulan: <nama bulan> <tahun>' di judul.", needs_period=True, **done)
            return refuse("Berkas tidak dapat dibaca sebagai laporan realisasi; lihat masalah di bawah.", **done)
        others = [b for b in report.bidang if b != bidang]
        if others:
            return refuse(f"Berkas ini memuat sub kegiatan milik {', '.join(others)}; unggah hanya berkas "
                          f"{bidang}.", **done)
        if not report.bidang:
            return refuse(f"Tidak ada sub kegiatan {bidang} (menurut referensi) di berkas ini; periksa kolom Kode.",
                          **done)
        try:
            target = _save(staged, inputs, slug, period, _free_name(instance, inputs, bidang, slug, period, name), now)
        except Refused as exc:
            return refuse(str(exc), **done)
    saved = target.relative_to(inputs).as_posix()
    _record_arrival(target, inputs, now)
    _retire_earlier(instance, inputs, bidang, target)
    errors = sum(1 for p in found if p["severity"] == ERROR)
    record = record_upload(instance, **log, result=ACCEPTED, saved=saved, period=period, problems=found,
                           annotated=bool(annotated),
                           reason=f"disimpan sebagai {saved}")
    message = (f"Berkas diterima untuk {Period.parse(period).label_id()} dan disimpan sebagai {saved}. "
               + (f"Ada {errors} Error: perbaiki lalu unggah lagi." if errors else
                  "Tidak ada Error." if not found else "Tidak ada Error, hanya peringatan."))
    return Answer(record, True, message, found)


def _record_arrival(target: Path, inputs: Path, now: datetime) -> None:
    """The upload is the file's arrival for Pengumpulan (pipeline/intake/arrivals.py); the file's
    time is the upload moment too, so a ledger that cannot be written changes nothing."""
    import sqlite3

    from pipeline.intake.arrivals import record_upload as record_arrival

    with contextlib.suppress(OSError, sqlite3.Error):
        record_arrival(target, inputs, arrived_at=now)


def _free_name(instance: Path, inputs: Path, bidang: str, slug: str, period: str, name: str) -> str:
    """``name``, unless a file of that name is there that is not an upload of this bidang
    (then ``name (2).xlsx``, ...): an upload never replaces a file it does not own."""
    own = {r.disimpan for r in read_uploads(instance, bidang=bidang) if r.hasil == ACCEPTED and r.disimpan}
    stem = name[: -len(".xlsx")]
    for n in range(1, 1000):
        candidate = name if n == 1 else f"{stem} ({n}).xlsx"
        relative = f"realisasi/{slug}/{period}/{candidate}"
        path = inputs / relative
        if not (path.exists() or path.is_symlink()) or relative in own:
            return candidate
    raise Refused("Terlalu banyak berkas bernama sama di folder ini; ganti nama berkas lalu unggah lagi.")


def _save(staged: Path, inputs: Path, slug: str, period: str, name: str, now: datetime) -> Path:
    """Atomically place the file at ``inputs/realisasi/<slug>/<period>/<name>`` with ``now`` as its time."""
    folder = _safe_folder(inputs, "realisasi", slug, period)
    own = (inputs / "realisasi" / slug).resolve()
    target = folder / name
    if not target.resolve().is_relative_to(own) or target.is_symlink():
        raise Refused("Nama berkas tidak dapat dipakai; ganti nama berkas lalu unggah lagi.")
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".tmp-", suffix=".xlsx")
    try:
        with os.fdopen(fd, "wb") as out, open(staged, "rb") as src:
            shutil.copyfileobj(src, out)
            out.flush()
            os.fsync(out.fileno())
        stamp = now.timestamp()
        os.utime(tmp, (stamp, stamp))  # the upload is the file's arrival time
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
    with contextlib.suppress(OSError):
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)
    return target


def _retire_earlier(instance: Path, inputs: Path, bidang: str, target: Path) -> None:
    """Earlier uploads of this bidang in the same month's folder leave the drop folder (kept in the archive)."""
    for record in read_uploads(instance, bidang=bidang):
        if record.hasil != ACCEPTED or not record.disimpan:
            continue
        path = inputs / record.disimpan
        if path == target or path.parent != target.parent or path.is_symlink():
            continue
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def archived_file(instance: Path, record: UploadRecord, annotated: bool) -> Path | None:
    """The archived original (or annotated copy) of one upload, if it is there."""
    folder = Path(instance) / ARCHIVE_DIR / record.id
    if annotated:
        path = folder / ANNOTATED_NAME
    else:
        try:
            path = folder / clean_name(record.berkas)
        except Refused:
            return None
    return path if path.is_file() and not path.is_symlink() else None
