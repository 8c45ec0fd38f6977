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


def report_path(outputs: Path, period: str) -> Path:
    """Where the consolidated workbook of a period lives."""
    return Path(outputs) / period / REPORT_NAME.format(period=period)
