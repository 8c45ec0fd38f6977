"""Watch the drop folder and run the report of the month a new or changed
file belongs to: the month the run itself reads it as.

Every tick (30 s) the sensor lists the files the run reads
(:func:`pipeline.intake.files.list_inputs`: ``referensi/``, ``realisasi/``,
``odk/``, lock and hidden files left out, the same rule as the run) and
compares each file's (size, mtime) with the previous tick's look, kept in the
cursor.  A file is stable when both are unchanged between two consecutive
looks, so a file still being copied never triggers a run.  Stable files are
hashed (sha256, cached in the cursor by path, size and mtime, so a large ODK
export is hashed once).

Which month a realisation file belongs to is learned the way the run learns it:
:func:`pipeline.intake.realisasi.file_periods` (the same safety checks, the
same sandboxed reader, the title block or the folder, which must agree), once
per content hash: the period is cached in the cursor by sha256 (with the
folder's period, since the title must agree with it).  Only realisation files
are read, never the ODK exports.

What a file triggers:

- a realisation file whose period the run reads (``Bulan: Desember 2024`` in
  its title, ``realisasi/2024-1/``, ``2024_12/``, ``2024/12/`` ...): that month;
- a realisation file the run refuses (unsafe, unreadable, no table, title and
  folder disagree) but that sits in a month folder: that month (its report
  lists the refusal);
- a realisation file with no period the run could use and no month folder
  (nothing in its title, two periods in its title, unreadable): no month of its own; it counts with
  the referensi and ODK files below, but only when some realisation file has a
  period (it never makes a report for a month nobody reported);
- a referensi or ODK file: the latest month that has realisation files (the
  month ``lkjip run`` builds by default), or the reporting period (the month
  before now, WITA) when there is none.

When every file of a month (and, for the latest month, every referensi/ODK
file) is stable, the month's content hash (sha256 over the relative paths and
sha256 of its files) is compared with the one of the last run the sensor asked
for; a different hash gives one RunRequest with ``run_key =
"<period>-<hash>"``.  So an edited file with the same name re-runs the month,
and an untouched folder never does.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg

from pipeline.defs import partitions
from pipeline.defs.jobs import laporan_job, rekap_job
from pipeline.defs.partitions import monthly_partitions
from pipeline.defs.resources import LkjipConfig
from pipeline.domain import periods
from pipeline.domain.periods import Period
from pipeline.intake.arrivals import VIA_SENSOR, Ledger
from pipeline.intake.files import kind_of, list_inputs
from pipeline.settings import TIMEZONE, Settings

WITA = ZoneInfo(TIMEZONE)
CURSOR_VERSION = 2
MINIMUM_INTERVAL_SECONDS = 30
_CHUNK = 1024 * 1024
SHARED = "~bersama"  # referensi and ODK files
UNDATED = "~tanpa-periode"  # realisation files without a period the run could use


def period_from_path(rel_parts: tuple[str, ...]) -> str | None:
    """The month named by the nearest parent folder(s) (:func:`pipeline.domain.periods.period_from_path`)."""
    found = periods.period_from_path("/".join(rel_parts))
    return str(found) if found is not None else None


def reporting_period(now: datetime | None = None) -> str:
    """The month before ``now`` (WITA) (:func:`pipeline.domain.periods.reporting_period`)."""
    return str(periods.reporting_period(datetime.now(WITA) if now is None else now))


def file_sha256(path: Path) -> str:
    """The content hash of a file; of a symlink, its target's name (never what it points to)."""
    if Path(path).is_symlink():
        return hashlib.sha256(b"symlink:" + os.fsencode(os.readlink(path))).hexdigest()
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        while chunk := fh.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def learn_periods(inputs: Path, rels: list[str], settings: Settings | None = None) -> dict[str, str | None]:
    """The period the run reads for each realisation file (relative path -> ``YYYY-MM`` or None)."""
    from pipeline.intake.realisasi import file_periods

    found = file_periods(inputs, [Path(inputs) / rel for rel in rels], settings=settings)
    return {rel: (str(found[Path(inputs) / rel]) if found.get(Path(inputs) / rel) else None) for rel in rels}


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
        "periods": dict(data.get("periods") or {}),  # sha256 -> [folder period or "", period or ""]
        "requested": dict(data.get("requested") or {}),  # period -> content hash
    }


def _valid_partition(period: str) -> bool:
    # monthly_partitions: from its start up to and including the current month.
    return monthly_partitions.has_partition_key(periods.partition_key(period))


def _digest(rels: list[str], hashes: dict) -> str:
    digest = hashlib.sha256()
    for rel in sorted(rels):
        digest.update(rel.encode("utf-8") + b"\0" + hashes[rel][2].encode("ascii") + b"\n")
    return digest.hexdigest()[:32]


def evaluate(inputs: Path, cursor: str | None, now: datetime | None = None, ledger: Ledger | None = None,
             settings: Settings | None = None):
    """The sensor's logic without Dagster: (run requests, new cursor, note).  ``settings``: the
    sandbox limits of reading files for their month (left out: as the environment gives them).

    ``run requests`` are (period, run_key, changed file names).
    """
    inputs = Path(inputs)
    now = datetime.now(WITA) if now is None else now.astimezone(WITA)
    state = _load_cursor(cursor)
    previous_looks = state["looks"]
    current = list_inputs(inputs)

    stable = {rel for rel, look in current.items() if previous_looks.get(rel) == [look.size, look.mtime_ns]}
    hashes = {rel: v for rel, v in state["hashes"].items() if rel in current}
    changed: set[str] = set()
    for rel in sorted(stable):
        look, cached = current[rel], hashes.get(rel)
        if cached and cached[0] == look.size and cached[1] == look.mtime_ns:
            continue
        try:
            hashes[rel] = [look.size, look.mtime_ns, file_sha256(inputs / rel)]
        except OSError:
            stable.discard(rel)
            hashes.pop(rel, None)
            continue
        changed.add(rel)
        _record_arrival(ledger, inputs / rel, hashes[rel][2])

    # the period of every stable realisation file, learned once per content hash
    known = state["periods"]
    folder_of = {rel: period_from_path(tuple(rel.split("/"))) or "" for rel in current}
    realisasi = sorted(rel for rel in current if kind_of(rel) == "realisasi")
    to_learn = [rel for rel in realisasi if rel in stable
                and known.get(hashes[rel][2], [None])[0] != folder_of[rel]]
    if to_learn:
        learned = learn_periods(inputs, to_learn, settings)
        for rel in to_learn:
            known[hashes[rel][2]] = [folder_of[rel], learned[rel] or ""]

    def group_of(rel: str) -> str:
        if kind_of(rel) != "realisasi":
            return SHARED
        if rel not in stable:  # not read yet: its folder, or wait with the undated files
            return folder_of[rel] or UNDATED
        return known[hashes[rel][2]][1] or folder_of[rel] or UNDATED

    groups: dict[str, list[str]] = {}
    for rel in current:
        groups.setdefault(group_of(rel), []).append(rel)
    # A period whose files were all removed keeps its last hash; nothing to run.

    months = sorted(g for g in groups if not g.startswith("~"))
    latest = months[-1] if months else None
    requests: list[tuple[str, str, list[str]]] = []
    waiting: set[str] = set()

    def unstable(rels: list[str]) -> bool:
        return any(rel not in stable for rel in rels)

    # referensi / ODK files, and undated realisation files, belong with the latest month
    shared = groups.get(SHARED, []) + (groups.get(UNDATED, []) if latest else [])
    target_of_shared = latest or str(periods.reporting_period(now))
    for period in sorted(set(months) | ({target_of_shared} if shared else set())):
        rels = groups.get(period, []) + (shared if period == target_of_shared else [])
        if unstable(rels):
            waiting.add(period)
            continue
        if not _valid_partition(period):
            continue
        content = _digest(rels, hashes)
        if state["requested"].get(period) != content:
            state["requested"][period] = content
            requests.append((period, f"{period}-{content}", sorted(r for r in rels if r in changed) or sorted(rels)))

    state["looks"] = {rel: [look.size, look.mtime_ns] for rel, look in current.items()}
    state["hashes"] = hashes
    present = {v[2] for v in hashes.values()}
    state["periods"] = {sha: v for sha, v in known.items() if sha in present}
    note = f"menunggu berkas selesai disalin: {', '.join(sorted(waiting))}" if waiting else ""
    return requests, json.dumps(state, separators=(",", ":"), sort_keys=True), note


def _record_arrival(ledger: Ledger | None, path: Path, sha: str) -> None:
    """The first time a whole file content is seen, its arrival is recorded (pipeline/intake/arrivals.py)."""
    if ledger is None:
        return
    try:
        ledger.seen(path, VIA_SENSOR, sha256=sha)
    except (OSError, sqlite3.Error):  # a run records it too; never stop the sensor for it
        pass


@dg.sensor(
    name="berkas_masuk",
    jobs=[laporan_job, rekap_job],
    minimum_interval_seconds=MINIMUM_INTERVAL_SECONDS,
    default_status=dg.DefaultSensorStatus.RUNNING,
    description=(
        "Memantau folder masukan; bila berkas baru/berubah sudah selesai disalin, "
        "membuat ulang laporan bulan yang bersangkutan (bulan yang dibaca dari judul atau folder berkas)."
    ),
)
def berkas_masuk(context: dg.SensorEvaluationContext, lkjip: LkjipConfig) -> dg.SensorResult:
    from pipeline.intake.pemda import PEMDA_FOLDER, pemda_layout

    layout = pemda_layout(lkjip.inputs)
    if layout is not None:
        return _pemda_tick(context, lkjip, layout, PEMDA_FOLDER)
    requests, cursor, note = evaluate(lkjip.inputs, context.cursor, ledger=Ledger(inputs=lkjip.inputs),
                                      settings=lkjip.settings)
    run_requests = [_request(context, period, run_key, files, partitions.SINGLE_OFFICE)
                    for period, run_key, files in requests]
    if run_requests:
        return dg.SensorResult(run_requests=run_requests, cursor=cursor,
                               dynamic_partitions_requests=_new_offices(context, [partitions.SINGLE_OFFICE]))
    return dg.SensorResult(
        skip_reason=note or "Tidak ada berkas baru atau berubah", cursor=cursor
    )


def _request(context, period: str, run_key: str, files: list[str], opd: str) -> dg.RunRequest:
    shown = ", ".join(files[:5]) + (f" (+{len(files) - 5})" if len(files) > 5 else "")
    single = opd == partitions.SINGLE_OFFICE
    context.log.info(f"{'' if single else opd + ' '}{period}: berkas baru/berubah: {shown}")
    tags = {"lkjip/pemicu": "sensor", "lkjip/periode": period, "lkjip/berkas": shown[:200]}
    if not single:
        tags["lkjip/opd"] = opd
    return dg.RunRequest(run_key=run_key if single else f"{opd}/{run_key}", job_name=laporan_job.name,
                         partition_key=partitions.partition_key(period, opd), tags=tags)


def _new_offices(context, opds: list[str]) -> list:
    """A request adding the OPD keys the instance does not know yet (all of them without an instance)."""
    try:
        known = set(context.instance.get_dynamic_partitions(partitions.OPD_DIMENSION))
    except dg.DagsterInvariantViolationError:
        known = set()
    new = [o for o in opds if o not in known]
    return [partitions.opd_partitions.build_add_request(new)] if new else []


ROOT_SIPD = "sipd"  # the cursor of the Pemda's own sipd/ (no OPD folder is named so: intake.pemda.NOT_OPD)


def _pemda_tick(context, lkjip: LkjipConfig, layout, pemda_folder: str) -> dg.SensorResult:
    """A whole Pemda: each OPD folder watched as a single office's (its own cursor), runs per OPD-month;
    a change in ``pemda/`` re-runs the rekap of the month it belongs with, one in the Pemda's ``sipd/``
    every OPD's latest month."""
    try:
        state = json.loads(context.cursor) if context.cursor else {}
    except ValueError:
        state = {}
    cursors = state.get("pemda") if isinstance(state.get("pemda"), dict) else {}
    run_requests, notes = [], []
    for opd in layout.opds:
        folder = layout.root / opd
        requests, cursors[opd], note = evaluate(folder, cursors.get(opd), ledger=Ledger(inputs=folder),
                                                settings=lkjip.settings)
        run_requests += [_request(context, period, run_key, files, opd) for period, run_key, files in requests]
        if note:
            notes.append(f"{opd}: {note}")
    requests, cursors[pemda_folder], note = evaluate(layout.root / pemda_folder, cursors.get(pemda_folder),
                                                     settings=lkjip.settings)
    # the Pemda's workbook belongs with the latest month any OPD reported (else the month before now)
    latest = max((month for opd in layout.opds for month in json.loads(cursors[opd]).get("requested", {})),
                 default=None)
    for period, run_key, _files in requests:
        period = latest or period
        run_requests.append(dg.RunRequest(run_key=f"{pemda_folder}/{run_key}", job_name=rekap_job.name,
                                          partition_key=periods.partition_key(period),
                                          tags={"lkjip/pemicu": "sensor", "lkjip/periode": period,
                                                "lkjip/opd": pemda_folder}))
    # sipd/ beside pemda/: one SIPD export for the whole Pemda, part of every OPD's month (the Pemda's
    # folder holds no other input of a single office, so it is watched as one)
    requests, cursors[ROOT_SIPD], _note = evaluate(layout.root, cursors.get(ROOT_SIPD), settings=lkjip.settings)
    for period, run_key, files in requests:
        run_requests += [_request(context, latest or period, f"{ROOT_SIPD}-{run_key}", files, opd)
                         for opd in layout.opds]
    cursor = json.dumps({"v": CURSOR_VERSION, "pemda": cursors}, separators=(",", ":"), sort_keys=True)
    if run_requests:
        return dg.SensorResult(run_requests=run_requests, cursor=cursor,
                               dynamic_partitions_requests=_new_offices(context, list(layout.opds)))
    skip = "; ".join(notes) or "Tidak ada berkas baru atau berubah"
    if layout.without_referensi:
        skip += f"; folder tanpa referensi/: {', '.join(layout.without_referensi)}"
    return dg.SensorResult(skip_reason=skip, cursor=cursor)


def _rekap_after(context: dg.RunStatusSensorContext):
    """When an OPD-month's run ends and no other run of that month is waiting or running: the month's rekap."""
    run = context.dagster_run
    month = run.tags.get("dagster/partition/" + partitions.MONTH_DIMENSION)
    opd = run.tags.get("dagster/partition/" + partitions.OPD_DIMENSION)
    if not month or not opd or opd == partitions.SINGLE_OFFICE:
        return dg.SkipReason("bukan run OPD sebuah Pemda")
    busy = context.instance.get_runs(filters=dg.RunsFilter(
        job_name=laporan_job.name, tags={"dagster/partition/" + partitions.MONTH_DIMENSION: month},
        statuses=[dg.DagsterRunStatus.QUEUED, dg.DagsterRunStatus.NOT_STARTED, dg.DagsterRunStatus.STARTING,
                  dg.DagsterRunStatus.STARTED]), limit=1)
    if busy:
        return dg.SkipReason(f"run OPD lain bulan {month} belum selesai")
    return dg.RunRequest(run_key=f"rekap-{month}-{run.run_id}", partition_key=month,
                         tags={"lkjip/pemicu": "run OPD selesai", "lkjip/periode": month, "lkjip/opd": "pemda"})


@dg.run_status_sensor(name="rekap_setelah_opd_berhasil", run_status=dg.DagsterRunStatus.SUCCESS,
                      monitored_jobs=[laporan_job], request_job=rekap_job,
                      default_status=dg.DefaultSensorStatus.RUNNING,
                      description="Membuat rekap Pemda sebuah bulan setelah run OPD terakhir bulan itu selesai.")
def rekap_setelah_opd_berhasil(context: dg.RunStatusSensorContext):
    return _rekap_after(context)


@dg.run_status_sensor(name="rekap_setelah_opd_gagal", run_status=dg.DagsterRunStatus.FAILURE,
                      monitored_jobs=[laporan_job], request_job=rekap_job,
                      default_status=dg.DefaultSensorStatus.RUNNING,
                      description="Rekap Pemda juga setelah run OPD yang gagal: rekap menyebut OPD itu gagal dan sebabnya.")
def rekap_setelah_opd_gagal(context: dg.RunStatusSensorContext):
    return _rekap_after(context)
