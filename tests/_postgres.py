"""A throw-away PostgreSQL server from Debian's ``postgresql`` package, for the PostgreSQL test and the
year's backfill benchmark (``benchmarks/pemda_year.py``): a cluster in a folder of its own, run as the
``postgres`` user (initdb and postgres refuse root), on a free port of 127.0.0.1, trust authentication,
one database."""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
from collections.abc import Callable
from pathlib import Path


def postgres_bindir() -> Path | None:
    """The newest installed PostgreSQL's programs, or None when none is installed."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
    return Path(found[-1]).parent if found else None


def as_postgres(cmd: list[str]) -> subprocess.CompletedProcess:
    if os.geteuid() == 0:  # initdb and postgres refuse to run as root
        cmd = ["runuser", "-u", "postgres", "--", *cmd]
    return subprocess.run(cmd, check=True, capture_output=True, text=True, timeout=300)


def start_postgres(root: Path, database: str) -> tuple[int, Callable[[], None]]:
    """Start a server with its cluster under ``root`` (a folder the postgres user can reach, outside any
    0700 one) holding ``database``; returns its port and the function that stops it."""
    bindir = postgres_bindir()
    if bindir is None:
        raise FileNotFoundError("PostgreSQL tidak terpasang: apt-get install postgresql")
    os.chmod(root, 0o755)
    data, sockets = root / "data", root / "sockets"
    sockets.mkdir()
    if os.geteuid() == 0:
        shutil.chown(root, "postgres")
        shutil.chown(sockets, "postgres")
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    as_postgres([str(bindir / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust", "-E", "UTF8"])
    as_postgres([str(bindir / "pg_ctl"), "-D", str(data), "-l", str(root / "server.log"), "-w", "-t", "120",
                 "-o", f"-p {port} -k {sockets} -c listen_addresses=127.0.0.1", "start"])

    def stop() -> None:
        subprocess.run(["runuser", "-u", "postgres", "--"] * (os.geteuid() == 0)
                       + [str(bindir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop"],
                       capture_output=True, timeout=120)

    try:
        create_database(port, database)
    except BaseException:
        stop()
        raise
    return port, stop


def create_database(port: int, database: str) -> None:
    """One more database on the server of :func:`start_postgres`."""
    as_postgres([str(postgres_bindir() / "createdb"), "-h", "127.0.0.1", "-p", str(port), "-U", "postgres", database])


def dagster_pg_env(port: int, database: str) -> dict[str, str]:
    """The environment ``deploy/dagster.yaml`` reads, naming ``database`` on that server."""
    return {"DAGSTER_PG_USERNAME": "postgres", "DAGSTER_PG_PASSWORD": "", "DAGSTER_PG_HOST": "127.0.0.1",
            "DAGSTER_PG_PORT": str(port), "DAGSTER_PG_DB": database}
