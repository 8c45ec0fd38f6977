"""Make the LKjIP document in a helper process that loads its libraries while Dagster starts.

Importing matplotlib and docxtpl is most of what the document costs (about a second of CPU):
``lkjip run`` starts this helper first (:func:`start`), so the imports run on the second core
while the main process starts Dagster and reads the inputs; when the ``dokumen_lkjip`` asset
has its figures it hands them over (:func:`make`) and gets the rendered document back.  Any
trouble with the helper (it died, it is too slow, it cannot be started) and the document is
made in the run's own process, exactly the same way; scheduled and sensor runs, which have no
helper, always do that.

The job and the answer are pickled over the helper's stdin/stdout; the helper is this module
run as ``python -m pipeline.report.document_worker``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import subprocess
import sys

TIMEOUT_SECONDS = 300

_worker: subprocess.Popen | None = None


def start() -> None:
    """Start the helper (once); never raises."""
    global _worker
    if _worker is not None:
        return
    with contextlib.suppress(OSError, ValueError):
        from pipeline.lifetime import die_with_parent  # SIGKILL when the run's process dies, kill -9 included

        _worker = subprocess.Popen([sys.executable, "-m", "pipeline.report.document_worker"],
                                   stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                                   preexec_fn=functools.partial(die_with_parent, 9, os.getpid()))


def stop() -> None:
    """End the helper if it is still waiting (a run that never reached the document)."""
    global _worker
    worker, _worker = _worker, None
    if worker is not None and worker.poll() is None:
        worker.kill()
        with contextlib.suppress(subprocess.TimeoutExpired):
            worker.wait(timeout=10)


def make(job: tuple):
    """The helper's answer to ``job`` (the arguments of ``make_document``), or None when there is
    no helper or it failed; the helper serves one job."""
    global _worker
    worker, _worker = _worker, None
    if worker is None:
        return None
    try:
        out, _ = worker.communicate(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL), timeout=TIMEOUT_SECONDS)
        if worker.returncode != 0 or not out:
            return None
        return pickle.loads(out)
    except Exception:
        with contextlib.suppress(OSError):
            worker.kill()
        return None


def _serve() -> None:
    # the libraries first, and one small chart drawn (fonts loaded): this is what the helper is for
    import docxtpl  # noqa: F401
    import num2words  # noqa: F401
    import polars  # noqa: F401  (the referensi's tables come pickled as polars frames)

    from pipeline.report.making import make_document_here
    from pipeline.report import document  # noqa: F401
    from pipeline.report.charts import Chart, render_png

    render_png(Chart("pemanasan", "", "Pemanasan", ["a"], [("b", [1.0])]), width_cm=4)
    job = pickle.loads(sys.stdin.buffer.read())
    result = make_document_here(*job)
    sys.stdout.buffer.write(pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL))
    sys.stdout.buffer.flush()


if __name__ == "__main__":
    _serve()
