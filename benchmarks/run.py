"""Benchmark: lkjip against a plain pandas + openpyxl script and the calamine floor, from a province to a nation.

    .venv/bin/python benchmarks/run.py                      # N = 5,000, 50,000 and 500,000 cooperatives
    .venv/bin/python benchmarks/run.py --sizes 5000,100000  # choose the sizes
    .venv/bin/python benchmarks/run.py --sizes 100000 --skip-baseline-above 200000

For each size N the inputs are generated once (``python -m pipeline.samples
--koperasi N --seed 7``: the sample's referensi and six bidang files plus an
ODK export of N cooperatives over two Tahun Buku, with text numbers,
duplicates and bad rows) and cached under ``benchmarks/data/kN/``.  Then, on
the same files, each contender runs as its own subprocess, one after the
other:

- ``lkjip run`` end to end (Dagster, the sandboxed reader, rules, workbook);
- ``benchmarks/baseline_pandas.py``: what a user would write instead;
- ``benchmarks/floor_calamine.py``: calamine reading every sheet, nothing else.

Wall time, and peak memory of the whole process tree (the sum of the resident
sizes of the process and its descendants, sampled every 20 ms from /proc; the
largest single process is kept too).  Both contenders'
volume usaha growth figures are printed to show they agree.  Then ``lkjip run``
on the bundled sample inputs and ``lkjip validate`` on one bidang file.

This is a script that prints figures, not a test: nothing here asserts on time.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / "data"
PYTHON = Path(sys.executable)
LKJIP = [str(PYTHON), "-m", "pipeline.cli"]
SEED = 7
SAMPLE_BIDANG_FILE = ROOT / "inputs" / "realisasi" / "Realisasi Des 2024 Sekretariat.xlsx"


@dataclass
class Measure:
    seconds: float
    peak_tree_mb: float  # sampled sum of RSS over the process tree
    max_process_mb: float  # largest single process (sampled)
    returncode: int
    stdout: str = ""
    stderr: str = ""
    extra: dict = field(default_factory=dict)


def _tree_rss(pid: int) -> tuple[int, int]:
    """Resident bytes of ``pid`` and all its descendants (Linux /proc), and of the largest one."""
    total, largest, stack, seen = 0, 0, [pid], set()
    page = os.sysconf("SC_PAGE_SIZE")
    while stack:
        p = stack.pop()
        if p in seen:
            continue
        seen.add(p)
        try:
            with open(f"/proc/{p}/statm") as fh:
                rss = int(fh.read().split()[1]) * page
            total, largest = total + rss, max(largest, rss)
            for task in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{task}/children") as fh:
                    stack.extend(int(c) for c in fh.read().split())
        except (OSError, ValueError):
            continue
    return total, largest


def measure(cmd: list[str], env: dict | None = None, cwd: Path = ROOT) -> Measure:
    """Run ``cmd`` to the end; its wall time and peak memory (whole tree)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = single = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, single
        while not done.is_set():
            total, largest = _tree_rss(proc.pid)
            peak, single = max(peak, total), max(single, largest)
            done.wait(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - start
    done.set()
    sampler.join()
    return Measure(seconds, peak / (1 << 20), single / (1 << 20), proc.returncode, out, err)


def dataset(n: int) -> Path:
    """The generated inputs for ``n`` cooperatives (cached)."""
    folder = DATA / f"k{n}"
    marker = folder / ".complete"
    if marker.exists() and marker.read_text().strip() == f"seed={SEED}":
        return folder
    if folder.exists():
        shutil.rmtree(folder)
    print(f"  generating inputs for {n:,} cooperatives ...", flush=True)
    start = time.perf_counter()
    subprocess.run([str(PYTHON), "-m", "pipeline.samples", "--koperasi", str(n), "--seed", str(SEED),
                    "--out", str(folder)], cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    marker.write_text(f"seed={SEED}\n")
    print(f"  generated in {time.perf_counter() - start:.0f} s", flush=True)
    return folder


def folder_mb(folder: Path) -> float:
    return sum(p.stat().st_size for p in folder.rglob("*.xlsx")) / 1e6


def lkjip_figures(outputs: Path) -> dict:
    """Growth (S1, latest year) and the budget totals from the workbook lkjip wrote."""
    import openpyxl

    books = sorted(outputs.glob("*/laporan-kinerja-*.xlsx"))
    if not books:
        return {}
    wb = openpyxl.load_workbook(books[-1], read_only=True)
    figures: dict = {}
    try:
        rows = [r for r in wb["IKU"].iter_rows(values_only=True)]
        header = next(i for i, r in enumerate(rows) if r and r[0] == "Kode IKU")
        names = list(rows[header])
        for r in rows[header + 1:]:
            if r[0] == "S1" and isinstance(r[names.index("Realisasi")], (int, float)):
                figures["growth_percent"] = r[names.index("Realisasi")] * 100  # stored as a fraction
        for r in wb["Realisasi Anggaran"].iter_rows(values_only=True):
            values = [v for v in r if v is not None]
            if values and str(values[0]).lower() == "jumlah":
                numbers = [v for v in values if isinstance(v, (int, float))]
                figures["pagu"], figures["realisasi"] = numbers[0], numbers[1]
    finally:
        wb.close()
    return figures


def run_lkjip(inputs: Path, home: Path) -> Measure:
    with tempfile.TemporaryDirectory(prefix="lkjip-bench-out-") as out:
        env = dict(os.environ, DAGSTER_HOME=str(home))
        m = measure([*LKJIP, "run", "--inputs", str(inputs), "--outputs", out], env)
        m.extra = lkjip_figures(Path(out)) if m.returncode == 0 else {}
    return m


def run_json(cmd: list[str]) -> Measure:
    m = measure(cmd)
    try:
        m.extra = json.loads(m.stdout.strip().splitlines()[-1]) if m.returncode == 0 else {}
    except (ValueError, IndexError):
        m.extra = {}
    return m


def fmt_time(m: Measure | None) -> str:
    if m is None:
        return "-"
    return f"{m.seconds:7.1f} s" if m.returncode == 0 else f"FAILED ({m.returncode})"


def fmt_mem(m: Measure | None) -> str:
    return "-" if m is None else f"{m.peak_tree_mb:6.0f} MB"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="5000,50000,500000",
                        help="cooperatives per ODK export, comma-separated (default: 5000,50000,500000)")
    parser.add_argument("--skip-baseline-above", type=int, default=None, metavar="N",
                        help="do not run the pandas script for sizes above N (it is slow)")
    parser.add_argument("--no-sample", action="store_true", help="skip the sample inputs (run and validate)")
    parser.add_argument("--json", type=Path, default=None, help="also write the figures to this file")
    args = parser.parse_args(argv)
    sizes = [int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip()]

    print(f"lkjip benchmark: {os.cpu_count()} cores, Python {sys.version.split()[0]}, sizes {sizes}", flush=True)
    DATA.mkdir(parents=True, exist_ok=True)
    home = Path(tempfile.mkdtemp(prefix="lkjip-bench-home-"))
    results: dict = {"sizes": {}, "sample": {}}
    try:
        print("warm-up: lkjip run on the sample inputs (creates the Dagster instance; not counted)", flush=True)
        run_lkjip(ROOT / "inputs", home)

        for n in sizes:
            folder = dataset(n)
            print(f"\nN = {n:,} cooperatives: {folder_mb(folder):.1f} MB of input", flush=True)
            lk = run_lkjip(folder, home)
            print(f"  lkjip run          {fmt_time(lk)}  {fmt_mem(lk)}", flush=True)
            if lk.returncode != 0:
                print("    " + "\n    ".join(lk.stderr.strip().splitlines()[-5:]))
            pd_ = None
            if args.skip_baseline_above is None or n <= args.skip_baseline_above:
                pd_ = run_json([str(PYTHON), str(ROOT / "benchmarks" / "baseline_pandas.py"), str(folder)])
                print(f"  pandas + openpyxl  {fmt_time(pd_)}  {fmt_mem(pd_)}", flush=True)
            floor = run_json([str(PYTHON), str(ROOT / "benchmarks" / "floor_calamine.py"), str(folder)])
            print(f"  calamine (floor)   {fmt_time(floor)}  {fmt_mem(floor)}", flush=True)
            row = {
                "input_mb": round(folder_mb(folder), 1),
                "odk_rows": floor.extra.get("odk_rows"),
                "lkjip": {"seconds": round(lk.seconds, 2), "peak_mb": round(lk.peak_tree_mb),
                          "max_process_mb": round(lk.max_process_mb), **lk.extra},
                "pandas": ({"seconds": round(pd_.seconds, 2), "peak_mb": round(pd_.peak_tree_mb), **pd_.extra}
                           if pd_ else None),
                "calamine": {"seconds": round(floor.seconds, 2), "peak_mb": round(floor.peak_tree_mb)},
            }
            results["sizes"][n] = row
            if pd_ and pd_.returncode == 0 and lk.returncode == 0:
                ratio = lk.seconds / pd_.seconds
                g1, g2 = lk.extra.get("growth_percent"), pd_.extra.get("growth_percent")
                agree = g1 is not None and g2 is not None and abs(g1 - g2) < 1e-6
                row["ratio_lkjip_pandas"] = round(ratio, 3)
                print(f"  lkjip / pandas     {ratio:.2f}x time, {lk.peak_tree_mb / pd_.peak_tree_mb:.2f}x memory")
                print(f"  growth             lkjip {g1:.6f} %   pandas {g2:.6f} %   "
                      f"{'agree' if agree else 'DISAGREE'}")
                print(f"  budget             lkjip {lk.extra.get('pagu'):,} / {lk.extra.get('realisasi'):,}   "
                      f"pandas {pd_.extra.get('pagu'):,} / {pd_.extra.get('realisasi'):,}")
            if floor.returncode == 0 and lk.returncode == 0:
                print(f"  lkjip / calamine   {lk.seconds / floor.seconds:.2f}x time")

        if not args.no_sample:
            print("\nsample inputs (inputs/):", flush=True)
            lk = run_lkjip(ROOT / "inputs", home)
            print(f"  lkjip run          {fmt_time(lk)}  {fmt_mem(lk)}   growth {lk.extra.get('growth_percent', 0):.2f} %")
            val = measure([*LKJIP, "validate", str(SAMPLE_BIDANG_FILE)], dict(os.environ, DAGSTER_HOME=str(home)))
            print(f"  lkjip validate     {fmt_time(val) if val.returncode in (0, 1) else 'FAILED'}  {fmt_mem(val)}"
                  f"   ({SAMPLE_BIDANG_FILE.name})")
            results["sample"] = {"run_seconds": round(lk.seconds, 2), "run_peak_mb": round(lk.peak_tree_mb),
                                 "validate_seconds": round(val.seconds, 2), "validate_peak_mb": round(val.peak_tree_mb)}

        timed = sorted((r["odk_rows"], r["lkjip"]["seconds"], n) for n, r in results["sizes"].items()
                       if r["lkjip"]["seconds"] and r.get("odk_rows"))
        if len(timed) >= 2:
            # a fixed start-up (Python, Dagster, the instance) plus a part that grows with the rows:
            # the growing part is linear when the seconds per 100,000 extra rows stay about the same
            print("\nscaling (lkjip run): seconds per 100,000 more ODK rows, between consecutive sizes")
            for (r0, s0, n0), (r1, s1, n1) in zip(timed, timed[1:]):
                print(f"  N {n0:>9,} -> {n1:>9,}  ({r0:,} -> {r1:,} rows)  {(s1 - s0) / (r1 - r0) * 1e5:6.2f} s")

        print("\n| N cooperatives | ODK rows | input | lkjip run | pandas + openpyxl | calamine floor | lkjip / pandas | growth lkjip / pandas |")
        print("|---:|---:|---:|---:|---:|---:|---:|---|")
        for n, r in results["sizes"].items():
            p = r["pandas"] or {}
            growth = (f"{r['lkjip'].get('growth_percent', float('nan')):.4f} % / {p['growth_percent']:.4f} %"
                      if p.get("growth_percent") is not None else "-")
            rows = f"{r['odk_rows']:,}" if r["odk_rows"] else "-"
            print(f"| {n:,} | {rows} | {r['input_mb']} MB | {r['lkjip']['seconds']:.1f} s, "
                  f"{r['lkjip']['peak_mb']:,} MB | "
                  + (f"{p['seconds']:.1f} s, {p['peak_mb']:,} MB" if p else "-")
                  + f" | {r['calamine']['seconds']:.1f} s | "
                  + (f"{r['ratio_lkjip_pandas']:.2f}x" if "ratio_lkjip_pandas" in r else "-")
                  + f" | {growth} |")
        if args.json:
            args.json.write_text(json.dumps(results, indent=2, default=str))
    finally:
        shutil.rmtree(home, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
