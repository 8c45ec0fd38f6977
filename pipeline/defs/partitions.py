"""Partitions: one run per office (OPD) and month.

The report's assets are partitioned two ways (:data:`report_partitions`): the month
(``bulan``, monthly partitions in Bali's time) and the office (``opd``, dynamic
partitions: the folder name of an OPD of a whole Pemda, added by the sensor when the
folder appears).  A drop folder laid out as a single office is the one OPD
:data:`SINGLE_OFFICE` (``"-"``): its inputs are the drop folder itself and its
outputs ``<outputs>/<YYYY-MM>/``, exactly as before; an OPD ``<opd>`` of a Pemda reads
``<inputs>/<opd>/`` and writes ``<outputs>/<opd>/<YYYY-MM>/``.

Every asset learns its month and office from :func:`slot_of` (one helper, one line per
asset) and the folders of its office from :func:`office_config`.  The Pemda's own
consolidation (``defs/pemda``) is partitioned by month only (:data:`monthly_partitions`).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import dagster as dg

from pipeline.domain.periods import PARTITION_FMT, TIMEZONE, Period, partition_key as month_key, period_of_partition_key

MONTH_DIMENSION = "bulan"
OPD_DIMENSION = "opd"
SINGLE_OFFICE = "-"  # the OPD key of a drop folder laid out as one office

# Realisation is cumulative from January, so every month's report stands alone
# and any earlier month can be re-run (backfilled).  end_offset=1 includes the
# current month, so a bidang's early file can be checked before the month ends.
monthly_partitions = dg.MonthlyPartitionsDefinition(
    start_date="2020-01",
    fmt=PARTITION_FMT,  # partition keys are periods: "2024-12" (pipeline.domain.periods.partition_key)
    timezone=TIMEZONE,
    end_offset=1,
)

opd_partitions = dg.DynamicPartitionsDefinition(name=OPD_DIMENSION)

# one run per OPD-month: re-run and backfill per office and month
report_partitions = dg.MultiPartitionsDefinition({MONTH_DIMENSION: monthly_partitions, OPD_DIMENSION: opd_partitions})


@dataclass(frozen=True)
class Slot:
    """The month and office of a run."""

    period: Period
    opd: str = SINGLE_OFFICE

    @property
    def single_office(self) -> bool:
        return self.opd == SINGLE_OFFICE

    def inputs(self, root: Path) -> Path:
        """The office's drop folder under the deployment's ``root``."""
        return Path(root) if self.single_office else Path(root) / self.opd

    def outputs(self, root: Path) -> Path:
        """The office's outputs folder (its months are ``<that>/<YYYY-MM>/``)."""
        return Path(root) if self.single_office else Path(root) / self.opd

    @property
    def key(self) -> dg.MultiPartitionKey:
        return partition_key(self.period, self.opd)


def partition_key(period: Period | str, opd: str = SINGLE_OFFICE) -> dg.MultiPartitionKey:
    """The :data:`report_partitions` key of an office's month."""
    return dg.MultiPartitionKey({MONTH_DIMENSION: month_key(period), OPD_DIMENSION: opd})


def slot_of_key(key: str | dg.MultiPartitionKey) -> Slot:
    """The month and office of a partition key: an OPD-month key, or a month key (the Pemda's own assets)."""
    if isinstance(key, dg.MultiPartitionKey):
        parts = key.keys_by_dimension
    elif "|" in str(key):  # the string form of a multi key: dimensions in name order ("bulan|opd")
        month, opd = str(key).split("|", 1)
        parts = {MONTH_DIMENSION: month, OPD_DIMENSION: opd}
    else:
        return Slot(period_of_partition_key(str(key)))
    return Slot(period_of_partition_key(parts[MONTH_DIMENSION]), parts[OPD_DIMENSION])


def slot_of(context) -> Slot:
    """The month and office of an asset's (or a run's) context."""
    return slot_of_key(context.partition_key)


def period_of(context) -> Period:
    return slot_of(context).period


def office_config(context, lkjip):
    """The ``lkjip`` resource of the context's office: its own inputs and outputs folders."""
    slot = slot_of(context)
    if slot.single_office:
        return lkjip
    values = {name: getattr(lkjip, name) for name in type(lkjip).model_fields}
    values.update(inputs_dir=str(slot.inputs(lkjip.inputs)), outputs_dir=str(slot.outputs(lkjip.outputs)))
    return type(lkjip)(**values)


def ensure_offices(instance: dg.DagsterInstance, opds: list[str]) -> None:
    """Add the OPD keys the instance does not know yet (a sensor uses its own request instead)."""
    known = set(instance.get_dynamic_partitions(OPD_DIMENSION))
    missing = [o for o in opds if o not in known]
    if missing:
        instance.add_dynamic_partitions(OPD_DIMENSION, missing)
