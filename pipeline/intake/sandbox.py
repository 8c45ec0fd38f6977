"""The sandboxed child process that reads workbooks with calamine.

Calamine (through fastexcel) is fast, but a hostile or broken file can take
the whole process down: a Rust panic or a failed allocation is not a Python
exception.  So every calamine read happens in a child process
(``python -m pipeline.intake.sandbox``) that limits its own address space
(``RLIMIT_AS``) and that the parent kills after a wall-clock timeout without
progress.  Sheets come back as Arrow IPC files plus a small JSON of metadata per
file; what calamine's text loses is recovered in the child from the sheet XML
(:mod:`pipeline.intake.xlsx_scan`).  Batching and isolating a culprit are the
caller's (:func:`pipeline.intake.workbook.read_workbooks`).
"""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

import polars as pl

from pipeline.intake.safety import workbook_sheets
from pipeline.intake.xlsx_scan import (
    AMBIGUOUS_TEXT,
    LONG_DIGITS,
    ambiguous_shared_strings,
    any_match,
    first_column,
    percent_styles,
    scan_cells,
)
from pipeline.problems import column_letter

_PROJECT_ROOT = Path(__file__).resolve().parents[2]
READY = "ready"  # the file the child writes once started (imports done, limits set)
STARTUP_SECONDS = 60  # how long a child may take to start on a busy machine

R_CRASHED = "pembaca Excel berhenti mendadak saat membaca berkas ini (berkas rusak atau sengaja dibuat berbahaya)"
R_TIMEOUT = "pembaca Excel melebihi batas waktu {seconds:g} detik"
R_MEMORY = "pembaca Excel melebihi batas memori {size}"
R_FAILED = "pembaca Excel gagal: {detail}"

MEMORY_BASE = 1_000_000_000  # the child's address-space limit for ordinary workbooks ("about 1 GB"; LKJIP_READ_MEMORY)
MEMORY_PER_XML_BYTE = 2  # ... plus this much per byte of the largest workbook's XML, above 1 GB


def memory_limit(paths: list[Path], base: int | None = None) -> int:
    """The address-space limit of a child reading ``paths`` (already inspected, so their sizes are true).

    1 GB covers every office workbook (the sample inputs read within 0.8 GB).
    Calamine holds a whole sheet in memory (about 1.6 GB of address space for a
    national ODK export of a million rows, 500 MB of sheet XML), so only a
    workbook with that much XML gets more: 1 GB plus twice its XML.  The
    safety inspection caps that XML at 1 GiB (and the central directory's sizes are
    capped here too), so the limit never exceeds ~3.2 GB.  ``base``: the setting
    ``read_memory_bytes`` (left out: as the environment gives it).
    """
    from pipeline.intake.safety import MAX_TOTAL_UNCOMPRESSED

    largest = 0
    for path in paths:
        try:
            if not stat.S_ISREG(os.stat(path).st_mode):  # a FIFO or device would block the open
                continue
            with zipfile.ZipFile(path) as zf:
                largest = max(largest, sum(info.file_size for info in zf.infolist()))
        except (OSError, zipfile.BadZipFile, ValueError):
            continue
    if base is None:
        from pipeline import settings  # here, not at the top: the child does not need it

        base = settings.resolve().read_memory_bytes  # MEMORY_BASE unless configured
    return base + MEMORY_PER_XML_BYTE * min(largest, MAX_TOTAL_UNCOMPRESSED)


# =============================================================================
# parent side
# =============================================================================


def run_child(batch: list[Path], timeout: float, memory_bytes: int) -> tuple[dict[Path, dict], str | None]:
    """Read ``batch`` in one child.  Returns the outcomes it finished and, if it died, why.

    An outcome is ``{"ok": True, "sheets": [...], "hidden": [...]}`` with each sheet a
    dict of its name, its text cells (``cells``, a polars frame) and its marked cells,
    or ``{"ok": False, "kind": ..., "error": ...}``.  ``timeout`` is per file and
    counts from when the child is ready to read (its start-up, slow on a busy
    machine, has :data:`STARTUP_SECONDS`).
    """
    done: dict[Path, dict] = {}
    with tempfile.TemporaryDirectory(prefix="lkjip-read-") as tmp:
        out = Path(tmp)
        request = out / "request.json"
        request.write_text(json.dumps({"files": [os.path.abspath(p) for p in batch], "memory_bytes": memory_bytes}))
        env = dict(os.environ)
        env.update(
            POLARS_MAX_THREADS="2",
            RAYON_NUM_THREADS="2",
            MALLOC_ARENA_MAX="2",
            RUST_BACKTRACE="0",
            PYTHONPATH=os.pathsep.join(filter(None, [str(_PROJECT_ROOT), env.get("PYTHONPATH")])),
        )
        failure: str | None = None
        with (out / "stderr.txt").open("wb") as err:
            proc = subprocess.Popen(
                [sys.executable, "-m", "pipeline.intake.sandbox", str(request)],
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=err,
                env=env,
                cwd=str(_PROJECT_ROOT),
            )
            progress = 0
            ready = False
            deadline = time.monotonic() + max(timeout, STARTUP_SECONDS)
            wait = 0.005
            while True:
                try:
                    proc.wait(timeout=wait)
                    break
                except subprocess.TimeoutExpired:
                    wait = min(wait * 2, 0.1)
                if not ready and (out / READY).exists():  # start-up done: the first file's time starts
                    ready = True
                    deadline = time.monotonic() + timeout
                finished = sum(1 for _ in out.glob("*.json")) - 1
                if finished > progress:  # the timeout is per file: progress resets it
                    progress = finished
                    deadline = time.monotonic() + timeout
                if time.monotonic() > deadline:
                    proc.kill()
                    proc.wait()
                    failure = R_TIMEOUT.format(seconds=timeout)
                    break
        if failure is None and proc.returncode != 0:
            with (out / "stderr.txt").open("rb") as fh:
                stderr = fh.read(1 << 16).decode("utf-8", "replace")
            if "memory allocation" in stderr or "MemoryError" in stderr or "Cannot allocate" in stderr:
                failure = R_MEMORY.format(size=_human(memory_bytes))
            else:
                failure = R_CRASHED
        for index, path in enumerate(batch):
            meta = out / f"{index}.json"
            if not meta.exists():
                continue
            outcome = json.loads(meta.read_text())
            if outcome.get("ok"):
                outcome["sheets"] = [
                    {
                        "name": s["name"],
                        "cells": pl.read_ipc((out / s["ipc"]).read_bytes()),
                        "text_cells": frozenset((r, c) for r, c in s["text_cells"]),
                        "percent_cells": frozenset((r, c) for r, c in s["percent_cells"]),
                        "long_number_cells": frozenset((r, c) for r, c in s["long_number_cells"]),
                    }
                    for s in outcome["sheets"]
                ]
            elif outcome.get("kind") == "memory":
                outcome["error"] = R_MEMORY.format(size=_human(memory_bytes))
            done[path] = outcome
    return done, failure


def _human(size: int) -> str:
    return f"{size / (1 << 30):.1f} GiB".replace(".", ",")


# =============================================================================
# child side
# =============================================================================


def child_main(request_path: str) -> int:
    request = json.loads(Path(request_path).read_text())
    out = Path(request_path).parent
    try:
        import resource

        limit = int(request["memory_bytes"])
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    except (ImportError, ValueError, OSError):  # pragma: no cover - non-POSIX
        pass
    import fastexcel

    (out / READY).touch()
    for index, name in enumerate(request["files"]):
        try:
            outcome = _read_one(fastexcel, Path(name), out, index)
        except MemoryError:
            outcome = {"ok": False, "kind": "memory", "error": "memori habis"}
        except BaseException as exc:  # a calamine panic arrives as pyo3's PanicException
            if isinstance(exc, (KeyboardInterrupt, SystemExit)):
                raise
            outcome = {"ok": False, "kind": "exception", "error": " ".join(f"{type(exc).__name__}: {exc}".split())[:300]}
        tmp = out / f"{index}.json.part"
        tmp.write_text(json.dumps(outcome))
        tmp.rename(out / f"{index}.json")
    return 0


def _read_one(fastexcel, path: Path, out: Path, index: int) -> dict:
    with zipfile.ZipFile(path) as zf:
        listed = {s.name: s for s in workbook_sheets(zf)}
        reader = fastexcel.read_excel(path)
        styles = percent_styles(zf)
        shared: set[int] | None = None
        sheets: list[dict] = []
        hidden: list[str] = []
        for number, name in enumerate(reader.sheet_names):
            entry = listed.get(name)
            if entry is not None and entry.kind not in ("worksheet", ""):
                continue  # chartsheets and the like hold no cells
            if entry is not None and entry.state != "visible":
                hidden.append(name)
                continue
            sheet = reader.load_sheet(name, header_row=None, skip_rows=0, dtypes="string")
            if entry is None and getattr(sheet, "visible", "visible") != "visible":
                hidden.append(name)
                continue
            frame = sheet.to_polars()
            part = entry.part if entry is not None and entry.part in zf.NameToInfo else None
            offset = first_column(zf, part, frame) if part else 0
            frame = frame.rename({old: column_letter(offset + j) for j, old in enumerate(frame.columns)})
            frame = frame.with_columns(pl.all().cast(pl.String)) if frame.width else frame
            text_cells: set[tuple[int, str]] = set()
            percent_cells: set[tuple[int, str]] = set()
            long_cells: set[tuple[int, str]] = set()
            # only scan the sheet XML when there is something to find: a value that
            # reads like "1.234" (text or number), a value of 15+ digits (text or
            # number: Excel keeps only 15 digits of a number), or a percent style
            ambiguous = any_match(frame, AMBIGUOUS_TEXT.pattern)
            long_digits = any_match(frame, LONG_DIGITS.pattern)
            if part and (ambiguous or styles or long_digits):
                if ambiguous and shared is None:
                    shared = ambiguous_shared_strings(zf)
                text_cells, percent_cells, long_cells = scan_cells(
                    zf, part, shared or set(), styles, want_text=ambiguous, want_long=long_digits)
            ipc = f"{index}_{number}.arrow"
            frame.write_ipc(out / ipc)
            sheets.append(
                {
                    "name": name,
                    "ipc": ipc,
                    "text_cells": sorted(text_cells),
                    "percent_cells": sorted(percent_cells),
                    "long_number_cells": sorted(long_cells),
                }
            )
    return {"ok": True, "sheets": sheets, "hidden": hidden}


if __name__ == "__main__":
    sys.exit(child_main(sys.argv[1]))
