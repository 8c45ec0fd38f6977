"""A persistent DAGSTER_HOME: run history, schedule/sensor state and cursors
survive restarts, and telemetry is off.

``lkjip serve`` and ``lkjip run`` call :func:`ensure_dagster_home` before any
Dagster instance is created.  Without a DAGSTER_HOME Dagster uses a temporary
instance that forgets every run (and every sensor cursor) on exit.
"""

from __future__ import annotations

import os
from pathlib import Path

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

storage:
  sqlite:
    base_dir:
      env: DAGSTER_HOME

# Satu server kecil: paling banyak 2 run bersamaan, dan satu run per bulan
# (partisi) sekaligus supaya dua run tidak menulis laporan yang sama.
concurrency:
  runs:
    max_concurrent_runs: 2
    tag_concurrency_limits:
      - key: "dagster/partition"
        value:
          applyLimitPerUniqueValue: true
        limit: 1
"""


def dagster_home_path(project_root: Path) -> Path:
    """The DAGSTER_HOME to use: env ``DAGSTER_HOME`` if set, else ``<project>/.dagster``."""
    env = os.environ.get("DAGSTER_HOME", "").strip()
    if env:
        return Path(env).expanduser().resolve()
    return (Path(project_root) / ".dagster").resolve()


def ensure_dagster_home(project_root: Path) -> Path:
    """Create the DAGSTER_HOME folder and its dagster.yaml, set the env var, return the folder.

    An existing dagster.yaml is never overwritten (it may hold PostgreSQL
    settings); only a missing ``telemetry`` section is appended so telemetry is
    off unless somebody turned it on explicitly.
    """
    home = dagster_home_path(project_root)
    home.mkdir(parents=True, exist_ok=True)
    config = home / DAGSTER_YAML
    if not config.exists():
        tmp = config.with_name(f".{DAGSTER_YAML}.tmp")
        tmp.write_text(DEFAULT_DAGSTER_YAML, encoding="utf-8")
        os.replace(tmp, config)
    else:
        text = config.read_text(encoding="utf-8")
        if not any(line.startswith("telemetry:") for line in text.splitlines()):
            sep = "" if text.endswith("\n") or not text else "\n"
            config.write_text(text + sep + "telemetry:\n  enabled: false\n", encoding="utf-8")
    os.environ["DAGSTER_HOME"] = str(home)
    return home
