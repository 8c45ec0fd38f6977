"""Child processes that end with their parent, however it ends (``kill -9`` included).

``lkjip serve`` starts the Dagster webserver and daemon, and ``lkjip run`` its document helper, with
:func:`die_with_parent` as ``preexec_fn``: the kernel sends the child a signal when the parent dies.
"""

from __future__ import annotations

import os

PR_SET_PDEATHSIG = 1


def die_with_parent(sig: int = 15, parent: int | None = None) -> None:
    """In a child between fork and exec (``preexec_fn``): ask the kernel for ``sig`` when the parent
    (``parent``, default the current parent) dies (Linux ``PR_SET_PDEATHSIG``); if it already died, now."""
    import contextlib
    import ctypes
    import sys

    if not sys.platform.startswith("linux"):
        return
    parent = os.getppid() if parent is None else parent
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, int(sig), 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os.kill(os.getpid(), sig)
