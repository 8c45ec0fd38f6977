"""Benchmark: a whole year of a Pemda (40 OPD x 12 months = 480 OPD-months) as a backfill through
Dagster's run queue, with PostgreSQL storage: the deployment of ``deploy/`` on one machine.

    .venv/bin/python benchmarks/pemda_year.py                      # 40 OPD, January to December 2025
    .venv/bin/python benchmarks/pemda_year.py --opd 2 --months 2   # a quick look

Steps (a script that prints figures, not a test):

1. the Pemda from ``python -m pipeline.samples.pemda --opd N --bulan 12`` (the Bali and health kinds'
   bidang send every month; the Jawa Timur kind sends June), cached under ``benchmarks/data``;
2. a throw-away PostgreSQL server (Debian's ``postgresql``, as ``.ci/run`` starts it) with PgBouncer
   in front (Debian's ``pgbouncer``, session pooling; ``--tanpa-pgbouncer``: without) and a
   DAGSTER_HOME with ``deploy/dagster.yaml``: the queued run coordinator, at most as many runs at
   once as the machine has cores, one per OPD-month and one per OPD;
3. the OPD partitions added, the sensors and schedules stopped (only the backfill's runs), then
   ``dagster-daemon run`` (the run queue, the backfill daemon; each run its own process, Dagster's
   default run launcher);
4. ``dagster job backfill`` of ``laporan_bulanan`` over every OPD-month, then, when every one has
   ended, of ``rekap_pemda_bulanan`` over the 12 months (Bappeda's rekap of each month);
5. printed: the wall time of each backfill, runs succeeded / failed, runs per minute, and every
   failed run's reason.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # the throw-away PostgreSQL of the tests

from _postgres import as_postgres, dagster_pg_env, start_postgres  # noqa: E402
from pemda import pemda_folder  # noqa: E402
from run import PYTHON, ROOT  # noqa: E402

YEAR = 2025
DAGSTER = str(PYTHON.with_name("dagster"))
DAEMON = str(PYTHON.with_name("dagster-daemon"))


def start_pgbouncer(root: Path, pg_port: int) -> tuple[int, callable]:
    """PgBouncer (Debian's ``pgbouncer``) in front of PostgreSQL, session pooling: Dagster opens a new
    connection for every query (SQLAlchemy's NullPool), and a new PostgreSQL connection is a new server
    process; through PgBouncer it is a socket to an already running one."""
    binary = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
    if not Path(binary).exists():
        sys.exit("PgBouncer tidak terpasang: apt-get install pgbouncer (atau jalankan dengan --tanpa-pgbouncer)")
    folder = root / "pgbouncer"
    folder.mkdir()
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    (folder / "userlist.txt").write_text('"postgres" ""\n')
    (folder / "pgbouncer.ini").write_text(f"""[databases]
lkjip = host=127.0.0.1 port={pg_port} dbname=lkjip user=postgres

[pgbouncer]
listen_addr = 127.0.0.1
listen_port = {port}
unix_socket_dir =
auth_type = trust
auth_file = {folder / "userlist.txt"}
pool_mode = session
max_client_conn = 1000
default_pool_size = 40
logfile = {folder / "pgbouncer.log"}
pidfile = {folder / "pgbouncer.pid"}
""")
    if os.geteuid() == 0:
        shutil.chown(folder, "postgres")
        for f in folder.iterdir():
            shutil.chown(f, "postgres")
    as_postgres([binary, "-d", str(folder / "pgbouncer.ini")])
    time.sleep(1)

    def stop() -> None:
        pid = folder / "pgbouncer.pid"
        if pid.exists():
            with contextlib.suppress(ProcessLookupError, ValueError):
                os.kill(int(pid.read_text().strip()), signal.SIGTERM)
    return port, stop


def dagster_home(home: Path, cores: int) -> None:
    text = (ROOT / "deploy" / "dagster.yaml").read_text(encoding="utf-8")
    text = text.replace("max_concurrent_runs: 2", f"max_concurrent_runs: {cores}")
    home.mkdir(parents=True)
    (home / "dagster.yaml").write_text(text, encoding="utf-8")


def wait_for_runs(instance, backfill_id: str, expected: int, started: float) -> dict[str, int]:
    import dagster as dg
    from dagster._core.storage.dagster_run import FINISHED_STATUSES

    last = ""
    while True:
        runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id}))
        ended = [r for r in runs if r.status in FINISHED_STATUSES]
        line = f"  {len(ended)}/{expected} run selesai ({time.perf_counter() - started:.0f} s)"
        if line.split(" (")[0] != last:
            print(line, flush=True)
            last = line.split(" (")[0]
        if len(ended) >= expected:
            counts: dict[str, int] = {}
            for r in runs:
                counts[r.status.value] = counts.get(r.status.value, 0) + 1
            return counts
        time.sleep(5)


def failures(instance, backfill_id: str) -> list[str]:
    import dagster as dg

    lines = []
    for run in instance.get_runs(filters=dg.RunsFilter(tags={"dagster/backfill": backfill_id},
                                                       statuses=[dg.DagsterRunStatus.FAILURE])):
        reason = "run gagal"
        for record in instance.all_logs(run.run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
            error = record.dagster_event.step_failure_data.error if record.dagster_event else None
            while error is not None and error.cause is not None:  # the user code's own error, not Dagster's wrapper
                error = error.cause
            if error:
                reason = (error.message or "").strip().splitlines()[-1][:300]
                break
        lines.append(f"{run.tags.get('dagster/partition')}: {reason}")
    return lines


def backfill(env: dict, instance, job: str, keys: list[str]) -> str:
    """Ask for a backfill of ``job`` over ``keys`` as an operator would (``dagster job backfill``); its id."""
    out = subprocess.run([DAGSTER, "job", "backfill", "-m", "pipeline.definitions", "-j", job,
                          "--partitions", ",".join(keys), "--noprompt"],
                         env=env, cwd=ROOT, capture_output=True, text=True, timeout=600)
    if out.returncode != 0:
        sys.exit(f"dagster job backfill gagal:\n{out.stdout[-2000:]}\n{out.stderr[-2000:]}")
    return instance.get_backfills(limit=1)[0].backfill_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--opd", type=int, default=40)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--tanpa-pgbouncer", action="store_true", help="Dagster langsung ke PostgreSQL")
    args = parser.parse_args(argv)
    cores = os.cpu_count() or 1
    inputs = pemda_folder(args.opd, args.months)
    opds = sorted(p.name for p in inputs.iterdir() if p.is_dir() and p.name != "pemda")
    months = [f"{YEAR}-{m:02d}" for m in range(1, args.months + 1)]
    root = Path(tempfile.mkdtemp(prefix="lkjip-bench-year-"))
    try:
        port, stop_postgres = start_postgres(root, "lkjip")
    except FileNotFoundError as exc:  # no PostgreSQL installed
        sys.exit(str(exc))
    stop_bouncer = None
    daemon = None
    try:
        if not args.tanpa_pgbouncer:
            port, stop_bouncer = start_pgbouncer(root, port)
        home = root / "home"
        dagster_home(home, cores)
        outputs = root / "outputs"
        outputs.mkdir()
        env = dict(os.environ, DAGSTER_HOME=str(home), **dagster_pg_env(port, "lkjip"),
                   LKJIP_INPUTS=str(inputs), LKJIP_OUTPUTS=str(outputs))
        os.environ.update(env)
        import dagster as dg

        from pipeline.definitions import defs
        from pipeline.defs.partitions import ensure_offices

        instance = dg.DagsterInstance.get()
        ensure_offices(instance, opds)
        repo = defs().get_repository_def()
        for name in [s.name for s in repo.sensor_defs] + [s.name for s in repo.schedule_defs]:
            kind = "sensor" if name in {s.name for s in repo.sensor_defs} else "schedule"
            subprocess.run([DAGSTER, kind, "stop", "-m", "pipeline.definitions", name], env=env, cwd=ROOT,
                           capture_output=True, text=True, timeout=300, check=True)
        log = open(root / "daemon.log", "ab")
        daemon = subprocess.Popen([DAEMON, "run", "-m", "pipeline.definitions"], env=env, cwd=ROOT,
                                  stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        keys = [f"{month}|{opd}" for opd in opds for month in months]
        print(f"{len(opds)} OPD x {len(months)} bulan = {len(keys)} OPD-bulan; {cores} core, "
              f"paling banyak {cores} run sekaligus; PostgreSQL"
              f"{'' if args.tanpa_pgbouncer else ' lewat PgBouncer'}", flush=True)
        started = time.perf_counter()
        opd_backfill = backfill(env, instance, "laporan_bulanan", keys)
        counts = wait_for_runs(instance, opd_backfill, len(keys), started)
        opd_seconds = time.perf_counter() - started
        rekap_started = time.perf_counter()
        rekap_backfill = backfill(env, instance, "rekap_pemda_bulanan", months)
        rekap_counts = wait_for_runs(instance, rekap_backfill, len(months), rekap_started)
        rekap_seconds = time.perf_counter() - rekap_started
        print()
        print(f"{'backfill':<28} {'runs':>6} {'wall':>10} {'per run':>9} {'runs/min':>9}  status")
        print(f"{'OPD-months (laporan_bulanan)':<28} {len(keys):>6} {opd_seconds:9.0f}s "
              f"{opd_seconds / len(keys):8.1f}s {len(keys) / opd_seconds * 60:9.1f}  {counts}")
        print(f"{'rekap (rekap_pemda_bulanan)':<28} {len(months):>6} {rekap_seconds:9.0f}s "
              f"{rekap_seconds / len(months):8.1f}s {len(months) / rekap_seconds * 60:9.1f}  {rekap_counts}")
        for line in failures(instance, opd_backfill) + failures(instance, rekap_backfill):
            print("  gagal:", line)
        made = sum(1 for _ in outputs.glob("*/*/laporan-kinerja-*.xlsx"))
        print(f"workbook OPD yang ditulis: {made} (dari {len(keys)}); rekap: "
              f"{sum(1 for _ in outputs.glob('pemda/*/rekap-pemda-*.xlsx'))} (dari {len(months)})")
    finally:
        if daemon is not None and daemon.poll() is None:
            os.killpg(daemon.pid, signal.SIGTERM)
            try:
                daemon.wait(timeout=60)
            except subprocess.TimeoutExpired:
                os.killpg(daemon.pid, signal.SIGKILL)
        if stop_bouncer is not None:
            stop_bouncer()
        stop_postgres()
        shutil.rmtree(root, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
