"""Reading the drop folder's workbooks ahead, in the background, while Dagster starts.

``lkjip run`` wraps its run in :func:`prefetched_inputs`: the workbooks are read
in sandboxed children (:mod:`pipeline.intake.sandbox`) on a background thread,
and a later :func:`~pipeline.intake.workbook.read_workbooks` of an unchanged file
takes the result instead of starting a child of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from pipeline.intake.workbook import WorkbookData


@dataclass
class _Prefetched:
    key: tuple | None  # the file's stat when the read started
    name: str  # the display name its problems carry
    future: Future  # -> dict[Path, WorkbookData] of the whole prefetched batch
    uses: int  # reads still expected; the entry is dropped after the last


_prefetch_lock = threading.Lock()
_prefetched: dict[Path, _Prefetched] = {}


def _file_key(path: Path) -> tuple | None:
    try:
        st = path.stat()
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino, st.st_dev)


def prefetch(paths: list[Path], display_names: dict[Path, str], uses: dict[Path, int] | None = None) -> None:
    """Start reading ``paths`` in one sandboxed child, in a background thread.

    A later :func:`~pipeline.intake.workbook.read_workbooks` of one of these files
    (same display name, file unchanged) takes the result instead of starting a
    child of its own; ``uses`` says how many times each file will be asked for
    (default once), after which the entry and its cells are let go.
    """
    from pipeline.intake.workbook import read_workbooks

    paths = [Path(p) for p in paths]
    if not paths:
        return
    future: Future = Future()
    with _prefetch_lock:
        for p in paths:
            _prefetched[p.resolve()] = _Prefetched(_file_key(p), display_names.get(p) or p.name, future,
                                                   (uses or {}).get(p, 1))

    def work() -> None:
        try:
            future.set_result(read_workbooks(paths, display_names, _prefetched_ok=False))
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, which reads afresh
            future.set_exception(exc)

    threading.Thread(target=work, name="lkjip-prefetch", daemon=True).start()


def clear_prefetched() -> None:
    """Forget every prefetched file (its cells are freed once nobody holds them)."""
    with _prefetch_lock:
        _prefetched.clear()


def any_prefetched() -> bool:
    return bool(_prefetched)


def take_prefetched(path: Path, name: str) -> WorkbookData | None:
    """The prefetched reading of ``path``, if it was prefetched under ``name`` and is unchanged since."""
    resolved = path.resolve()
    with _prefetch_lock:
        entry = _prefetched.get(resolved)
    if entry is None or entry.name != name:
        return None
    try:
        books = entry.future.result()
    except BaseException:  # noqa: BLE001 - read it afresh
        books = {}
    with _prefetch_lock:
        entry.uses -= 1
        last = entry.uses <= 0 or resolved not in _prefetched
        if last:
            _prefetched.pop(resolved, None)
        book = books.get(path) or next((b for p, b in books.items() if p.resolve() == resolved), None)
        if last and book is not None:
            books.pop(book.path, None)
    if book is None or entry.key is None or entry.key != _file_key(path):
        return None  # changed since: read it again
    return book


@contextmanager
def prefetched_inputs(inputs: Path, *, twice: bool = False) -> Iterator[None]:
    """Read the drop folder's workbooks in the background for the duration of the block.

    Two sandboxed children: the small files (referensi, realisasi) and the ODK
    and SIPD exports, so the period can be chosen before the (possibly national-size)
    ODK export is read.  With ``twice`` the realisation files are kept for two
    reads (the period is chosen from them first).  Whatever was not used is let
    go at the end.
    """
    from pipeline.intake.files import discover, display_name, readable_files

    try:  # a symlink is never read, not even ahead
        small = [p for kind in ("referensi", "realisasi") for p in readable_files(inputs, discover(inputs, kind))]
        odk = readable_files(inputs, discover(inputs, "odk")) + readable_files(inputs, discover(inputs, "sipd"))
        uses = {p: 2 for p in readable_files(inputs, discover(inputs, "realisasi"))} if twice else {}
        for group in (small, odk):
            xlsx = [p for p in group if p.suffix.lower() == ".xlsx"]
            prefetch(xlsx, {p: display_name(inputs, p) for p in xlsx}, uses)
        yield
    finally:
        clear_prefetched()
