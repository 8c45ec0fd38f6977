"""A persistent DAGSTER_HOME: run history, schedule/sensor state and cursors
survive restarts, and telemetry is off.

``lkjip serve`` and ``lkjip run`` call :func:`ensure_dagster_home` before any
Dagster instance is created.  Without a DAGSTER_HOME Dagster uses a temporary
instance that forgets every run (and every sensor cursor) on exit.
"""

from __future__ import annotations

import os
from pathlib import Path

from pipeline.oserrors import describe, writable_folder

DAGSTER_YAML = "dagster.yaml"

# SQLite under DAGSTER_HOME (runs, event logs, schedules/sensors) is what
# Dagster uses when nothing is configured; it is written out explicitly so the
# file documents itself and is the one place to change (see docs/deployment.md
# for the PostgreSQL block).  ``base_dir: {env: DAGSTER_HOME}`` keeps the
# folder relocatable.
DEFAULT_DAGSTER_YAML = """\
# Dibuat oleh lkjip (pipeline/dagster_home.py).  Boleh diubah; lkjip tidak
# akan menimpanya.  Lihat docs/deployment.md untuk PostgreSQL / Docker / K8s.
telemetry:
  enabled: false

# Log run tanpa pesan DEBUG (setiap masukan yang dimuat, setiap berkas antara yang
# ditulis): setiap pesan adalah satu baris di log event, sepertiga dari semua baris.
python_logs:
  python_log_level: INFO

storage:
  sqlite:
    base_dir:
      env: DAGSTER_HOME

# Satu server kecil: paling banyak 2 run bersamaan, satu run per bulan OPD
# (partisi) sekaligus supaya dua run tidak menulis laporan yang sama, dan satu
# run per OPD sekaligus (sebuah Pemda: OPD lain berjalan berdampingan).
concurrency:
  runs:
    max_concurrent_runs: 2
    tag_concurrency_limits:
      - key: "dagster/partition"
        value:
          applyLimitPerUniqueValue: true
        limit: 1
      - key: "dagster/partition/opd"
        value:
          applyLimitPerUniqueValue: true
        limit: 1

# Run yang tidak pernah mulai (prosesnya gagal dijalankan) ditandai gagal setelah
# 5 menit.  Run yang prosesnya mati (kill -9) ditandai gagal oleh lkjip serve/run.
run_monitoring:
  enabled: true
  start_timeout_seconds: 300
"""


def dagster_home_path(project_root: Path) -> Path:
    """The DAGSTER_HOME to use: env ``DAGSTER_HOME`` if set, else ``<project>/.dagster``."""
    env = os.environ.get("DAGSTER_HOME", "").strip()
    if env:
        return Path(env).expanduser().resolve()
    return (Path(project_root) / ".dagster").resolve()


class DagsterHomeError(RuntimeError):
    """The DAGSTER_HOME cannot be used; the message is one line saying what to do."""


def _yaml_problem(config: Path) -> str | None:
    import yaml

    try:
        raw = config.read_bytes()
    except OSError as exc:
        return describe("tidak dapat membaca", config, exc)
    hint = f"perbaiki atau hapus {config} (lkjip membuat yang baru)"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return f"{config} bukan berkas teks YAML (isinya biner); {hint}"
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (baris {mark.line + 1})" if mark is not None else ""
        return f"{config} bukan YAML yang sah{where}; {hint}"
    if data is not None and not isinstance(data, dict):
        return f"{config} tidak berisi pengaturan (bukan pemetaan YAML); {hint}"
    return None


def ensure_dagster_home(project_root: Path) -> Path:
    """Create the DAGSTER_HOME folder and its dagster.yaml, set the env var, return the folder.

    An existing dagster.yaml is never overwritten (it may hold PostgreSQL
    settings); only a missing ``telemetry`` section is appended so telemetry is
    off unless somebody turned it on explicitly.  A home that cannot be used
    (a regular file, a folder named dagster.yaml, garbage YAML, read-only)
    raises :class:`DagsterHomeError` with one line saying what to do.
    """
    home = dagster_home_path(project_root)
    if home.exists() and not home.is_dir():
        raise DagsterHomeError(f"DAGSTER_HOME {home} adalah berkas biasa, bukan folder; "
                               "pindahkan berkas itu atau arahkan DAGSTER_HOME ke folder lain")
    try:
        home.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DagsterHomeError(describe("DAGSTER_HOME tidak dapat dibuat di", home, exc)) from exc
    config = home / DAGSTER_YAML
    if config.is_dir():
        raise DagsterHomeError(f"{config} berupa folder, bukan berkas; pindahkan atau hapus folder itu "
                               "(lkjip membuat dagster.yaml yang baru)")
    unwritable = writable_folder(home)
    if unwritable is not None:
        raise DagsterHomeError(describe("DAGSTER_HOME tidak dapat ditulisi di", home, unwritable))
    try:
        if not config.exists():
            tmp = config.with_name(f".{DAGSTER_YAML}.tmp")
            tmp.write_text(DEFAULT_DAGSTER_YAML, encoding="utf-8")
            os.replace(tmp, config)
        else:
            problem = _yaml_problem(config)
            if problem:
                raise DagsterHomeError(problem)
            text = config.read_text(encoding="utf-8")
            if not any(line.startswith("telemetry:") for line in text.splitlines()):
                sep = "" if text.endswith("\n") or not text else "\n"
                config.write_text(text + sep + "telemetry:\n  enabled: false\n", encoding="utf-8")
    except OSError as exc:
        raise DagsterHomeError(describe("tidak dapat menulis", config, exc)) from exc
    os.environ["DAGSTER_HOME"] = str(home)
    return home


def open_instance():
    """The persistent Dagster instance of DAGSTER_HOME, its storages probed once.

    Raises :class:`DagsterHomeError` (one line) when the configuration is not
    valid for Dagster or a storage cannot be read (a corrupt ``runs.db``, an
    unreachable PostgreSQL server).
    """
    import dagster as dg

    home = os.environ.get("DAGSTER_HOME", "")
    try:
        instance = dg.DagsterInstance.get()
        instance.get_runs(limit=1)
        instance.event_log_storage.get_maximum_record_id()
        instance.all_instigator_state()
    except Exception as exc:  # noqa: BLE001 - any storage failure becomes one line
        first = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
        raise DagsterHomeError(
            f"penyimpanan Dagster di {home} tidak dapat dibuka ({type(exc).__name__}: {first[:160]}); "
            f"periksa {DAGSTER_YAML} atau pindahkan folder history/ dan schedules/ yang rusak (cadangkan dulu)"
        ) from exc
    return instance
