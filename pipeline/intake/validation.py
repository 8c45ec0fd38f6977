"""Run the Great Expectations suites of ``expectations/`` on a cast table.

One suite per input table, kept as JSON so a planner's IT staff can read and
extend the rules without touching Python.  ``dagster-ge`` does not support
GX 1.x, so suites run in-process in an ephemeral GX context.  Each failing
value becomes one :class:`~pipeline.problems.Problem` at its Excel cell: the
pandas index handed to GX *is* the Excel row number.

Each expectation's ``meta`` says which rule it enforces (a key of
``pipeline.problems.RULES``) and its severity.

Speed: importing GX takes about 5 s and one GX validation of a large frame
several more, which would dominate both ``lkjip validate`` on one file and a
national-size ODK export.  So the four expectation types the suites use
(``expect_column_values_to_not_be_null``, ``..._to_be_in_set``,
``..._to_be_between``, ``..._to_match_regex``) are evaluated natively on the
polars frame with GX's own semantics (nulls and NaN ignored except by the
not-null rule, inclusive bounds unless ``strict_min``/``strict_max``, the
regex searched with Python's ``re.search``, which is what GX's pandas call gives).
Any other expectation, keyword or column type goes through GX exactly as
before, and ``LKJIP_EXPECTATIONS_ENGINE=gx`` sends every expectation through
GX.  ``tests/intake/test_validation.py`` checks that both give the same
problems, in the same order.
"""

from __future__ import annotations

import json
import logging
import os
import threading
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import polars as pl

from pipeline.intake.sheets import ROW, Located
from pipeline.problems import RULES, Problem, problem
from pipeline import settings
from pipeline.settings import PROJECT_ROOT

EXPECTATIONS_DIR = PROJECT_ROOT / "expectations"
ENGINE_ENV = settings.ENV["expectations_engine"]  # "gx": every expectation through Great Expectations


def load_suite_json(name: str, directory: Path = EXPECTATIONS_DIR) -> dict:
    return json.loads((directory / f"{name}.json").read_text(encoding="utf-8"))


_gx_lock = threading.Lock()


@cache
def _batch_definition():
    with _gx_lock:  # a background warm-up and the first validation may race
        os.environ.setdefault("TQDM_DISABLE", "1")  # no progress bars in a batch job's log
        import great_expectations as gx  # slow import: only when something is validated by GX

        logging.getLogger("great_expectations").setLevel(logging.ERROR)
        context = gx.get_context(mode="ephemeral")
        context.variables.progress_bars = {"globally": False, "metric_calculations": False}
        source = context.data_sources.add_pandas("lkjip")
        return source.add_dataframe_asset("tabel").add_batch_definition_whole_dataframe("semua")


def _gx_suite(name: str, expectations: list[dict]):
    import great_expectations as gx

    return gx.ExpectationSuite(name=name, expectations=expectations)


@cache
def _spec(name: str, directory: Path) -> dict:
    return load_suite_json(name, directory)


RESULT_FORMAT = {
    "result_format": "COMPLETE",
    "partial_unexpected_count": 0,
    "include_unexpected_rows": False,
    "return_unexpected_index_query": False,
}


@dataclass
class _Outcome:
    """One expectation's failing values: what :func:`validate` turns into problems."""

    type: str
    kwargs: dict
    meta: dict
    rows: list = field(default_factory=list)
    values: list = field(default_factory=list)




def validate(loc: Located, frame: pl.DataFrame, directory: Path = EXPECTATIONS_DIR, *,
             engine: str | None = None) -> tuple[list[Problem], set[int]]:
    """Problems for every failing value, and the Excel rows rejected by ``Error`` rules.

    ``engine``: the setting ``expectations_engine`` ("gx": every expectation through Great
    Expectations; left out: as the environment gives it)."""
    if frame.height == 0:
        return [], set()
    spec = _spec(loc.table.name, directory)
    expectations = spec["expectations"]
    force_gx = (engine or settings.resolve().expectations_engine) == "gx"
    native: dict[int, _Outcome | None] = {}
    rest: list[int] = []
    for i, exp in enumerate(expectations):
        outcome = None if force_gx else _native(exp, frame)
        if outcome is _UNSUPPORTED or outcome is None:
            rest.append(i)
        else:
            native[i] = outcome
    failed: dict[int, _Outcome] = {i: o for i, o in native.items() if o.rows}
    if rest:
        failed.update(_run_gx(spec["name"], [expectations[i] for i in rest], rest, loc, frame))
    # GX reports in suite order; so do we
    return _problems(loc, [failed[i] for i in sorted(failed)])


def _run_gx(name: str, expectations: list[dict], positions: list[int], loc: Located,
            frame: pl.DataFrame) -> dict[int, _Outcome]:
    columns = [c for c in frame.columns if c != ROW]
    pdf = frame.select(columns).to_pandas(use_pyarrow_extension_array=False)
    pdf.index = frame[ROW].to_list()
    batch = _batch_definition().get_batch(batch_parameters={"dataframe": pdf})
    outcome = batch.validate(_gx_suite(name, expectations), result_format=RESULT_FORMAT)
    if len(outcome.results) != len(expectations):  # pragma: no cover - GX drops nothing we know of
        raise RuntimeError(f"GX memberi {len(outcome.results)} hasil untuk {len(expectations)} aturan {name}")
    out: dict[int, _Outcome] = {}
    for position, result in zip(positions, _in_suite_order(outcome.results, expectations), strict=True):
        if result.success:
            continue
        config = result.expectation_config
        if result.exception_info and result.exception_info.get("raised_exception"):
            raise RuntimeError(f"aturan {config.type} pada {loc.table.name} gagal dijalankan: "
                               f"{result.exception_info.get('exception_message')}")
        rows = result.result.get("unexpected_index_list") or []
        values = result.result.get("unexpected_list") or [None] * len(rows)
        out[position] = _Outcome(config.type, dict(config.kwargs), dict(config.meta or {}), list(rows), list(values))
    return out


def _in_suite_order(results, expectations: list[dict]) -> list:
    """GX's results matched back to the suite's expectations (by type and kwargs)."""
    remaining = list(results)
    ordered = []
    for exp in expectations:
        for k, result in enumerate(remaining):
            config = result.expectation_config
            if config.type == exp["type"] and all(config.kwargs.get(key) == value for key, value in exp["kwargs"].items()):
                ordered.append(remaining.pop(k))
                break
        else:
            ordered.append(remaining.pop(0))
    return ordered


def _problems(loc: Located, outcomes: list[_Outcome]) -> tuple[list[Problem], set[int]]:
    problems: list[Problem] = []
    rejected: set[int] = set()
    names = {f.name for f in loc.table.fields}
    for o in outcomes:
        column = o.kwargs.get("column", "")
        rule = o.meta.get("rule", "expectation_failed")
        severity = o.meta.get("severity") or RULES.get(rule, ("Error",))[0]
        field_ = loc.table.field(column) if column and column in names else None
        label = field_.label if field_ else column
        expected = ", ".join(o.kwargs.get("value_set", []) or [])
        for row, value in zip(o.rows, o.values, strict=False):
            problems.append(problem(
                rule, file=loc.file, sheet=loc.sheet, **loc.at(int(row), column), column=label,
                value=_shown(value), severity=severity, expected=expected, reason=o.meta.get("reason", ""),
                message=o.meta.get("message", ""),
            ))
            if severity == "Error":
                rejected.add(int(row))
    return problems, rejected


# --- the native evaluation -------------------------------------------------------------

_UNSUPPORTED = object()
_KWARGS = {
    "expect_column_values_to_not_be_null": {"column"},
    "expect_column_values_to_be_in_set": {"column", "value_set"},
    "expect_column_values_to_be_between": {"column", "min_value", "max_value", "strict_min", "strict_max"},
    "expect_column_values_to_match_regex": {"column", "regex"},
}


def _native(exp: dict, frame: pl.DataFrame):
    """The failing rows and values of one expectation, or ``_UNSUPPORTED`` (GX decides)."""
    kind = exp.get("type")
    kwargs = exp.get("kwargs") or {}
    if kind not in _KWARGS or not set(kwargs) <= _KWARGS[kind] or kwargs.get("column") not in frame.columns:
        return _UNSUPPORTED
    column = kwargs["column"]
    if column == ROW:
        return _UNSUPPORTED
    series = frame[column]
    dtype = series.dtype
    missing = series.is_null()
    if dtype.is_float():
        missing = missing | series.is_nan().fill_null(True)
    if kind == "expect_column_values_to_not_be_null":
        bad = missing
    elif kind == "expect_column_values_to_be_in_set":
        value_set = kwargs.get("value_set")
        if value_set is None:
            return _Outcome(kind, kwargs, exp.get("meta") or {})
        if dtype != pl.String or not all(isinstance(v, str) for v in value_set):
            return _UNSUPPORTED
        bad = ~missing & ~series.is_in(list(value_set)).fill_null(False)
    elif kind == "expect_column_values_to_be_between":
        low, high = kwargs.get("min_value"), kwargs.get("max_value")
        numeric = lambda v: v is None or (isinstance(v, (int, float)) and not isinstance(v, bool))  # noqa: E731
        if not (dtype.is_integer() or dtype.is_float()) or not numeric(low) or not numeric(high):
            return _UNSUPPORTED
        if (low is None and high is None) or (low is not None and high is not None and low > high):
            return _UNSUPPORTED  # GX raises its own error
        inside = pl.lit(True)
        if low is not None:
            inside = inside & (pl.col(column) > low if kwargs.get("strict_min") else pl.col(column) >= low)
        if high is not None:
            inside = inside & (pl.col(column) < high if kwargs.get("strict_max") else pl.col(column) <= high)
        bad = ~missing & ~frame.select(inside.fill_null(False)).to_series()
    else:  # match_regex
        if dtype != pl.String or not isinstance(kwargs.get("regex"), str):
            return _UNSUPPORTED
        bad = ~missing & ~_regex_found(series, kwargs["regex"], missing)
    if not bad.any():
        return _Outcome(kind, kwargs, exp.get("meta") or {})
    return _Outcome(kind, kwargs, exp.get("meta") or {}, frame[ROW].filter(bad).to_list(), series.filter(bad).to_list())


def _regex_found(series: pl.Series, regex: str, missing: pl.Series) -> pl.Series:
    """``True`` where the value contains ``regex``.

    GX runs pandas' ``astype(str).str.contains(regex)``, which gives Python's
    ``re.search`` results (pandas falls back to ``re`` wherever pyarrow's RE2
    could differ); so this is ``re.search``, once per distinct value.
    """
    import re

    search = re.compile(regex).search
    distinct = series.filter(~missing).unique()
    if distinct.len() == 0:
        return pl.Series([False] * len(series), dtype=pl.Boolean)
    found = {value: search(value) is not None for value in distinct.to_list()}
    return series.replace_strict(found, default=False, return_dtype=pl.Boolean).fill_null(False)


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
