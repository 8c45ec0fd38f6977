"""The watchdog of ``lkjip serve``'s children (``python -m pipeline.web.watchdog PARENT_PID``).

Reads one process-group id per line from standard input (a pipe from ``lkjip
serve``).  When the pipe closes (the parent ended, ``kill -9`` included, or it
closed the pipe after stopping its children itself) it sends SIGTERM to every
group still there, waits a little, then SIGKILL, and exits.  It ignores
SIGINT and SIGTERM, so Ctrl+C in a terminal does not stop it before its work.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time

GRACE_SECONDS = 15.0


def _alive(group: int) -> bool:
    try:
        os.killpg(group, 0)
    except (ProcessLookupError, PermissionError, OSError):
        return False
    return True


def end_groups(groups: list[int], grace: float = GRACE_SECONDS) -> None:
    for group in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            os.killpg(group, signal.SIGTERM)
    deadline = time.monotonic() + grace
    while time.monotonic() < deadline and any(_alive(g) for g in groups):
        time.sleep(0.2)
    for group in groups:
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            os.killpg(group, signal.SIGKILL)


def main() -> int:
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    groups: list[int] = []
    for line in sys.stdin.buffer:
        with contextlib.suppress(ValueError):
            groups.append(int(line.strip()))
    end_groups([g for g in groups if g > 1])
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
