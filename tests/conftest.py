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
def sample_report(tmp_path_factory, dagster_home) -> Path:
    """`lkjip run` on the bundled sample inputs, once per test session."""
    from pipeline.cli import main

    outputs = tmp_path_factory.mktemp("outputs")
    assert main(["run", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(outputs)]) == 0
    path = outputs / "2024-12" / "laporan-kinerja-2024-12.xlsx"
    assert path.exists()
    return path
