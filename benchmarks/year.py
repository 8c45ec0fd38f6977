"""Benchmark: a run over a full year of monthly files against the one-month run.

    .venv/bin/python benchmarks/year.py                    # the sample inputs and N = 100,000 cooperatives
    .venv/bin/python benchmarks/year.py --sizes 0,500000   # 0 = the bundled sample inputs
    .venv/bin/python benchmarks/year.py --repeat 3         # best of 3 per case

A run for December reads every month of the year (Tabel E.81, Tren Bulanan, Peringatan Dini).
For each case the one-month folder (the bundled ``inputs/``, or ``python -m pipeline.samples
--koperasi N``: referensi, six bidang December files, an ODK export of N cooperatives) is run
as it is, and again with each bidang's January-November files added (``pipeline.samples.monthly``:
12 months x 6 bidang x the sample's 28 sub kegiatan, 72 realisation files).  Both runs are
``lkjip run --period 2024-12`` as subprocesses, one after the other; wall time, CPU time (user +
system of the run and its children: steadier than wall time on a busy machine) and peak
memory of the process tree (as in ``benchmarks/run.py``).  The target: the year at most 1.5x the month.

A script that prints figures, not a test.
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

from run import DATA, LKJIP, ROOT, dataset, fmt_mem, fmt_time, measure  # noqa: E402

from pipeline.samples import calibrated as cal  # noqa: E402
from pipeline.samples.monthly import generate_year  # noqa: E402


def year_folder(month_folder: Path, name: str) -> Path:
    """A copy of ``month_folder`` with January-November files of every bidang (cached)."""
    folder = DATA / f"{name}-tahun"
    marker = folder / ".complete"
    if marker.exists():
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    shutil.copytree(month_folder, folder, ignore=shutil.ignore_patterns(".complete", "README.md"))
    generate_year(folder, cal.YEAR, range(1, 12))
    marker.write_text("ok\n")
    return folder


def run(inputs: Path, home: Path, repeat: int):
    best = None
    for _ in range(repeat):
        with tempfile.TemporaryDirectory(prefix="lkjip-bench-out-") as out:
            env = dict(os.environ, DAGSTER_HOME=str(home))
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            m = measure([*LKJIP, "run", "--inputs", str(inputs), "--outputs", out, "--period", "2024-12"], env)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            m.cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
            if m.returncode != 0:
                print("    " + "\n    ".join(m.stderr.strip().splitlines()[-5:]))
            m.extra = {"files": len(list((inputs / "realisasi").rglob("*.xlsx")))}
        best = m if best is None or m.seconds < best.seconds else best
    return best


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="0,100000", help="0 = the bundled sample inputs; else N cooperatives")
    parser.add_argument("--repeat", type=int, default=2, help="runs per case; the fastest counts (default 2)")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]
    DATA.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="lkjip-bench-home-"))
    print(f"lkjip year benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}", flush=True)
    rows = []
    try:
        print("warm-up run (creates the Dagster instance; not counted)", flush=True)
        run(ROOT / "inputs", home, 1)
        for n in sizes:
            month = ROOT / "inputs" if n == 0 else dataset(n)
            year = year_folder(month, "sampel" if n == 0 else f"k{n}")
            label = "sample inputs (5,000 cooperatives)" if n == 0 else f"{n:,} cooperatives"
            one = run(month, home, args.repeat)
            twelve = run(year, home, args.repeat)
            ratio = twelve.seconds / one.seconds
            print(f"\n{label}")
            for name, m in (("one month", one), ("full year", twelve)):
                print(f"  {name}  ({m.extra['files']:>2} realisasi files)  {fmt_time(m)}  {fmt_mem(m)}"
                      f"  {m.cpu:6.1f} s CPU")
            print(f"  year / month  {ratio:.2f}x wall, {twelve.cpu / one.cpu:.2f}x CPU  (target at most 1.5x)",
                  flush=True)
            rows.append((label, one, twelve, ratio))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    print("\n| inputs | one month (6 files): wall, CPU, memory | full year (72 files) | year / month (wall, CPU) |")
    print("|---|---:|---:|---:|")
    for label, one, twelve, ratio in rows:
        print(f"| {label} | {one.seconds:.1f} s, {one.cpu:.1f} s CPU, {one.peak_tree_mb:,.0f} MB | "
              f"{twelve.seconds:.1f} s, {twelve.cpu:.1f} s CPU, {twelve.peak_tree_mb:,.0f} MB | "
              f"{ratio:.2f}x, {twelve.cpu / one.cpu:.2f}x |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
