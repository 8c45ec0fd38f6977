"""Watch the drop folders and run the report of the month a new or changed
file belongs to.

Every tick (30 s) the sensor only *lists* the files under ``inputs_dir``
(recursively; ``~$*`` Excel lock files and hidden files/folders ignored) and
compares each file's (size, mtime) with the previous tick's look, kept in the
cursor.  A file is stable when both are unchanged between two consecutive
looks, so a file still being copied never triggers a run.  When every file of
a period is stable, the period's content hash (sha256 over the relative paths
and sha256 of its files) is compared with the one of the last run the sensor
asked for; a different hash gives one RunRequest with
``run_key = "<period>-<hash>"``.  So an edited file with the same name re-runs
the month, and an untouched folder never does.  File hashes are cached in the
cursor by (path, size, mtime) so large ODK exports are hashed once.

Which month: a parent folder naming it (``2024-12``, ``2024_12`` or
``2024/12``), otherwise the reporting period, i.e. the month before now (WITA);
files without a month in their path (referensi, ODK exports) therefore
belong to the reporting period.  Parsing happens in the run, not here.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import sqlite3
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from pipeline.defs.automation.schedules import partition_key_for
from pipeline.defs.jobs import laporan_job
from pipeline.defs.partitions import monthly_partitions
from pipeline.defs.resources import LkjipConfig
from pipeline.intake.arrivals import VIA_SENSOR, Ledger
from pipeline.settings import TIMEZONE

WITA = ZoneInfo(TIMEZONE)
CURSOR_VERSION = 1
MINIMUM_INTERVAL_SECONDS = 30
_CHUNK = 1024 * 1024

_ONE = re.compile(r"^((?:19|20)\d{2})[-_](0[1-9]|1[0-2])$")
_YEAR = re.compile(r"^(?:19|20)\d{2}$")
_MONTH = re.compile(r"^(0[1-9]|1[0-2])$")


def is_ignored(rel_parts: tuple[str, ...]) -> bool:
    """Hidden files/folders and Office lock files (``~$Book.xlsx``)."""
    name = rel_parts[-1]
    return name.startswith("~$") or any(part.startswith(".") for part in rel_parts)


def period_from_path(rel_parts: tuple[str, ...]) -> str | None:
    """The month named by the nearest parent folder(s), or None."""
    folders = rel_parts[:-1]
    for i in range(len(folders) - 1, -1, -1):
        match = _ONE.match(folders[i])
        if match:
            return f"{match.group(1)}-{match.group(2)}"
        if i > 0 and _MONTH.match(folders[i]) and _YEAR.match(folders[i - 1]):
            return f"{folders[i - 1]}-{folders[i]}"
    return None


def reporting_period(now: datetime | None = None) -> str:
    """The month before ``now`` (WITA)."""
    now = datetime.now(WITA) if now is None else now.astimezone(WITA)
    index = now.year * 12 + now.month - 2
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


@dataclass(frozen=True)
class Look:
    size: int
    mtime_ns: int


def list_inputs(inputs: Path) -> dict[str, Look]:
    """Relative POSIX path -> (size, mtime) of every file that counts."""
    found: dict[str, Look] = {}
    if not inputs.is_dir():
        return found
    for root, dirs, files in os.walk(inputs):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in files:
            path = Path(root) / name
            rel_parts = path.relative_to(inputs).parts
            if is_ignored(rel_parts):
                continue
            try:
                st = path.stat()
            except OSError:  # vanished between listing and stat
                continue
            if not path.is_file():
                continue
            found["/".join(rel_parts)] = Look(st.st_size, st.st_mtime_ns)
    return found


def _load_cursor(raw: str | None) -> dict:
    try:
        data = json.loads(raw) if raw else {}
    except ValueError:
        data = {}
    if not isinstance(data, dict) or data.get("v") != CURSOR_VERSION:
        data = {}
    return {
        "v": CURSOR_VERSION,
        "looks": dict(data.get("looks") or {}),  # rel -> [size, mtime_ns]
        "hashes": dict(data.get("hashes") or {}),  # rel -> [size, mtime_ns, sha256]
        "requested": dict(data.get("requested") or {}),  # period -> content hash
    }


def _valid_partition(period: str) -> bool:
    # monthly_partitions: from its start up to and including the current month.
    return monthly_partitions.has_partition_key(partition_key_for(period))


def evaluate(inputs: Path, cursor: str | None, now: datetime | None = None, ledger: Ledger | None = None):
    """The sensor's logic without Dagster: (run requests, new cursor, note).

    ``run requests`` are (period, run_key, changed file names).  Each new or
    changed content is recorded in the arrival ``ledger`` the first time it is
    seen whole (see :mod:`pipeline.intake.arrivals`).
    """
    now = datetime.now(WITA) if now is None else now.astimezone(WITA)
    state = _load_cursor(cursor)
    previous_looks = state["looks"]
    current = list_inputs(Path(inputs))
    default_period = reporting_period(now)

    groups: dict[str, list[str]] = {}
    for rel in current:
        period = period_from_path(tuple(rel.split("/"))) or default_period
        groups.setdefault(period, []).append(rel)
    # A period whose files were all removed keeps its last hash; nothing to run.

    hashes = {rel: v for rel, v in state["hashes"].items() if rel in current}
    requests: list[tuple[str, str, list[str]]] = []
    waiting: list[str] = []
    for period in sorted(groups):
        rels = sorted(groups[period])
        unstable = [
            rel
            for rel in rels
            if previous_looks.get(rel) != [current[rel].size, current[rel].mtime_ns]
        ]
        if unstable:
            waiting.append(period)
            continue
        if not _valid_partition(period):
            continue
        digest = hashlib.sha256()
        changed: list[str] = []
        for rel in rels:
            look = current[rel]
            cached = hashes.get(rel)
            if cached and cached[0] == look.size and cached[1] == look.mtime_ns:
                sha = cached[2]
            else:
                try:
                    sha = file_sha256(Path(inputs) / rel)
                except OSError:
                    waiting.append(period)
                    break
                hashes[rel] = [look.size, look.mtime_ns, sha]
                changed.append(rel)
                _record_arrival(ledger, Path(inputs) / rel, sha)
            digest.update(rel.encode("utf-8") + b"\0" + sha.encode("ascii") + b"\n")
        else:
            content = digest.hexdigest()[:32]
            if state["requested"].get(period) != content:
                state["requested"][period] = content
                requests.append((period, f"{period}-{content}", changed or rels))

    state["looks"] = {rel: [look.size, look.mtime_ns] for rel, look in current.items()}
    state["hashes"] = hashes
    note = (
        f"menunggu berkas selesai disalin: {', '.join(sorted(set(waiting)))}" if waiting else ""
    )
    return requests, json.dumps(state, separators=(",", ":"), sort_keys=True), note


def _record_arrival(ledger: Ledger | None, path: Path, sha: str) -> None:
    if ledger is None:
        return
    try:
        ledger.seen(path, VIA_SENSOR, sha256=sha)
    except (OSError, sqlite3.Error):  # a run records it too; never stop the sensor for it
        pass


@dg.sensor(
    name="berkas_masuk",
    job=laporan_job,
    minimum_interval_seconds=MINIMUM_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Memantau folder masukan; bila berkas baru/berubah sudah selesai disalin, "
        "membuat ulang laporan bulan yang bersangkutan."
    ),
)
def berkas_masuk(context: dg.SensorEvaluationContext, lkjip: LkjipConfig) -> dg.SensorResult:
    requests, cursor, note = evaluate(lkjip.inputs, context.cursor, ledger=Ledger(inputs=lkjip.inputs))
    run_requests = []
    for period, run_key, files in requests:
        shown = ", ".join(files[:5]) + (f" (+{len(files) - 5})" if len(files) > 5 else "")
        context.log.info(f"{period}: berkas baru/berubah: {shown}")
        run_requests.append(
            dg.RunRequest(
                run_key=run_key,
                partition_key=partition_key_for(period),
                tags={"lkjip/pemicu": "sensor", "lkjip/periode": period, "lkjip/berkas": shown[:200]},
            )
        )
    if run_requests:
        return dg.SensorResult(run_requests=run_requests, cursor=cursor)
    return dg.SensorResult(
        skip_reason=note or "Tidak ada berkas baru atau berubah", cursor=cursor
    )
