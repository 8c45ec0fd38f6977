"""Benchmark: a whole Pemda's month (N OPD and the rekap) against one OPD's month.

    .venv/bin/python benchmarks/pemda.py                 # N = 40 OPD
    .venv/bin/python benchmarks/pemda.py --opd 4         # a quick look

The Pemda comes from ``python -m pipeline.samples.pemda --opd N`` (OPD of the Jawa Timur, Bali
and health kinds in turn, month 2025-06; cached under ``benchmarks/data/pemda-N``).  Measured as
subprocesses one after the other, each on a fresh DAGSTER_HOME:

1. ``lkjip run`` on one OPD's folder as a single office (the Bali kind: 36 realisation files);
2. ``lkjip run`` on the Pemda folder: every OPD's month (each its own Dagster run), then the rekap;
3. 1. again (the machine's speed drifts: each Pemda month is set against the single office's month
   just before and just after it); ``--repeat K`` does 1-3 K times;
4. the rekap alone, again, over the OPD figures the last Pemda run left (its own materialisation,
   timed inside the process, so without Python's start-up): the rekap's overhead on top of the OPD runs.

``--postgres``: the deployment's storage instead of SQLite (``deploy/dagster.yaml`` on a throw-away
PostgreSQL server of Debian's ``postgresql``, a database of its own for each measurement).

Printed side by side: wall time, CPU time (user + system of the process tree), the machine's CPU time
(every process, PostgreSQL's server too, from /proc/stat), peak memory of the process tree, the
ratios (Pemda / one OPD; rekap / Pemda) and the medians.  The issue's targets: the Pemda's month at
most 12x one OPD's month on the 2-core machine, peak memory at most 4 GB, the rekap at most +10 %.
A script that prints figures, not a test.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import resource
import shutil
import statistics
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the throw-away PostgreSQL of the tests

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


class Postgres:
    """A throw-away PostgreSQL server (the tests' own) for the whole benchmark, a new database for each
    measurement: :meth:`database` gives the DAGSTER_PG_* environment naming it."""

    def __init__(self, stack: contextlib.ExitStack) -> None:
        from _postgres import start_postgres

        root = Path(tempfile.mkdtemp(prefix="lkjip-bench-pg-"))  # outside any 0700 folder: postgres reaches it
        stack.callback(shutil.rmtree, root, ignore_errors=True)
        try:
            self.port, stop = start_postgres(root, "bench")
        except FileNotFoundError as exc:  # no PostgreSQL installed
            sys.exit(str(exc))
        stack.callback(stop)

    def database(self, name: str) -> dict:
        from _postgres import create_database, dagster_pg_env

        create_database(self.port, name)
        return dagster_pg_env(self.port, name)


def machine_busy() -> float:
    """Seconds of CPU the whole machine has spent so far (every process: PostgreSQL's server too)."""
    with open("/proc/stat") as f:
        ticks = [int(x) for x in f.readline().split()[1:]]
    return (sum(ticks) - ticks[3] - ticks[4]) / os.sysconf("SC_CLK_TCK")  # all but idle and iowait


def timed(cmd: list[str], home: Path, postgres: dict | None = None):
    """``cmd``'s wall and CPU time and peak memory, with ``home`` as DAGSTER_HOME; ``postgres``: the
    environment naming the PostgreSQL database of ``deploy/dagster.yaml`` (written into ``home``)."""
    env = dict(os.environ, DAGSTER_HOME=str(home), **(postgres or {}))
    if postgres and not (home / "dagster.yaml").exists():
        home.mkdir(parents=True, exist_ok=True)
        shutil.copy(ROOT / "deploy" / "dagster.yaml", home / "dagster.yaml")
    before, busy = resource.getrusage(resource.RUSAGE_CHILDREN), machine_busy()
    m = measure(cmd, env)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    m.busy = machine_busy() - busy
    m.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return m


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opd", type=int, default=40)
    parser.add_argument("--postgres", action="store_true", help="PostgreSQL storage (deploy/dagster.yaml)")
    parser.add_argument("--repeat", type=int, default=1, help="this many Pemda months, each between two single ones")
    args = parser.parse_args(argv)
    folder = pemda_folder(args.opd)
    one = folder / sorted(p.name for p in folder.iterdir() if p.name.endswith("diskop-bali"))[0]
    singles, wholes = [], []
    with tempfile.TemporaryDirectory(prefix="lkjip-bench-pemda-") as tmp, contextlib.ExitStack() as stack:
        tmp = Path(tmp)
        postgres = Postgres(stack) if args.postgres else None

        def single(name: str):  # one OPD's month, on a new DAGSTER_HOME (and database), new outputs
            return timed([*LKJIP, "run", "--inputs", str(one), "--outputs", str(tmp / name), "--period", PERIOD],
                         tmp / f"home-{name}", postgres.database(name) if postgres else None)

        # the machine's speed drifts (a virtual machine): one OPD's month before and after each Pemda run
        for i in range(args.repeat):
            singles.append(single(f"one{i}a"))
            pg_all = postgres.database(f"all{i}") if postgres else None
            wholes.append(timed([*LKJIP, "run", "--inputs", str(folder), "--outputs", str(tmp / f"all{i}"),
                                 "--period", PERIOD], tmp / f"home-all{i}", pg_all))
            singles.append(single(f"one{i}b"))
        rekap = timed([str(PYTHON), "-c", REKAP_ONLY, PERIOD, str(folder), str(tmp / f"all{i}")],
                      tmp / f"home-all{i}", pg_all)  # over the last Pemda run's figures
        inner = float(rekap.stdout.split()[0]) if rekap.returncode == 0 and rekap.stdout.strip() else None
    print(f"{'case':<38} {'wall':>9} {'cpu':>9} {'machine cpu':>12} {'peak memory':>12} exit")
    rows = []
    for i, whole in enumerate(wholes):
        rows += [(f"one OPD's month (single office) #{i + 1}a", singles[2 * i]),
                 (f"Pemda: {args.opd} OPD + rekap #{i + 1}", whole),
                 (f"one OPD's month (single office) #{i + 1}b", singles[2 * i + 1])]
    for name, m in [*rows, ("rekap alone (new process)", rekap)]:
        print(f"{name:<38} {fmt_time(m):>9} {m.cpu:8.1f}s {m.busy:11.1f}s {fmt_mem(m):>12} {m.returncode}")
    print()
    for i, whole in enumerate(wholes):  # against the mean of the single office's month just before and after
        one = (singles[2 * i].seconds + singles[2 * i + 1].seconds) / 2
        print(f"#{i + 1} Pemda / one OPD: wall {whole.seconds / one:.2f}x (target at most 12x for 40 OPD); "
              f"per OPD {whole.seconds / args.opd:.1f} s")
    single, whole = (statistics.median(m.seconds for m in ms) for ms in (singles, wholes))
    print(f"median of {len(singles)} single-office months {single:.1f} s, of {len(wholes)} Pemda months {whole:.1f} s: "
          f"{whole / single:.2f}x")
    if inner is not None:
        print(f"rekap materialisation {inner:.2f} s = {inner / wholes[-1].seconds * 100:.1f} % of the Pemda run "
              "(target at most +10 %)")
    print(f"peak memory of the Pemda run {fmt_mem(max(wholes, key=lambda m: m.peak_tree_mb))} (target at most 4 GB)")
    for whole in wholes:
        if whole.returncode not in (0, 1):
            print(whole.stderr[-2000:], file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
