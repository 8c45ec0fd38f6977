"""Every cell of both workbooks and the document's text are the same as the snapshot taken before
the figures were computed once in a typed model (issue 16): the refactoring changed no output.

The snapshots (tests/data/snapshot-*.json) are made by tests/_snapshot.py; regenerate them only
when an output is meant to change, and say so in the commit.
"""

from __future__ import annotations

import json

from _snapshot import OFFICE_PERIOD, OFFICE_SNAPSHOT, SAMPLE_SNAPSHOT, first_difference, snapshot


def test_the_sample_outputs_are_the_snapshot_cell_by_cell(sample_report):
    expected = json.loads(SAMPLE_SNAPSHOT.read_text(encoding="utf-8"))
    found = json.loads(json.dumps(snapshot(sample_report.parent), ensure_ascii=False))
    assert first_difference(expected, found) is None


def test_the_office_outputs_are_the_snapshot_cell_by_cell(tmp_path_factory):
    from _snapshot import _run
    from pipeline.samples import office

    root = tmp_path_factory.mktemp("office-snapshot")
    office.generate_office(root / "inputs")
    _run(root / "inputs", root / "out", OFFICE_PERIOD)
    expected = json.loads(OFFICE_SNAPSHOT.read_text(encoding="utf-8"))
    found = json.loads(json.dumps(snapshot(root / "out" / OFFICE_PERIOD), ensure_ascii=False))
    assert first_difference(expected, found) is None
