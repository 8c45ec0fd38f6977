"""The runs of the through-the-year tests: one drop folder (year_data.py), three periods."""

from __future__ import annotations

from pathlib import Path

import pytest

from year_data import PERIODS, build_inputs


@pytest.fixture(scope="session")
def year_runs(tmp_path_factory, dagster_home) -> dict[str, Path]:
    """`lkjip run --period P` for the three periods over one drop folder; P -> outputs folder."""
    from pipeline.cli import main

    inputs = build_inputs(tmp_path_factory.mktemp("year_inputs"))
    outputs = tmp_path_factory.mktemp("year_outputs")
    for period in PERIODS:
        assert main(["run", "--inputs", str(inputs), "--outputs", str(outputs), "--period", period]) == 0
    return {"inputs": inputs, "outputs": outputs}
