"""Every cell of both workbooks and the document's text are the same as the snapshot taken before
the figures were computed once in a typed model (issue 16): the refactoring changed no output.

The snapshots (tests/data/snapshot-*.json) are made by tests/_snapshot.py; regenerate them only
when an output is meant to change, and say so in the commit.  The office sample's snapshot is
compared in tests/e2e/test_e2e_office.py, on that module's own run.
"""

from __future__ import annotations

import json

from _snapshot import SAMPLE_SNAPSHOT, first_difference, snapshot


def test_the_sample_outputs_are_the_snapshot_cell_by_cell(sample_report):
    expected = json.loads(SAMPLE_SNAPSHOT.read_text(encoding="utf-8"))
    found = json.loads(json.dumps(snapshot(sample_report.parent), ensure_ascii=False))
    assert first_difference(expected, found) is None


def test_ringkasan_json_is_the_one_of_before(sample_report):
    """ringkasan.json, now serialised from the figures model, has the keys and values it had when it
    was a hand-written dict (tests/data/ringkasan-sample-2024-12.json, from the run before the model;
    only the moment it was made differs)."""
    expected = json.loads((SAMPLE_SNAPSHOT.parent / "ringkasan-sample-2024-12.json").read_text(encoding="utf-8"))
    found = json.loads((sample_report.parent / "ringkasan.json").read_text(encoding="utf-8"))
    assert found.pop("made_at")
    assert list(found) == list(expected)
    assert first_difference(expected, found) is None
