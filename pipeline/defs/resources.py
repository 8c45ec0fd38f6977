"""The ``lkjip`` resource: the settings every asset, schedule and sensor shares.

Each field left unset (None) falls back, through :func:`pipeline.settings.resolve`,
to its environment variable and then to the default.  In the code location
the resource is configured with ``dg.EnvVar`` for every variable that is set
(Dagster reads it when a run is launched or a tick evaluated, and does not show
it in the UI); an unset variable is left out, because a ``dg.EnvVar`` whose
variable is unset is a config error rather than "use the default".  The CLI
passes what it parsed as field values.
"""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg

from pipeline import settings
from pipeline.settings import ENV, Settings

_INT_FIELDS = ("deadline_day", "read_timeout_seconds", "read_memory_bytes")


class LkjipConfig(dg.ConfigurableResource):
    """Where the drop folder and the outputs are, when files are due, how Excel is read and checked."""

    inputs_dir: str | None = None
    outputs_dir: str | None = None
    deadline_day: int | None = None  # the referensi's Batas Pengumpulan wins over it
    read_timeout_seconds: int | None = None
    read_memory_bytes: int | None = None
    expectations_engine: str | None = None
    early_warning_points: float | None = None

    @classmethod
    def from_environment(cls, **given) -> LkjipConfig:
        """The resource of the code location: ``given`` values, else ``dg.EnvVar`` of each set variable."""
        fields = {"inputs_dir": "inputs", "outputs_dir": "outputs", "deadline_day": "deadline_day",
                  "read_timeout_seconds": "read_timeout_seconds", "read_memory_bytes": "read_memory_bytes",
                  "expectations_engine": "expectations_engine"}
        config = {}
        for field, name in fields.items():
            if given.get(field) is not None:
                config[field] = given[field]
            elif os.environ.get(ENV[name], "").strip():
                config[field] = dg.EnvVar.int(ENV[name]) if field in _INT_FIELDS else dg.EnvVar(ENV[name])
        return cls(**config)

    @property
    def settings(self) -> Settings:
        return settings.resolve(
            inputs=self.inputs_dir, outputs=self.outputs_dir, deadline_day=self.deadline_day,
            read_timeout_seconds=self.read_timeout_seconds, read_memory_bytes=self.read_memory_bytes,
            expectations_engine=self.expectations_engine, early_warning_points=self.early_warning_points,
        )

    @property
    def inputs(self) -> Path:
        return self.settings.inputs

    @property
    def outputs(self) -> Path:
        return self.settings.outputs

    def effective_deadline_day(self, referensi_day: int | None = None, *, read: bool = True) -> int:
        """The deadline day in effect: ``referensi_day`` (or, when ``read``, the referensi's own
        ``Batas Pengumpulan`` read through the intake), else this resource's / the environment's day."""
        if referensi_day is None and read:
            from pipeline.intake.referensi import deadline_day_in_effect

            return deadline_day_in_effect(self.inputs, self.settings)
        return settings.effective_deadline_day(referensi_day, self.settings)


@dg.definitions
def resources() -> dg.Definitions:
    return dg.Definitions(resources={"lkjip": LkjipConfig.from_environment()})
