"""The folders and settings every asset, schedule and sensor shares."""

from __future__ import annotations

from pathlib import Path

import dagster as dg

from pipeline import settings


class LkjipConfig(dg.ConfigurableResource):
    """Where the drop folder and the outputs are, and when files are due."""

    inputs_dir: str = str(settings.DEFAULT_INPUTS)
    outputs_dir: str = str(settings.DEFAULT_OUTPUTS)
    deadline_day: int = settings.DEFAULT_DEADLINE_DAY

    @property
    def inputs(self) -> Path:
        return Path(self.inputs_dir)

    @property
    def outputs(self) -> Path:
        return Path(self.outputs_dir)


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"lkjip": LkjipConfig()})
