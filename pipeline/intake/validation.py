"""Run the Great Expectations suites of ``expectations/`` on a cast table.

One suite per input table, kept as JSON so a planner's IT staff can read and
extend the rules without touching Python.  ``dagster-ge`` does not support
GX 1.x, so suites run in-process in an ephemeral GX context.  Each failing
value becomes one :class:`~pipeline.problems.Problem` at its Excel cell: the
pandas index handed to GX *is* the Excel row number.

Each expectation's ``meta`` says which rule it enforces (a key of
``pipeline.problems.RULES``) and its severity.
"""

from __future__ import annotations

import json
import logging
import os
from functools import cache
from pathlib import Path

import polars as pl

from pipeline.intake.sheets import ROW, Located
from pipeline.problems import RULES, Problem, problem
from pipeline.settings import PROJECT_ROOT

EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"


def load_suite_json(name: str, directory: Path = EXPECTATIONS_DIR) -> dict:
    return json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))


@cache
def _batch_definition():
    os.environ.setdefault("TQDM_DISABLE", "1")  # no progress bars in a batch job's log
    import great_expectations as gx  # slow import: only when something is validated

    logging.getLogger("great_expectations").setLevel(logging.ERROR)
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = {"globally": False, "metric_calculations": False}
    source = context.data_sources.add_pandas("lkjip")
    return source.add_dataframe_asset("tabel").add_batch_definition_whole_dataframe("semua")


@cache
def _suite(name: str, directory: Path):
    import great_expectations as gx

    spec = load_suite_json(name, directory)
    return gx.ExpectationSuite(name=spec["name"], expectations=spec["expectations"])


RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}


def validate(loc: Located, frame: pl.DataFrame, directory: Path = EXPECTATIONS_DIR) -> tuple[list[Problem], set[int]]:
    """Problems for every failing value, and the Excel rows rejected by ``Error`` rules."""
    if frame.height == 0:
        return [], set()
    suite = _suite(loc.table.name, directory)
    columns = [c for c in frame.columns if c != ROW]
    pdf = frame.select(columns).to_pandas(use_pyarrow_extension_array=False)
    pdf.index = frame[ROW].to_list()
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": pdf})
    outcome = batch.validate(suite, result_format=RESULT_FORMAT)

    problems: list[Problem] = []
    rejected: set[int] = set()
    for result in outcome.results:
        if result.success:
            continue
        config = result.expectation_config
        column = config.kwargs.get("column", "")
        meta = config.meta or {}
        rule = meta.get("rule", "expectation_failed")
        severity = meta.get("severity") or RULES.get(rule, ("Error",))[0]
        rows = result.result.get("unexpected_index_list") or []
        values = result.result.get("unexpected_list") or [None] * len(rows)
        if result.exception_info and result.exception_info.get("raised_exception"):
            raise RuntimeError(f"aturan {config.type} pada {loc.table.name} gagal dijalankan: "
                               f"{result.exception_info.get('exception_message')}")
        field = loc.table.field(column) if column and column in {f.name for f in loc.table.fields} else None
        label = field.label if field else column
        expected = ", ".join(config.kwargs.get("value_set", []) or [])
        for row, value in zip(rows, values, strict=False):
            shown = _shown(value)
            problems.append(problem(
                rule, file=loc.file, sheet=loc.sheet, cell=loc.cell(int(row), column), column=label,
                value=shown, severity=severity, expected=expected, reason=meta.get("reason", ""),
                message=meta.get("message", ""),
            ))
            if severity == "Error":
                rejected.add(int(row))
    return problems, rejected


def _shown(value) -> str:
    if value is None:
        return ""
    try:
        if value != value:  # NaN from pandas for a missing value
            return ""
    except TypeError:
        pass
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
