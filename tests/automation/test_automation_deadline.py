"""One deadline: the day the schedule waits for is the day `Pengumpulan` judges lateness against."""

from __future__ import annotations

import shutil
from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.defs.automation.schedules import laporan_bulanan_terjadwal, period_of
from pipeline.defs.resources import LkjipConfig
from pipeline.intake.referensi import deadline_day
from pipeline.settings import PROJECT_ROOT

WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture
def inputs_without_batas(tmp_path):
    """The sample inputs, with the `Batas Pengumpulan` row taken out of the referensi's Renstra sheet."""
    inputs = tmp_path / "inputs"
    shutil.copytree(PROJECT_ROOT / "inputs", inputs)
    [path] = (inputs / "referensi").glob("*.xlsx")
    wb = load_workbook(path)
    ws = wb["Renstra"]
    [row] = [r for r in ws.iter_rows() if any(isinstance(c.value, str) and "Batas Pengumpulan" in c.value for c in r)]
    for cell in row:
        cell.value = None
    wb.save(path)
    assert deadline_day(inputs) is None
    return inputs


def _tick(when: datetime, inputs):
    context = dg.build_schedule_context(scheduled_execution_time=when,
                                        resources={"lkjip": LkjipConfig(inputs_dir=str(inputs))})
    return laporan_bulanan_terjadwal(context)


def test_env_deadline_is_the_schedules_and_the_workbooks(inputs_without_batas, tmp_path, monkeypatch):
    monkeypatch.setenv("LKJIP_DEADLINE_DAY", "15")
    inputs = inputs_without_batas

    assert isinstance(_tick(datetime(2025, 1, 11, 7, tzinfo=WITA), inputs), dg.SkipReason)
    request = _tick(datetime(2025, 1, 16, 7, tzinfo=WITA), inputs)
    assert isinstance(request, dg.RunRequest) and period_of(request.partition_key) == "2024-12"
    assert request.tags["lkjip/batas-pengumpulan"] == "15"

    out = tmp_path / "out"
    assert main(["run", "--inputs", str(inputs), "--outputs", str(out)]) == 0
    ws = load_workbook(out / "2024-12" / "laporan-kinerja-2024-12.xlsx")["Pengumpulan"]
    header, *rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    rows = {r[0]: dict(zip(header, r, strict=True)) for r in rows}
    assert {r["Batas Pengumpulan (WITA)"] for r in rows.values()} == {datetime(2025, 1, 15, 23, 59, 59)}
    # Bidang UKM saved its file on 13 January: late against the 10th, on time against the 15th
    [ukm] = [r for r in rows.values() if "BIDANG UKM" in (r["Berkas"] or "")]
    assert ukm["Diterima (WITA)"] == datetime(2025, 1, 13, 11, 15)
    assert ukm["Status"] == "Tepat Waktu"


def test_referensi_deadline_wins_over_env_in_the_workbook_too(sample_report, sample_run_environment, monkeypatch):
    monkeypatch.setenv("LKJIP_DEADLINE_DAY", "15")
    request = _tick(datetime(2025, 1, 11, 7, tzinfo=WITA), PROJECT_ROOT / "inputs")  # the sample says 10
    assert isinstance(request, dg.RunRequest) and request.tags["lkjip/batas-pengumpulan"] == "10"
    # the session's run of the sample inputs was made with LKJIP_DEADLINE_DAY=15 in the environment
    assert sample_run_environment["LKJIP_DEADLINE_DAY"] == "15"
    ws = load_workbook(sample_report)["Pengumpulan"]
    header, *rows = [r for r in ws.iter_rows(min_row=5, values_only=True) if r[0]]
    deadlines = {dict(zip(header, r, strict=True))["Batas Pengumpulan (WITA)"] for r in rows}
    assert deadlines == {datetime(2025, 1, 10, 23, 59, 59)}
