from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from openpyxl import Workbook

from pipeline.defs.automation.schedules import (
    laporan_bulanan_terjadwal,
    partition_key_for,
    period_due,
    period_of,
)
from pipeline.defs.partitions import monthly_partitions
from pipeline.defs.resources import LkjipConfig

WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture(autouse=True)
def _no_env_deadline(monkeypatch):
    monkeypatch.delenv("LKJIP_DEADLINE_DAY", raising=False)


def tick(when: datetime, inputs):
    context = dg.build_schedule_context(
        scheduled_execution_time=when,
        resources={"lkjip": LkjipConfig(inputs_dir=str(inputs), outputs_dir=str(inputs / "out"))},
    )
    return laporan_bulanan_terjadwal(context)


def test_schedule_definition():
    assert laporan_bulanan_terjadwal.default_status == dg.DefaultScheduleStatus.RUNNING
    assert laporan_bulanan_terjadwal.execution_timezone == "Asia/Makassar"
    assert laporan_bulanan_terjadwal.job_name == "laporan_bulanan"
    assert laporan_bulanan_terjadwal.cron_schedule == "0 7 * * *"


def test_tick_on_the_11th_asks_for_previous_month(tmp_path):
    result = tick(datetime(2026, 10, 11, 7, 0, tzinfo=WITA), tmp_path)
    assert isinstance(result, dg.RunRequest)
    assert period_of(result.partition_key) == "2026-09"
    assert result.partition_key == partition_key_for("2026-09")
    assert result.tags["lkjip/periode"] == "2026-09"
    assert monthly_partitions.has_partition_key(result.partition_key.keys_by_dimension["bulan"])
    assert result.partition_key.keys_by_dimension["opd"] == "-"  # a single office is the OPD "-"


def test_tick_in_utc_is_read_in_wita(tmp_path):
    # 2026-10-10 23:00 UTC is 2026-10-11 07:00 WITA
    result = tick(datetime(2026, 10, 10, 23, 0, tzinfo=ZoneInfo("UTC")), tmp_path)
    assert isinstance(result, dg.RunRequest) and result.partition_key == partition_key_for("2026-09")


@pytest.mark.parametrize("day", [1, 9, 10, 12, 28, 31])
def test_no_request_on_other_days(tmp_path, day):
    result = tick(datetime(2026, 10, day, 7, 0, tzinfo=WITA), tmp_path)
    assert isinstance(result, dg.SkipReason)


def test_january_run_is_for_december(tmp_path):
    result = tick(datetime(2027, 1, 11, 7, 0, tzinfo=WITA), tmp_path)
    assert result.partition_key == partition_key_for("2026-12")


def test_env_deadline_day(tmp_path, monkeypatch):
    monkeypatch.setenv("LKJIP_DEADLINE_DAY", "15")
    assert isinstance(tick(datetime(2026, 10, 11, 7, tzinfo=WITA), tmp_path), dg.SkipReason)
    assert tick(datetime(2026, 10, 16, 7, tzinfo=WITA), tmp_path).partition_key == partition_key_for("2026-09")


def test_referensi_deadline_day_wins(tmp_path, monkeypatch):
    monkeypatch.setenv("LKJIP_DEADLINE_DAY", "15")
    (tmp_path / "referensi").mkdir()
    wb = Workbook()
    ws = wb.active
    ws.title = "Renstra"
    ws["A1"] = "Rencana Strategis"
    ws["A3"] = "Batas Pengumpulan"
    ws["B3"] = "tanggal 5"
    wb.save(tmp_path / "referensi" / "master.xlsx")
    assert tick(datetime(2026, 10, 6, 7, tzinfo=WITA), tmp_path).partition_key == partition_key_for("2026-09")
    assert isinstance(tick(datetime(2026, 10, 16, 7, tzinfo=WITA), tmp_path), dg.SkipReason)


def test_clamped_deadline_rolls_over():
    # deadline day 31: period 2026-01 is due 2026-02-28, so its run is on 2026-03-01
    assert period_due(datetime(2026, 3, 1).date(), 31) == "2026-01"
    assert period_due(datetime(2026, 2, 1).date(), 31) == "2025-12"  # due 2026-01-31
    assert period_due(datetime(2026, 3, 31).date(), 31) is None
    assert period_due(datetime(2026, 4, 1).date(), 31) == "2026-02"  # due 2026-03-31


def test_partition_key_conversion():
    key = partition_key_for("2024-12")
    assert key.keys_by_dimension == {"bulan": "2024-12", "opd": "-"}  # the month, and a single office
    assert period_of(key) == period_of(str(key)) == "2024-12"
    assert monthly_partitions.has_partition_key(key.keys_by_dimension["bulan"])
    assert partition_key_for("2024-12", "01-dinkes").keys_by_dimension["opd"] == "01-dinkes"
