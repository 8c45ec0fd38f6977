"""``lkjip serve``: everything on one server.

Starts, as child processes, the Dagster UI (``dagster-webserver``) and the
Dagster daemon (``dagster-daemon run``: schedules, sensors, run queue), both
loading ``pipeline.definitions`` with a persistent DAGSTER_HOME, then serves
the planner's download page with uvicorn in this process.  Ctrl+C or SIGTERM
stops the page and then the children (SIGTERM to their process groups, then
SIGKILL if they do not stop within a grace period).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import signal
import subprocess
import sys
import threading
from pathlib import Path

from pipeline import settings
from pipeline.dagster_home import ensure_dagster_home

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
    """The Dagster processes, each in its own process group."""

    def __init__(self) -> None:
        self.procs: dict[str, subprocess.Popen] = {}
        self.stopping = False

    def start(self, commands: dict[str, list[str]], env: dict[str, str], cwd: Path) -> None:
        for name, cmd in commands.items():
            log.info("menjalankan %s: %s", name, " ".join(cmd))
            proc = subprocess.Popen(cmd, env=env, cwd=str(cwd), start_new_session=(os.name == "posix"))
            self.procs[name] = proc
            threading.Thread(target=self._watch, args=(name, proc), daemon=True).start()

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


def serve(
    host: str = "127.0.0.1",
    port: int = 8000,
    dagster_port: int = 3000,
    inputs: Path | str | None = None,
    outputs: Path | str | None = None,
    *,
    project_root: Path | None = None,
) -> None:
    """Run the Dagster UI + daemon as children and the download page in front.

    Listens on 127.0.0.1 unless ``host`` says otherwise (an address other than
    loopback only once an account exists); the Dagster UI always listens on
    127.0.0.1.  Blocks until Ctrl+C
    / SIGTERM and stops the children on the way out.
    """
    import uvicorn

    from pipeline.web.app import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(levelname)s %(message)s")
    root = Path(project_root or settings.PROJECT_ROOT).resolve()
    resolved = settings.resolve(inputs=inputs, outputs=outputs)
    inputs_dir = resolved.inputs.expanduser().resolve()
    outputs_dir = resolved.outputs.expanduser().resolve()
    inputs_dir.mkdir(parents=True, exist_ok=True)
    outputs_dir.mkdir(parents=True, exist_ok=True)
    home = ensure_dagster_home(root)
    from pipeline.web.instance import instance_dir

    instance = instance_dir(root)
    check_can_listen(host, instance)

    env = dict(os.environ)
    env.update(
        DAGSTER_HOME=str(home),
        LKJIP_INPUTS=str(inputs_dir),
        LKJIP_OUTPUTS=str(outputs_dir),
        PYTHONPATH=os.pathsep.join(p for p in (str(root), env.get("PYTHONPATH", "")) if p),
    )

    children = Children()
    previous = None
    if threading.current_thread() is threading.main_thread():
        previous = signal.signal(signal.SIGTERM, _raise_exit)
    try:
        # the Dagster UI (which can run anything) stays on this machine; the page links it for the planner
        children.start(child_commands(DAGSTER_HOST, dagster_port), env, root)
        from pipeline.web.rebuild import GraphQLLauncher

        app = create_app(outputs_dir, dagster_link(DAGSTER_HOST, dagster_port), inputs=inputs_dir, instance=instance,
                         launcher=GraphQLLauncher(DAGSTER_HOST, dagster_port))
        log.info(
            "halaman: http://%s:%s  |  Dagster (hanya di komputer ini): %s  |  DAGSTER_HOME=%s",
            host, port, dagster_link(DAGSTER_HOST, dagster_port), home,
        )
        server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="info"))
        server.run()
    finally:
        children.stop()
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)
