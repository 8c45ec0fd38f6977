"""Every setting of lkjip, resolved in one place.

A setting comes from, in order:

1. the referensi workbook, for the one setting it may state: ``Batas
   Pengumpulan`` in its ``Renstra`` sheet (the deadline day, see
   :func:`effective_deadline_day`);
2. a value given explicitly: a command-line option (the CLI passes what it
   parsed) or the ``lkjip`` resource's config (in the Dagster code location the
   resource is configured with ``dg.EnvVar`` for every variable that is set);
3. the environment variable named in :data:`ENV`;
4. the default.

Nothing here is read at import time: :func:`resolve` reads the environment
when it is called.  Settings are passed, never put in a global: the assets,
the schedule and the sensor hand their resource's :class:`Settings` to the
intake (the readers' ``settings`` argument: the sandbox limits, the expectation
engine); a reader called without them (``lkjip validate``, the page) uses
:func:`resolve` of the environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, fields
from pathlib import Path

from pipeline.domain.periods import TIMEZONE

__all__ = [
    "PROJECT_ROOT", "TIMEZONE", "ENV", "Settings", "SettingError", "resolve",
    "effective_deadline_day", "report_path", "REPORT_NAME",
]

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# Files are due on this day of the month after the period; the scheduled run
# starts the next day at RUN_HOUR (WITA).  The referensi may override the day.
DEFAULT_DEADLINE_DAY = 10
DEFAULT_RUN_HOUR = 7
DEFAULT_READ_TIMEOUT_SECONDS = 60  # the sandboxed Excel reader, per file without progress
DEFAULT_READ_MEMORY_BYTES = 1_000_000_000  # its address space for ordinary workbooks ("about 1 GB")
EXPECTATION_ENGINES = ("native", "gx")

REPORT_NAME = "laporan-kinerja-{period}.xlsx"
EVALUASI_RENJA_NAME = "evaluasi-renja-{period}.xlsx"  # Tabel E.81 in the form's layout, for Bappeda

# Peringatan Dini: a sub kegiatan more than this many percent points behind its plan (or behind
# the share of the year elapsed), or whose output capaian is this far behind its absorption.
DEFAULT_EARLY_WARNING_POINTS = 20.0
EARLY_WARNING_ENV = "LKJIP_EARLY_WARNING_POINTS"


# setting -> environment variable
ENV: dict[str, str] = {
    "inputs": "LKJIP_INPUTS",
    "outputs": "LKJIP_OUTPUTS",
    "deadline_day": "LKJIP_DEADLINE_DAY",
    "run_hour": "LKJIP_RUN_HOUR",
    "read_timeout_seconds": "LKJIP_READ_TIMEOUT",
    "read_memory_bytes": "LKJIP_READ_MEMORY",
    "expectations_engine": "LKJIP_EXPECTATIONS_ENGINE",
    "early_warning_points": EARLY_WARNING_ENV,
}


class SettingError(ValueError):
    """A setting with an impossible value; the message is Indonesian."""


@dataclass(frozen=True)
class Settings:
    inputs: Path = PROJECT_ROOT / "inputs"
    outputs: Path = PROJECT_ROOT / "outputs"
    deadline_day: int = DEFAULT_DEADLINE_DAY  # before the referensi's Batas Pengumpulan
    run_hour: int = DEFAULT_RUN_HOUR
    read_timeout_seconds: int = DEFAULT_READ_TIMEOUT_SECONDS
    read_memory_bytes: int = DEFAULT_READ_MEMORY_BYTES
    expectations_engine: str = "native"  # "gx": every expectation through Great Expectations
    early_warning_points: float = DEFAULT_EARLY_WARNING_POINTS  # Peringatan Dini threshold
    timezone: str = TIMEZONE


def _whole(name: str, raw: object, low: int, high: int) -> int:
    try:
        value = int(str(raw).strip())
    except ValueError:
        raise SettingError(f"{ENV.get(name, name)}: '{raw}' bukan bilangan bulat") from None
    if not low <= value <= high:
        raise SettingError(f"{ENV.get(name, name)}: {value} di luar {low}..{high}")
    return value


def _parse(name: str, raw: object):
    if name in ("inputs", "outputs"):
        return Path(str(raw)).expanduser()
    if name == "deadline_day":
        return _whole(name, raw, 1, 31)
    if name == "run_hour":
        return _whole(name, raw, 0, 23)
    if name == "read_timeout_seconds":
        return _whole(name, raw, 1, 24 * 3600)
    if name == "read_memory_bytes":
        return _whole(name, raw, 256 << 20, 1 << 40)
    if name == "early_warning_points":
        try:
            value = float(str(raw).strip().replace(",", "."))
        except ValueError:
            raise SettingError(f"{ENV[name]}: '{raw}' harus angka poin persen, misalnya 20") from None
        if not 0 <= value <= 100:
            raise SettingError(f"{ENV[name]}: {raw} harus antara 0 dan 100")
        return value
    if name == "expectations_engine":
        engine = str(raw).strip().lower() or "native"
        if engine not in EXPECTATION_ENGINES:
            raise SettingError(f"{ENV[name]}: '{raw}' bukan salah satu dari {', '.join(EXPECTATION_ENGINES)}")
        return engine
    return raw


def resolve(environ: Mapping[str, str] | None = None, **given) -> Settings:
    """The settings in effect: ``given`` (not None) > ``environ`` (default: the process's) > defaults."""
    environ = os.environ if environ is None else environ
    names = {f.name for f in fields(Settings)}
    unknown = set(given) - names
    if unknown:
        raise TypeError(f"unknown settings: {', '.join(sorted(unknown))}")
    values = {}
    for name in names:
        raw = given.get(name)
        if raw is None and name in ENV:
            text = environ.get(ENV[name], "")
            raw = text if text.strip() else None
        if raw is not None:
            values[name] = _parse(name, raw)
    return Settings(**values)


def effective_deadline_day(referensi_day: int | None, settings: Settings) -> int:
    """The deadline day in effect: the referensi's ``Batas Pengumpulan``, else the settings' day.

    The one rule: :func:`pipeline.intake.referensi.deadline_day_in_effect` applies it to a drop
    folder (the schedule, the page), the ``pengumpulan`` asset to the referensi it read; the dates
    follow from the day in :mod:`pipeline.domain.submissions`."""
    return referensi_day if referensi_day is not None else settings.deadline_day


def report_path(outputs: Path, period: str) -> Path:
    """Where the consolidated workbook of a period lives."""
    return Path(outputs) / period / REPORT_NAME.format(period=period)
