"""``lkjip serve``: everything on one server.

Starts, as child processes, the Dagster UI (``dagster-webserver``) and the
Dagster daemon (``dagster-daemon run``: schedules, sensors, run queue), both
loading ``pipeline.definitions`` with a persistent DAGSTER_HOME, then serves
the planner's download page with uvicorn in this process.  Ctrl+C or SIGTERM
stops the page and then the children (SIGTERM to their process groups, then
SIGKILL if they do not stop within a grace period).

The children stop however ``lkjip serve`` stops, ``kill -9`` included: each
asks the kernel for SIGTERM when its parent dies (``PR_SET_PDEATHSIG``), and a
small watchdog process (:mod:`pipeline.web.watchdog`, reading a pipe from this
process) ends their whole process groups, grandchildren included, when the pipe
closes.  The children's groups are recorded in ``<instance>/serve.json``; a
port still held by a group of a ``lkjip serve`` that is gone is reclaimed at
the next start.
"""

from __future__ import annotations

import contextlib
import errno
import logging
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
from pathlib import Path

from pipeline import settings
from pipeline.dagster_home import DagsterHomeError, ensure_dagster_home, open_instance
from pipeline.oserrors import describe
from pipeline.lifetime import die_with_parent
from pipeline.runs import Reaper, reap_dead_runs

log = logging.getLogger("lkjip.serve")

CODE_LOCATION_MODULE = "pipeline.definitions"
STOP_GRACE_SECONDS = 20
DAGSTER_HOST = "127.0.0.1"


def _tool(script: str, module: str) -> list[str]:
    """The console script next to this Python (same venv), else ``python -m``."""
    beside = Path(sys.executable).with_name(script)
    if beside.exists():
        return [str(beside)]
    found = shutil.which(script)
    return [found] if found else [sys.executable, "-m", module]


def child_commands(host: str, dagster_port: int) -> dict[str, list[str]]:
    return {
        "dagster-webserver": _tool("dagster-webserver", "dagster_webserver")
        + ["-m", CODE_LOCATION_MODULE, "-h", host, "-p", str(dagster_port)],
        "dagster-daemon": _tool("dagster-daemon", "dagster._daemon")
        + ["run", "-m", CODE_LOCATION_MODULE],
    }


def dagster_link(host: str, dagster_port: int) -> str:
    """The Dagster UI address for the page; ``{host}`` (the browser's host) when
    listening on all interfaces."""
    if host in ("", "0.0.0.0", "::"):
        return f"http://{{host}}:{dagster_port}"
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{dagster_port}"


class Children:
    """The Dagster processes, each in its own process group, tied to this process's life."""

    def __init__(self, record: Path | None = None) -> None:
        self.procs: dict[str, subprocess.Popen] = {}
        self.stopping = False
        self.record = record
        self.watchdog: subprocess.Popen | None = None

    def start(self, commands: dict[str, list[str]], env: dict[str, str], cwd: Path) -> None:
        posix = os.name == "posix"
        if posix:
            self.watchdog = start_watchdog(env, cwd)
        for name, cmd in commands.items():
            log.info("menjalankan %s: %s", name, " ".join(cmd))
            proc = subprocess.Popen(cmd, env=env, cwd=str(cwd), start_new_session=posix,
                                    preexec_fn=die_with_parent if posix else None)
            self.procs[name] = proc
            if self.watchdog is not None:
                with contextlib.suppress(OSError):
                    self.watchdog.stdin.write(f"{proc.pid}\n".encode())
                    self.watchdog.stdin.flush()
            threading.Thread(target=self._watch, args=(name, proc), daemon=True).start()
        if self.record is not None:
            write_serve_record(self.record, [p.pid for p in self.procs.values()])

    def _watch(self, name: str, proc: subprocess.Popen) -> None:
        code = proc.wait()
        if not self.stopping:
            log.error("%s berhenti sendiri (kode %s); lihat pesan di atas", name, code)

    def _signal(self, proc: subprocess.Popen, sig: int) -> None:
        if proc.poll() is not None:
            return
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            if os.name == "posix":
                os.killpg(proc.pid, sig)  # the child's own group: also its code servers
            else:
                proc.send_signal(sig)

    def stop(self, grace: float = STOP_GRACE_SECONDS) -> None:
        self._stop(grace)
        if self.watchdog is not None:  # nothing left to watch: the watchdog ends on end of file
            with contextlib.suppress(OSError):
                self.watchdog.stdin.close()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.watchdog.wait(timeout=10)
        if self.record is not None:
            with contextlib.suppress(OSError):
                self.record.unlink()

    def _stop(self, grace: float) -> None:
        self.stopping = True
        for proc in self.procs.values():
            self._signal(proc, signal.SIGTERM)
        for name, proc in self.procs.items():
            try:
                proc.wait(timeout=grace)
            except subprocess.TimeoutExpired:
                log.warning("%s tidak berhenti dalam %ss; dihentikan paksa", name, grace)
                self._signal(proc, signal.SIGKILL if os.name == "posix" else signal.SIGTERM)
                with contextlib.suppress(subprocess.TimeoutExpired):
                    proc.wait(timeout=5)


SERVE_RECORD = "serve.json"


def start_watchdog(env: dict[str, str], cwd: Path) -> subprocess.Popen | None:
    """The watchdog process: it reads the children's group ids from a pipe and ends those groups
    when the pipe closes (this process ended, however)."""
    try:
        return subprocess.Popen([sys.executable, "-m", "pipeline.web.watchdog", str(os.getpid())],
                                stdin=subprocess.PIPE, env=env, cwd=str(cwd), start_new_session=True)
    except OSError:
        log.warning("penjaga proses anak tidak dapat dijalankan", exc_info=True)
        return None


def write_serve_record(path: Path, groups: list[int]) -> None:
    import time

    from pipeline.web.instance import write_json

    with contextlib.suppress(OSError):
        write_json(path, {"pid": os.getpid(), "groups": groups, "dibuat": time.time()})


def reclaim_stale(path: Path, grace: float = 10.0) -> list[int]:
    """End the process groups a ``lkjip serve`` that is gone left behind (its record in ``path``);
    returns the groups ended.  Groups of a serve still running are left alone."""
    import json
    import time

    from pipeline.runs import process_alive

    try:
        found = json.loads(Path(path).read_text(encoding="utf-8"))
        pid, groups, made = int(found["pid"]), [int(g) for g in found["groups"]], float(found["dibuat"])
    except (OSError, ValueError, KeyError, TypeError):
        return []
    if process_alive(pid, started_before=made):
        return []
    ended = []
    for group in groups:
        if not process_alive(group, started_before=made):
            continue  # gone, or the pid now belongs to a newer process
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            os.killpg(group, signal.SIGTERM)
            ended.append(group)
    deadline = time.monotonic() + grace
    while ended and time.monotonic() < deadline and any(process_alive(g) for g in ended):
        time.sleep(0.2)
    for group in ended:
        with contextlib.suppress(ProcessLookupError, PermissionError, OSError):
            os.killpg(group, signal.SIGKILL)
    with contextlib.suppress(OSError):
        Path(path).unlink()
    if ended:
        log.warning("proses lama lkjip serve (grup %s) dihentikan; port-nya dipakai lagi", ended)
    return ended


class ServeError(RuntimeError):
    """``lkjip serve`` cannot start; the message is one line (exit status 2)."""


def port_problem(host: str, port: int, what: str) -> str | None:
    """Why ``host:port`` cannot be listened on (not 1..65535, or busy), or None."""
    if not isinstance(port, int) or isinstance(port, bool) or not 1 <= port <= 65535:
        return f"port {what} {port} tidak sah: harus bilangan 1 sampai 65535"
    try:
        infos = socket.getaddrinfo(host or None, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except socket.gaierror as exc:
        return f"alamat {host!r} tidak dikenal ({exc.strerror}); pakai misalnya --host 127.0.0.1 atau 0.0.0.0"
    family, kind, proto, _, address = infos[0]
    with socket.socket(family, kind, proto) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as uvicorn and the webserver do
        try:
            sock.bind(address)
        except OSError as exc:
            if exc.errno == errno.EADDRINUSE:
                return (f"port {what} {port} di {host} sedang dipakai program lain; "
                        f"hentikan program itu atau pilih port lain")
            if exc.errno in (errno.EACCES, errno.EPERM):
                return f"port {what} {port} perlu hak akses khusus; pilih port di atas 1024"
            return f"tidak dapat mendengarkan di {host}:{port} ({exc.strerror})"
    return None


def check_ports(host: str, port: int, dagster_port: int) -> str | None:
    """The first reason the page and the Dagster UI cannot listen where asked, or None."""
    if port == dagster_port:
        return f"--port dan --dagster-port sama ({port}); pilih dua port yang berbeda"
    return port_problem(host, port, "halaman (--port)") or port_problem(DAGSTER_HOST, dagster_port, "Dagster (--dagster-port)")

LOOPBACK_NAMES = {"localhost", "ip6-localhost", "ip6-loopback"}


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; False for 0.0.0.0, :: and any other address or name."""
    import ipaddress

    name = (host or "").strip().strip("[]").lower()
    if name in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


class NoAccountError(SystemExit):
    """``lkjip serve --host <network address>`` with no account yet."""


NO_ACCOUNT_MESSAGE = (
    "lkjip: halaman tidak dibuka ke jaringan ({host}) karena belum ada akun; semua laporan akan terbuka "
    "bagi siapa pun di jaringan. Buat akun perencana dulu: lkjip akun tambah NAMA --peran perencana "
    "(lalu akun bidang: lkjip akun tambah NAMA --peran bidang --bidang \"NAMA BIDANG\"), "
    "atau jalankan tanpa --host untuk memakai halaman di komputer ini saja."
)


def check_can_listen(host: str, instance: Path) -> None:
    """Refuse a non-loopback address while no account exists (the page would be open to the network)."""
    from pipeline.web.accounts import AccountStore

    if not is_loopback(host) and not AccountStore(instance).any():
        raise NoAccountError(NO_ACCOUNT_MESSAGE.format(host=host))


def _raise_exit(signum, frame):  # SIGTERM before/after uvicorn runs: leave via finally
    raise SystemExit(0)


def _register_offices(instance, inputs: Path) -> None:
    """The OPD partition keys (a single office is the OPD "-"), so a run asked from the page or the Dagster UI
    finds its partition before the sensor's first tick."""
    from pipeline.defs.partitions import SINGLE_OFFICE, ensure_offices
    from pipeline.intake.pemda import pemda_layout

    layout = pemda_layout(inputs)
    try:
        ensure_offices(instance, list(layout.opds) if layout else [SINGLE_OFFICE])
    except Exception:  # noqa: BLE001 - the sensor adds them on its first tick
        log.warning("partisi OPD belum dapat didaftarkan; sensor akan mendaftarkannya", exc_info=True)


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    dagster_port: int = 3000,
    inputs: Path | str | None = None,
    outputs: Path | str | None = None,
    *,
    project_root: Path | None = None,
    secure_cookies: bool | None = None,
) -> None:
    """Run the Dagster UI + daemon as children and the download page in front.

    Listens on 127.0.0.1 unless ``host`` says otherwise (an address other than
    loopback only once an account exists); the Dagster UI always listens on
    127.0.0.1.  Blocks until Ctrl+C / SIGTERM and stops the children on the
    way out.  Raises :class:`ServeError` (one line) before any child starts
    when a port is invalid or busy, a folder cannot be made, or DAGSTER_HOME
    cannot be used, and :class:`NoAccountError` for a network address with no
    account yet.
    """
    import uvicorn

    from pipeline.web.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    root = Path(project_root or settings.PROJECT_ROOT).resolve()
    resolved = settings.resolve(inputs=inputs, outputs=outputs)
    inputs_dir = resolved.inputs.expanduser().resolve()
    outputs_dir = resolved.outputs.expanduser().resolve()
    from pipeline.web.instance import instance_dir

    instance_folder = instance_dir(root)
    problem = check_ports(host, port, dagster_port)
    if problem and reclaim_stale(instance_folder / SERVE_RECORD):
        problem = check_ports(host, port, dagster_port)  # our own stale children held it
    if problem:
        raise ServeError(problem)
    for what, folder in (("folder masukan", inputs_dir), ("folder keluaran", outputs_dir)):
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ServeError(describe(what, folder, exc)) from exc
        if not folder.is_dir():
            raise ServeError(f"{what} {folder} bukan folder; pindahkan berkas itu atau pilih folder lain")
    try:
        home = ensure_dagster_home(root)
        instance = open_instance()
    except DagsterHomeError as exc:
        raise ServeError(str(exc)) from exc
    try:
        reap_dead_runs(instance)  # runs killed while nobody watched never block the queue
    except Exception:  # noqa: BLE001 - the periodic check tries again
        log.warning("pemeriksaan run yang mati gagal; dicoba lagi nanti", exc_info=True)
    _register_offices(instance, inputs_dir)
    check_can_listen(host, instance_folder)

    env = dict(os.environ)
    env.update(
        DAGSTER_HOME=str(home),
        LKJIP_INPUTS=str(inputs_dir),
        LKJIP_OUTPUTS=str(outputs_dir),
        PYTHONPATH=os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p),
    )

    children = Children(instance_folder / SERVE_RECORD)
    reaper = Reaper()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _raise_exit)
    try:
        # the Dagster UI (which can run anything) stays on this machine; the page links it for the planner
        children.start(child_commands(DAGSTER_HOST, dagster_port), env, root)
        reaper.start()
        from pipeline.web.rebuild import GraphQLLauncher

        app = create_app(outputs_dir, dagster_link(DAGSTER_HOST, dagster_port), inputs=inputs_dir,
                         instance=instance_folder, launcher=GraphQLLauncher(DAGSTER_HOST, dagster_port),
                         secure_cookies=secure_cookies)
        log.info(
            "halaman: http://%s:%s  |  Dagster (hanya di komputer ini): %s  |  DAGSTER_HOME=%s",
            host, port, dagster_link(DAGSTER_HOST, dagster_port), home,
        )
        server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="info"))
        server.run()
    finally:
        reaper.stop()
        children.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class NoAccountForPage(RuntimeError):
    """``page_app`` refuses to start without any account."""


def page_app():
    """The office's page alone, for a separate process or container
    (``uvicorn --factory pipeline.web.serve:page_app``): inputs and outputs from
    ``LKJIP_INPUTS`` / ``LKJIP_OUTPUTS``, the accounts, sessions, audit log and
    submission states from the instance folder (``LKJIP_INSTANCE``, else
    ``<DAGSTER_HOME>/lkjip``), ``Secure`` cookies with ``LKJIP_SECURE_COOKIES=1``,
    the Dagster UI link from ``LKJIP_DAGSTER_URL`` (default: none, as the UI is
    never published) and rebuilds through ``LKJIP_DAGSTER_GRAPHQL``
    (``host:port`` of the webserver, default ``webserver:3000``).

    It listens wherever uvicorn is told, so it always needs accounts: without
    any it refuses to start (:class:`NoAccountForPage`), and every page but
    ``/masuk`` needs a session.  It does not check runs: in that layout the
    processes of runs live in another container."""
    from pipeline.web.accounts import AccountStore
    from pipeline.web.app import create_app
    from pipeline.web.instance import instance_dir
    from pipeline.web.rebuild import GraphQLLauncher

    folder = instance_dir()
    if not AccountStore(folder).any():
        message = ("lkjip: halaman tidak dijalankan karena belum ada akun di " + str(folder) + "; semua laporan "
                   "akan terbuka bagi siapa pun. Buat akun perencana dulu: lkjip akun tambah NAMA --peran perencana "
                   "(di kontainer: docker compose run --rm page lkjip akun tambah NAMA --peran perencana)")
        print(message, file=sys.stderr)
        raise NoAccountForPage(message)
    resolved = settings.resolve()
    graphql = os.environ.get("LKJIP_DAGSTER_GRAPHQL", "webserver:3000")
    gql_host, _, gql_port = graphql.rpartition(":")
    return create_app(resolved.outputs, os.environ.get("LKJIP_DAGSTER_URL", ""), inputs=resolved.inputs,
                      instance=folder, launcher=GraphQLLauncher(gql_host or "webserver", int(gql_port or 3000)),
                      require_accounts=True)
