"""The monthly schedule gives the quarters' E.81: every quarter-end month gets its run, tagged."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipeline.defs.automation.schedules import laporan_bulanan_terjadwal, period_of, scheduled_request
from pipeline.defs.resources import LkjipConfig

WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture(autouse=True)
def _no_env_deadline(monkeypatch):
    monkeypatch.delenv("LKJIP_DEADLINE_DAY", raising=False)


def test_every_month_of_a_year_is_run_once_and_quarter_ends_are_tagged():
    # every day from 2025-01-01 to 2026-01-31, as the schedule's tick decides it (deadline day 10)
    requests = []
    day = datetime(2025, 1, 1, 7, 0, tzinfo=WITA)
    while not (day.year == 2026 and day.month == 2):
        result = scheduled_request(day, 10)
        if isinstance(result, dg.RunRequest):
            requests.append(result)
        day = day.fromordinal(day.toordinal() + 1).replace(hour=7, tzinfo=WITA)
    periods = [period_of(r.partition_key) for r in requests]
    assert periods == ["2024-12"] + [f"2025-{m:02d}" for m in range(1, 13)]
    tagged = {period_of(r.partition_key): r.tags.get("lkjip/triwulan") for r in requests}
    assert {p: t for p, t in tagged.items() if t} == {"2024-12": "IV", "2025-03": "I", "2025-06": "II",
                                                      "2025-09": "III", "2025-12": "IV"}
    assert len({r.run_key for r in requests}) == len(requests)


@pytest.mark.parametrize("when, expected", [
    (datetime(2025, 4, 11, 7, 0, tzinfo=WITA), "2025-03"),  # a quarter's end: tagged
    (datetime(2025, 5, 11, 7, 0, tzinfo=WITA), "2025-04"),
    (datetime(2025, 5, 12, 7, 0, tzinfo=WITA), None),
])
def test_the_schedules_tick_is_scheduled_request(tmp_path, when, expected):
    context = dg.build_schedule_context(
        scheduled_execution_time=when,
        resources={"lkjip": LkjipConfig(inputs_dir=str(tmp_path), outputs_dir=str(tmp_path / "out"))})
    result = laporan_bulanan_terjadwal(context)
    assert result == scheduled_request(when, 10)
    if expected is None:
        assert isinstance(result, dg.SkipReason)
    else:
        assert isinstance(result, dg.RunRequest) and period_of(result.partition_key) == expected
