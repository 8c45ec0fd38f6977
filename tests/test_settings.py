"""One settings object: given > environment > defaults, and the resource configured with dg.EnvVar."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from pipeline import settings
from pipeline.defs.resources import LkjipConfig


def test_given_beats_environment_beats_default(tmp_path):
    env = {"LKJIP_INPUTS": str(tmp_path / "env-in"), "LKJIP_DEADLINE_DAY": "15", "LKJIP_EXPECTATIONS_ENGINE": "GX"}
    assert settings.resolve({}) == settings.Settings()
    got = settings.resolve(env)
    assert (got.inputs, got.deadline_day, got.expectations_engine) == (tmp_path / "env-in", 15, "gx")
    assert got.outputs == settings.PROJECT_ROOT / "outputs"
    given = settings.resolve(env, inputs=tmp_path / "cli-in", deadline_day=None)
    assert (given.inputs, given.deadline_day) == (tmp_path / "cli-in", 15)


@pytest.mark.parametrize("name, value", [("LKJIP_DEADLINE_DAY", "32"), ("LKJIP_DEADLINE_DAY", "sepuluh"),
                                         ("LKJIP_EXPECTATIONS_ENGINE", "pandas"), ("LKJIP_READ_TIMEOUT", "0")])
def test_impossible_values_are_refused_with_the_variable_named(name, value):
    with pytest.raises(settings.SettingError, match=name):
        settings.resolve({name: value})


def test_referensi_day_beats_the_settings_day():
    assert settings.effective_deadline_day(5, settings.resolve({"LKJIP_DEADLINE_DAY": "15"})) == 5
    assert settings.effective_deadline_day(None, settings.resolve({"LKJIP_DEADLINE_DAY": "15"})) == 15
    assert settings.effective_deadline_day(None, settings.resolve({})) == 10


def test_settings_are_passed_to_the_intake_not_taken_from_the_environment(tmp_path, monkeypatch):
    from openpyxl import Workbook

    from pipeline.intake import sandbox, workbook
    from pipeline.intake.loading import open_sources

    book = tmp_path / "referensi" / "master.xlsx"
    book.parent.mkdir()
    Workbook().save(book)
    monkeypatch.setenv("LKJIP_READ_TIMEOUT", "99")
    monkeypatch.setenv("LKJIP_READ_MEMORY", str(2 << 30))
    chosen = settings.resolve({}, read_timeout_seconds=7, read_memory_bytes=900 << 20)
    seen = []
    real = workbook.run_child
    monkeypatch.setattr(workbook, "run_child", lambda batch, timeout, memory: seen.append((timeout, memory))
                        or real(batch, timeout, memory))
    [source] = open_sources(tmp_path, "referensi", [book], settings=chosen)
    assert source.readable and source.settings is chosen
    assert seen == [(7, sandbox.memory_limit([book], 900 << 20))]
    assert sandbox.memory_limit([book], 900 << 20) < 2 << 30
    seen.clear()
    open_sources(tmp_path, "referensi", [book])  # no settings given: the environment's
    assert seen == [(99, sandbox.memory_limit([book], 2 << 30))]


def test_the_code_locations_resource_reads_set_variables_through_envvar(monkeypatch, tmp_path):
    monkeypatch.setenv("LKJIP_INPUTS", str(tmp_path))
    monkeypatch.setenv("LKJIP_DEADLINE_DAY", "15")
    monkeypatch.delenv("LKJIP_OUTPUTS", raising=False)
    resource = LkjipConfig.from_environment()
    assert isinstance(resource.inputs_dir, dg.EnvVar) and resource.outputs_dir is None

    seen = {}

    @dg.asset
    def probe(lkjip: LkjipConfig) -> None:
        seen.update(inputs=lkjip.inputs, outputs=lkjip.outputs, day=lkjip.effective_deadline_day(read=False))

    assert dg.materialize([probe], resources={"lkjip": resource}).success
    assert seen == {"inputs": Path(tmp_path), "outputs": settings.PROJECT_ROOT / "outputs", "day": 15}


def test_the_cli_does_not_touch_the_environment(tmp_path, monkeypatch):
    import os

    from pipeline.cli import main

    monkeypatch.delenv("LKJIP_INPUTS", raising=False)
    monkeypatch.delenv("LKJIP_OUTPUTS", raising=False)
    (tmp_path / "inputs" / "referensi").mkdir(parents=True)
    assert main(["run", "--inputs", str(tmp_path / "inputs"), "--outputs", str(tmp_path / "out")]) != 0
    assert "LKJIP_INPUTS" not in os.environ and "LKJIP_OUTPUTS" not in os.environ
