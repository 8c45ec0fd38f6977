"""Workbooks read ahead, in the background, while Dagster starts: the store of those readings.

``lkjip run`` wraps its run in :func:`pipeline.intake.workbook.prefetched_inputs`:
the workbooks are read in sandboxed children (:mod:`pipeline.intake.sandbox`) on a
background thread (:func:`prefetch`, given the reader), and a later
:func:`~pipeline.intake.workbook.read_workbooks` of an unchanged file takes the
result (:func:`take_prefetched`) instead of starting a child of its own.  This
module knows nothing of how a workbook is read, so the reader can use it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any

Reader = Callable[[list[Path], dict[Path, str]], dict[Path, Any]]  # paths, display names -> path -> WorkbookData


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


def prefetch(paths: list[Path], display_names: dict[Path, str], uses: dict[Path, int] | None = None, *,
             read: Reader) -> None:
    """Start ``read(paths, display_names)`` (one sandboxed child) in a background thread.

    A later :func:`~pipeline.intake.workbook.read_workbooks` of one of these files
    (same display name, file unchanged) takes the result instead of starting a
    child of its own; ``uses`` says how many times each file will be asked for
    (default once), after which the entry and its cells are let go.
    """
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
            future.set_result(read(paths, display_names))
        except BaseException as exc:  # noqa: BLE001 - handed to the reader, which reads afresh
            future.set_exception(exc)

    threading.Thread(target=work, name="lkjip-prefetch", daemon=True).start()


def clear_prefetched() -> None:
    """Forget every prefetched file (its cells are freed once nobody holds them)."""
    with _prefetch_lock:
        _prefetched.clear()


def any_prefetched() -> bool:
    return bool(_prefetched)


def take_prefetched(path: Path, name: str) -> Any | None:
    """The prefetched reading (a ``WorkbookData``) of ``path``, if it was prefetched under ``name`` and is
    unchanged since."""
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
