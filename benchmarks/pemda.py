"""Benchmark: a whole Pemda's month (N OPD and the rekap) against one OPD's month.

    .venv/bin/python benchmarks/pemda.py                 # N = 40 OPD
    .venv/bin/python benchmarks/pemda.py --opd 4         # a quick look

The Pemda comes from ``python -m pipeline.samples.pemda --opd N`` (OPD of the Jawa Timur, Bali
and health kinds in turn, month 2025-06; cached under ``benchmarks/data/pemda-N``).  Three measurements,
as subprocesses one after the other on a fresh DAGSTER_HOME each:

1. ``lkjip run`` on one OPD's folder as a single office (the Bali kind: 36 realisation files);
2. ``lkjip run`` on the Pemda folder: every OPD's month (each its own Dagster run), then the rekap;
3. the rekap alone, again, over the OPD figures the Pemda run left (its own materialisation, timed
   inside the process, so without Python's start-up): the rekap's overhead on top of the OPD runs.

Printed side by side: wall time, CPU time (user + system of the process tree), peak memory of the
process tree, and the ratios (Pemda / one OPD; rekap / Pemda).  The issue's targets: the Pemda's
month at most 12x one OPD's month on the 2-core machine, peak memory at most 4 GB, the rekap at
most +10 %.  A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from run import DATA, LKJIP, PYTHON, ROOT, fmt_mem, fmt_time, measure  # noqa: E402

PERIOD = "2025-06"

REKAP_ONLY = """
import sys, time
from pathlib import Path
from pipeline import runs
from pipeline.defs.partitions import monthly_partitions
instance = runs.run_instance()
start = time.perf_counter()
result = runs.materialize_partition(instance, monthly_partitions, sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3]))
print(f"{time.perf_counter() - start:.3f}", result.success)
"""


def pemda_folder(n: int, months: int | None = None) -> Path:
    """The generated Pemda of ``n`` OPD (``months``: the year's files to that month), cached under
    ``benchmarks/data``; made again when the generator's kinds of OPD have changed."""
    from pipeline.samples.pemda import KINDS, MONTH, generate_pemda

    folder = DATA / (f"pemda-{n}" if months is None else f"pemda-{n}-bulan-{months}")
    marker = folder / ".complete"
    made_by = ",".join(KINDS) + "\n"
    if marker.exists() and marker.read_text() == made_by:
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    generate_pemda(folder, n, months or MONTH)
    marker.write_text(made_by)
    return folder


def timed(cmd: list[str], home: Path):
    env = dict(os.environ, DAGSTER_HOME=str(home))
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    m = measure(cmd, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    m.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return m


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opd", type=int, default=40)
    args = parser.parse_args(argv)
    folder = pemda_folder(args.opd)
    one = folder / sorted(p.name for p in folder.iterdir() if p.name.endswith("diskop-bali"))[0]
    rows = []
    with tempfile.TemporaryDirectory(prefix="lkjip-bench-pemda-") as tmp:
        tmp = Path(tmp)
        single = timed([*LKJIP, "run", "--inputs", str(one), "--outputs", str(tmp / "one"), "--period", PERIOD],
                       tmp / "home-one")
        rows.append(("one OPD's month (single office)", single))
        whole = timed([*LKJIP, "run", "--inputs", str(folder), "--outputs", str(tmp / "all"), "--period", PERIOD],
                      tmp / "home-all")
        rows.append((f"Pemda: {args.opd} OPD + rekap", whole))
        rekap = timed([str(PYTHON), "-c", REKAP_ONLY, PERIOD, str(folder), str(tmp / "all")], tmp / "home-all")
        inner = float(rekap.stdout.split()[0]) if rekap.returncode == 0 and rekap.stdout.strip() else None
        rows.append(("rekap alone (new process)", rekap))
    print(f"{'case':<34} {'wall':>9} {'cpu':>9} {'peak memory':>12} exit")
    for name, m in rows:
        print(f"{name:<34} {fmt_time(m):>9} {m.cpu:8.1f}s {fmt_mem(m):>12} {m.returncode}")
    print()
    print(f"Pemda / one OPD: wall {whole.seconds / single.seconds:.2f}x, cpu {whole.cpu / single.cpu:.2f}x "
          f"(target at most 12x for 40 OPD); per OPD {whole.seconds / args.opd:.1f} s")
    if inner is not None:
        print(f"rekap materialisation {inner:.2f} s = {inner / whole.seconds * 100:.1f} % of the Pemda run "
              "(target at most +10 %)")
    print(f"peak memory of the Pemda run {fmt_mem(whole)} (target at most 4 GB)")
    if whole.returncode not in (0, 1):
        print(whole.stderr[-2000:], file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
