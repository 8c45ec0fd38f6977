"""A bidang's upload: checked with the run's own rules, then dropped where the run reads it.

1. the name: a plain file name ending in ``.xlsx`` (no folder, no ``..``),
   cleaned up (odd characters become ``-``);
2. at most :data:`MAX_UPLOAD_BYTES`;
3. :func:`pipeline.intake.safety.inspect_file` (the run's safety checks)
   before any parser touches it;
4. :func:`pipeline.intake.validate.check_files` (what ``lkjip validate`` and the
   run do with a realisation file of that bidang) gives the period, the
   bidang the rows belong to and every problem with its cell;
5. only a file whose rows are this bidang's, whose period is known (from
   the file, or chosen on the form when the file has none), whose month is not
   locked (verified by the planner) and that has no ``Error`` can be submitted
   (else ``Ditolak``, kept apart in the archive); Peringatan that change
   figures first need the bidang's confirmation, the page showing the bidang's
   totals before and after (:mod:`pipeline.intake.submission_check`);
6. a submission is saved atomically as
   ``inputs/realisasi/<bidang>/<YYYY-MM>/<name>`` and every earlier file of
   that bidang for that month (from the page or the shared folder) moves to
   ``inputs/riwayat/<YYYY-MM>/<bidang>/`` (never deleted; the run does not
   read it); its state becomes ``Diajukan``
   (:mod:`pipeline.intake.submission_store`).

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
from pipeline.web.upload_log import (ACCEPTED, CHECKING, PENDING, REFUSED, SUPERSEDED, UploadRecord, find_upload,
                                     read_uploads, record_upload)

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
    needs_confirmation: bool = False


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
    return {"severity": str(p.severity), "rule": p.rule, "sheet": p.sheet, "cell": p.cell, "column": p.column,
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
    upload_id: str | None = None,
) -> Answer:
    """Check one uploaded file already spooled at ``data_path``; submit it when it passes.

    The upload is in the log (``sedang diperiksa``) before any check.  A file with an ``Error``
    is ``Ditolak`` (kept in the archive, the drop folder untouched); a file whose Peringatan
    change figures waits for the bidang's confirmation (:func:`confirm_upload`); a clean one is
    submitted at once (:func:`_submit`): the bidang's earlier files of the month move to
    ``inputs/riwayat/`` and the state becomes ``Diajukan``.  A locked month takes nothing."""
    from pipeline.intake.safety import inspect_file, remembered_verdicts
    from pipeline.intake.submission_check import FIGURE_RULES
    from pipeline.intake.submission_store import DITOLAK, Locked, SubmissionStore
    from pipeline.intake.validate import check_files
    from pipeline.report.annotated import annotate_copy

    inputs = Path(inputs).resolve()
    upload_id = upload_id or new_upload_id(now)
    size = Path(data_path).stat().st_size
    with open(data_path, "rb") as fh:
        digest = hashlib.file_digest(fh, "sha256").hexdigest()
    log = dict(upload_id=upload_id, account=account, bidang=bidang, when=now, original_name=str(original_name or ""),
               sha256=digest, size=size)
    record_upload(instance, **log, result=CHECKING, reason="diterima halaman, sedang diperiksa")
    store = SubmissionStore(instance)

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
                staged = _move_into(staged, Path(tmp) / "realisasi" / slug / chosen / name)
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
                return refuse(f"Tidak ada sub kegiatan {bidang} (menurut referensi) di berkas ini; periksa kolom "
                              "Kode.", **done)
            try:
                store.check_open(bidang, period)
            except Locked as exc:
                return refuse(str(exc), **done)
            errors = sum(1 for p in found if p["severity"] == ERROR)
            if errors:
                store.reject(bidang, period, upload_id, account, now)
                return refuse(f"{DITOLAK}: berkas memuat {errors} Error sehingga tidak dipakai dan tidak mengganti "
                              "pengajuan sebelumnya. Perbaiki sel yang ditandai lalu unggah lagi.", **done)
            if staged.parent.name != period:
                staged = _move_into(staged, Path(tmp) / "realisasi" / slug / period / name)
            comparison = _compare(inputs, staged, Path(tmp), bidang, period)
            found += [_problem_dict(p) for p in comparison.decreases]
            figures = _figures(comparison)
            if any(p.get("rule") in FIGURE_RULES for p in found):
                _supersede_pending(instance, bidang, period, upload_id)
                record = record_upload(instance, **log, result=PENDING, period=period, problems=found,
                                       annotated=bool(annotated), figures=figures,
                                       reason="peringatan yang mengubah angka: menunggu konfirmasi bidang")
                return Answer(record, False, "Berkas belum diajukan: ada peringatan yang mengubah angka laporan. "
                              "Periksa angka sebelum dan sesudah di bawah, lalu konfirmasi bila memang benar.",
                              found, needs_confirmation=True)
    return _submit(kept, instance=instance, inputs=inputs, bidang=bidang, slug=slug, period=period, name=name,
                   now=now, log=log, problems=found, annotated=bool(annotated), figures=figures, who=account)


def new_upload_id(now: datetime) -> str:
    return f"{now:%Y%m%d-%H%M%S}-{secrets.token_hex(4)}"


def _move_into(path: Path, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    os.replace(path, target)
    return target


def _compare(inputs: Path, staged: Path, root: Path, bidang: str, period: str):
    from pipeline.intake.referensi import NoReferensi, Referensi, read_referensi
    from pipeline.intake.submission_check import compare_submission

    try:
        ref, _ = read_referensi(inputs)
    except NoReferensi:
        ref = Referensi(file="")
    return compare_submission(inputs, ref, staged, root, bidang, period)


def _figures(comparison) -> dict:
    return {"sebelum": comparison.before, "sesudah": comparison.after,
            "berkas_lama": list(comparison.current_files), "berkas_bersama": list(comparison.shared_files)}


def confirm_upload(instance: Path, inputs: Path, upload_id: str, *, account: str, bidang: str,
                   now: datetime) -> Answer:
    """The bidang confirms an upload waiting for confirmation: it is submitted now."""
    from pipeline.intake.submission_store import Locked, SubmissionStore

    inputs = Path(inputs).resolve()
    record = find_upload(instance, upload_id)
    if record is None or record.bidang != bidang or record.hasil != PENDING or not record.periode:
        raise Refused("Unggahan ini tidak menunggu konfirmasi.")
    kept = archived_file(instance, record, annotated=False)
    if kept is None:
        raise Refused("Berkas unggahan ini tidak ditemukan lagi di arsip; unggah ulang.")
    log = dict(upload_id=record.id, account=record.akun, bidang=record.bidang, when=record.moment,
               original_name=record.berkas, sha256=record.sha256, size=record.ukuran)
    try:
        SubmissionStore(instance).check_open(bidang, record.periode)
    except Locked as exc:
        raise Refused(str(exc)) from None
    slug, name = bidang_folder(bidang), kept.name
    with tempfile.TemporaryDirectory(prefix="lkjip-konfirmasi-") as tmp:
        staged = Path(tmp) / "realisasi" / slug / record.periode / name
        staged.parent.mkdir(parents=True)
        shutil.copyfile(kept, staged)
        figures = _figures(_compare(inputs, staged, Path(tmp), bidang, record.periode))
    return _submit(kept, instance=instance, inputs=inputs, bidang=bidang, slug=slug, period=record.periode, name=name,
                   now=now, log=log, problems=list(record.masalah), annotated=record.catatan, figures=figures,
                   who=account, confirmed=True)


def _submit(source: Path, *, instance: Path, inputs: Path, bidang: str, slug: str, period: str, name: str,
            now: datetime, log: dict, problems: list[dict], annotated: bool, figures: dict, who: str,
            confirmed: bool = False) -> Answer:
    """The file becomes the bidang's submission of the month: earlier files to riwayat/, the file into
    the drop folder, the state ``Diajukan``."""
    from pipeline.intake.submission_store import Locked, SubmissionStore

    store = SubmissionStore(instance)
    done = dict(problems=problems, annotated=annotated, period=period, figures=figures)
    try:
        store.check_open(bidang, period)
        earlier = set(figures.get("berkas_lama") or [])
        earlier |= {r.disimpan for r in read_uploads(instance, bidang=bidang, period=period)
                    if r.hasil == ACCEPTED and r.disimpan}
        retired = retire_files(inputs, sorted(earlier), period, slug, now)
        target = _save(source, inputs, slug, period, _free_name(instance, inputs, bidang, slug, period, name), now)
    except (Refused, Locked) as exc:
        record = record_upload(instance, **log, result=REFUSED, reason=str(exc), **done)
        return Answer(record, False, str(exc), problems)
    saved = target.relative_to(inputs).as_posix()
    _supersede_pending(instance, bidang, period, log["upload_id"])
    _record_arrival(target, inputs, now)
    store.submit(bidang, period, log["upload_id"], who, now)
    moved = f"; berkas lama dipindah ke riwayat: {', '.join(retired)}" if retired else ""
    record = record_upload(instance, **log, result=ACCEPTED, saved=saved,
                           reason=("dikonfirmasi bidang; " if confirmed else "") + f"disimpan sebagai {saved}{moved}",
                           **done)
    message = (f"Diajukan: berkas untuk {Period.parse(period).label_id()} disimpan sebagai {saved}"
               + (f" dan menggantikan {len(retired)} berkas sebelumnya (dipindah ke riwayat/)" if retired else "")
               + (". Tidak ada Error." if not problems else ". Tidak ada Error, hanya peringatan.")
               + " Perencana akan memverifikasinya.")
    return Answer(record, True, message, problems)


def _supersede_pending(instance: Path, bidang: str, period: str, newer: str) -> None:
    """Uploads of the bidang's month still waiting for confirmation are overtaken by a newer one:
    confirming them later can no longer replace it."""
    for record in read_uploads(instance, bidang=bidang, period=period):
        if record.hasil == PENDING and record.id != newer:
            fields = {k: getattr(record, k) for k in ("berkas", "sha256", "ukuran", "periode", "masalah",
                                                      "catatan", "angka")}
            record_upload(instance, upload_id=record.id, account=record.akun, bidang=record.bidang,
                          when=record.moment, original_name=fields["berkas"], sha256=fields["sha256"],
                          size=fields["ukuran"], result=SUPERSEDED, period=fields["periode"],
                          problems=fields["masalah"], annotated=fields["catatan"], figures=fields["angka"],
                          reason=f"tidak dikonfirmasi; diganti unggahan {newer}")


RIWAYAT_DIR = "riwayat"


def retire_files(inputs: Path, relatives: list[str], period: str, slug: str, now: datetime) -> list[str]:
    """Move files of the drop folder (relative paths) to ``inputs/riwayat/<period>/<slug>/``, never deleting:
    the run does not read ``riwayat/``.  Returns the files moved."""
    moved: list[str] = []
    for relative in relatives:
        path = inputs / relative
        if path.is_symlink() or not path.is_file() or not path.resolve().is_relative_to(inputs / "realisasi"):
            continue
        folder = _safe_folder(inputs, RIWAYAT_DIR, period, slug)
        stem = f"{now:%Y%m%d-%H%M%S}-{path.name}"
        target = folder / stem
        n = 2
        while target.exists() or target.is_symlink():
            target = folder / f"{now:%Y%m%d-%H%M%S}-{n}-{path.name}"
            n += 1
        os.replace(path, target)
        moved.append(relative)
    return moved


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
