"""Shared fixtures: an isolated DAGSTER_HOME, and one pipeline run on the bundled inputs."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
GOLDEN_PATH = ROOT / "tests" / "data" / "lkjip-2024.json"  # the figures of the published LKjIP 2024
SAMPLE_INPUTS = ROOT / "inputs"


@pytest.fixture(scope="session", autouse=True)
def dagster_home(tmp_path_factory):
    """Tests never touch the project's persistent .dagster/ folder."""
    home = tmp_path_factory.mktemp("dagster_home")
    old = os.environ.get("DAGSTER_HOME")
    os.environ["DAGSTER_HOME"] = str(home)
    yield home
    if old is None:
        os.environ.pop("DAGSTER_HOME", None)
    else:
        os.environ["DAGSTER_HOME"] = old


@pytest.fixture(scope="session")
def golden() -> dict:
    return json.loads(GOLDEN_PATH.read_text(encoding="utf-8"))


@pytest.fixture(scope="session")
def sample_run_environment() -> dict[str, str]:
    """What the environment says during the session's sample run: a deadline day the sample's referensi
    overrides (its ``Batas Pengumpulan`` is 10), so the one run also shows that the referensi wins."""
    return {"LKJIP_DEADLINE_DAY": "15"}


@pytest.fixture(scope="session")
def sample_report(tmp_path_factory, dagster_home, sample_run_environment) -> Path:
    """`lkjip run` on the bundled sample inputs, once per test session (with ``sample_run_environment``)."""
    from pipeline.cli import main

    outputs = tmp_path_factory.mktemp("outputs")
    old = {name: os.environ.get(name) for name in sample_run_environment}
    os.environ.update(sample_run_environment)
    try:
        assert main(["run", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(outputs)]) == 0
    finally:
        for name, value in old.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    path = outputs / "2024-12" / "laporan-kinerja-2024-12.xlsx"
    assert path.exists()
    return path


# --- filesystems that refuse writes, for the fault tests --------------------------------------
# Tests run as root in CI, and root ignores permission bits: a folder is made read-only with a
# read-only bind mount (or, failing that, the immutable attribute), a full disk is a tiny tmpfs.
# Where neither is allowed the test is skipped with the reason.

import contextlib  # noqa: E402
import subprocess  # noqa: E402


def _quiet(*cmd: str) -> bool:
    try:
        return subprocess.run(list(cmd), capture_output=True, timeout=60).returncode == 0
    except (OSError, subprocess.TimeoutExpired):
        return False


@contextlib.contextmanager
def _read_only(path: Path):
    path = Path(path)
    if _quiet("mount", "--bind", str(path), str(path)):
        if _quiet("mount", "-o", "remount,bind,ro", str(path), str(path)):
            try:
                yield "mount -o ro"
            finally:
                _quiet("umount", str(path))
            return
        _quiet("umount", str(path))
    if _quiet("chattr", "+i", str(path)):
        try:
            yield "chattr +i"
        finally:
            _quiet("chattr", "-i", str(path))
        return
    pytest.skip("tidak dapat membuat folder hanya-baca di mesin ini (mount dan chattr tidak diizinkan)")


@contextlib.contextmanager
def _tiny_disk(path: Path, size: str = "512k"):
    path = Path(path)
    path.mkdir(parents=True, exist_ok=True)
    if not _quiet("mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(path)):
        pytest.skip("tidak dapat memasang tmpfs kecil di mesin ini (mount tidak diizinkan)")
    try:
        yield path
    finally:
        _quiet("umount", "-l", str(path))


@pytest.fixture
def read_only():
    """``with read_only(folder): ...``: writes into ``folder`` fail, even for root."""
    return _read_only


@pytest.fixture
def tiny_disk():
    """``with tiny_disk(folder, "512k"): ...``: ``folder`` is a small filesystem of its own."""
    return _tiny_disk
