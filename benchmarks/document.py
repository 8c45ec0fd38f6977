"""What the LKjIP document adds to `lkjip run` on the sample inputs: ``python benchmarks/document.py``.

Each repetition is a fresh Python process that reads the sample inputs with the pipeline's own
readers, builds the sheets the workbook is written from (the same functions the Dagster assets
call), and then times, in that process, what the run does only for the document:

- importing docxtpl / python-docx / matplotlib / num2words (paid once per run),
- drawing the charts as PNG,
- the template's safety check, the context, rendering, saving the .docx,
- the workbook's native charts (the workbook written with and without them),

and, as `lkjip run` does it, the wall time of the document step when the helper process
(:mod:`pipeline.report.document_worker`) was started first and loaded the libraries while the
inputs were read.

It prints figures (median and max over the repetitions); it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

CHILD = r"""
import json, sys, tempfile, time
from datetime import datetime
from pathlib import Path
inputs = Path(sys.argv[1])
from pipeline.report import document_worker
document_worker.start()  # as lkjip run does, before anything else
from pipeline.domain.periods import Period
from pipeline.intake.referensi import read_referensi
from pipeline.intake.realisasi import read_realisasi
from pipeline.intake.odk import read_odk
from pipeline.report import tables
from pipeline.report.workbook import write_workbook

period = Period(2024, 12)
ref, _ = read_referensi(inputs)
real = read_realisasi(inputs, ref, str(period))
odk = read_odk(inputs, ref)
from pipeline.domain.iku import compute_iku
from pipeline.domain.angka import compute_angka_periode
from pipeline.intake.year import year_figures
from pipeline.report.charts import chart_specs
iku = compute_iku(ref.iku, ref.stated, ref.statistik, odk.rows, ref.iku_years(period.year))
angka = compute_angka_periode(ref, real, odk.rows, iku, year_figures(real), period, [], 20.0)
specs = chart_specs(angka)
sheets = {t.name: t for t in [
    tables.iku_sheet(angka), tables.tren_sheet(angka), tables.renstra_sheet(angka), tables.efisiensi_sheet(angka),
    tables.kinerja_program_sheet(angka), tables.realisasi_anggaran_sheet(angka), tables.anggaran_sheet(angka)]}
out = {}
from pipeline.dokumen import make_document as make_with_helper
tw = time.perf_counter()
helped = make_with_helper(inputs, ref, angka, datetime(2025, 1, 11, 7, 0), specs)
out["with_helper"] = time.perf_counter() - tw
assert helped.content and not helped.problems
t0 = time.perf_counter()
c0 = time.process_time()
import docxtpl, docx, num2words
from matplotlib.figure import Figure
from matplotlib.backends.backend_agg import FigureCanvasAgg
t1 = time.perf_counter()
out["imports"] = t1 - t0
out["cpu_imports"] = time.process_time() - c0
from pipeline.dokumen import make_document_here as make_document
from pipeline.report.charts import render_png
t2, c2 = time.perf_counter(), time.process_time()
pngs = [render_png(c) for c in specs]
t3, c3 = time.perf_counter(), time.process_time()
out["charts_png"], out["cpu_charts_png"] = t3 - t2, c3 - c2
made = datetime(2025, 1, 11, 7, 0)
doc = make_document(inputs, ref, angka, made, specs)
t4, c4 = time.perf_counter(), time.process_time()
out["document_total"] = t4 - t3  # includes drawing the charts again, as the run does once
out["cpu_document_total"] = c4 - c3
assert doc.content and not doc.problems, doc.problems
with tempfile.TemporaryDirectory() as tmp:
    ordered = list(sheets.values())
    t5 = time.perf_counter()
    write_workbook(ordered, Path(tmp) / "a.xlsx")
    t6 = time.perf_counter()
    write_workbook(ordered, Path(tmp) / "b.xlsx", specs)
    t7 = time.perf_counter()
    Path(tmp, "c.docx").write_bytes(doc.content)
    t8 = time.perf_counter()
out["native_charts"] = (t7 - t6) - (t6 - t5)
out["write_docx"] = t8 - t7
out["added"] = out["imports"] + out["document_total"] + max(out["native_charts"], 0) + out["write_docx"]
out["added_with_helper"] = out["with_helper"] + max(out["native_charts"], 0)
out["cpu_added"] = out["cpu_imports"] + out["cpu_document_total"] + max(out["native_charts"], 0) + out["write_docx"]
out["charts"] = len(specs)
out["bytes"] = len(doc.content)
print(json.dumps(out))
"""


RUN_CHILD = r"""
import json, os, sys
import dagster as dg
instance = dg.DagsterInstance.get()
run = instance.get_runs(limit=1)[0]
steps = {s.step_key: s.end_time - s.start_time for s in instance.get_run_step_stats(run.run_id)
         if s.end_time and s.start_time}
print(json.dumps(steps))
"""


def run_steps(inputs: Path, repeat: int) -> None:
    """`lkjip run` as the planner runs it; the dokumen_lkjip step's wall time from Dagster's own record."""
    import os
    import tempfile
    import time

    rows = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            env = {**os.environ, "DAGSTER_HOME": str(Path(tmp) / "home")}
            Path(env["DAGSTER_HOME"]).mkdir()
            start = time.perf_counter()
            subprocess.run([str(ROOT / ".venv" / "bin" / "lkjip"), "run", "--inputs", str(inputs), "--outputs",
                            str(Path(tmp) / "out")], cwd=ROOT, env=env, check=True, capture_output=True)
            total = time.perf_counter() - start
            steps = json.loads(subprocess.run([sys.executable, "-c", RUN_CHILD], cwd=ROOT, env=env, check=True,
                                              capture_output=True, text=True).stdout.strip().splitlines()[-1])
            rows.append((total, steps.get("dokumen_lkjip", 0.0), steps.get("laporan_kinerja", 0.0)))
    print(f"lkjip run ({repeat} runs): total, the dokumen_lkjip step, the laporan_kinerja step (workbook with its "
          f"charts and the .docx published)")
    for label, i in (("lkjip run", 0), ("dokumen_lkjip step", 1), ("laporan_kinerja step", 2)):
        values = [r[i] for r in rows]
        print(f"{label:<38}{statistics.median(values):>8.2f}s{max(values):>8.2f}s")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--inputs", type=Path, default=ROOT / "inputs")
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--run", action="store_true", help="also time whole `lkjip run`s and their document step")
    args = parser.parse_args(argv)
    runs = []
    for _ in range(args.repeat):
        done = subprocess.run([sys.executable, "-c", CHILD, str(args.inputs)], cwd=ROOT, capture_output=True,
                              text=True, check=True)
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    load = Path("/proc/loadavg").read_text().split()[0] if Path("/proc/loadavg").exists() else "?"
    print(f"load average {load} on {__import__('os').cpu_count()} cores")
    print(f"document cost on {args.inputs} ({args.repeat} fresh processes; {runs[0]['charts']} charts, "
          f"{runs[0]['bytes'] / 1024:.0f} KB .docx)")
    print(f"{'step':<38}{'median':>9}{'max':>9}")
    labels = {"imports": "import docxtpl, python-docx, matplotlib", "charts_png": "draw the charts (PNG)",
              "document_total": "template check, context, charts, render", "native_charts": "native charts in the workbook",
              "write_docx": "write the .docx", "added": "added to lkjip run (wall)",
              "cpu_added": "added to lkjip run (CPU time)",
              "added_with_helper": "added to lkjip run (helper process)"}
    for key, label in labels.items():
        values = [r[key] for r in runs]
        print(f"{label:<38}{statistics.median(values):>8.2f}s{max(values):>8.2f}s")
    if args.run:
        run_steps(args.inputs, args.repeat)


if __name__ == "__main__":
    main()
