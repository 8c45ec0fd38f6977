"""Settings shared by the command line, the Dagster resources and the tests."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
TIMEZONE = "Asia/Makassar"  # WITA, Bali's time

DEFAULT_INPUTS = Path(os.environ.get("LKJIP_INPUTS", PROJECT_ROOT / "inputs"))
DEFAULT_OUTPUTS = Path(os.environ.get("LKJIP_OUTPUTS", PROJECT_ROOT / "outputs"))

# Files are due on this day of the month after the period; the scheduled run
# starts the next day at RUN_HOUR (WITA).  The referensi may override the day.
DEFAULT_DEADLINE_DAY = 10
DEFAULT_RUN_HOUR = 7

REPORT_NAME = "laporan-kinerja-{period}.xlsx"
EVALUASI_RENJA_NAME = "evaluasi-renja-{period}.xlsx"  # Tabel E.81 in the form's layout, for Bappeda

# Peringatan Dini: a sub kegiatan more than this many percent points behind its plan (or behind
# the share of the year elapsed), or whose output capaian is this far behind its absorption.
DEFAULT_EARLY_WARNING_POINTS = 20.0
EARLY_WARNING_ENV = "LKJIP_EARLY_WARNING_POINTS"


def early_warning_points() -> float:
    """The early-warning threshold in percent points: env ``LKJIP_EARLY_WARNING_POINTS`` or 20."""
    text = os.environ.get(EARLY_WARNING_ENV, "").strip().replace(",", ".")
    if not text:
        return DEFAULT_EARLY_WARNING_POINTS
    try:
        value = float(text)
    except ValueError:
        raise ValueError(f"{EARLY_WARNING_ENV}={text!r} harus angka poin persen, misalnya 20") from None
    if not 0 <= value <= 100:
        raise ValueError(f"{EARLY_WARNING_ENV}={text!r} harus antara 0 dan 100")
    return value


def report_path(outputs: Path, period: str) -> Path:
    """Where the consolidated workbook of a period lives."""
    return Path(outputs) / period / REPORT_NAME.format(period=period)
