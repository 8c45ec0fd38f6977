"""A whole Pemda runs by itself: the folder sensor and the schedule ask for one run per OPD-month."""

from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipeline.defs.automation.schedules import laporan_bulanan_terjadwal
from pipeline.defs.automation.sensors import berkas_masuk
from pipeline.defs.partitions import slot_of_key
from pipeline.defs.resources import LkjipConfig
from pipeline.samples import pemda as sample

WITA = ZoneInfo("Asia/Makassar")


@pytest.fixture(scope="module")
def inputs(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pemda")
    sample.generate_pemda(folder, 2)
    (folder / "09-dinas-baru" / "realisasi").mkdir(parents=True)
    return folder


def test_the_sensor_asks_for_each_opd_month_and_adds_the_opd_partitions(inputs, monkeypatch):
    monkeypatch.delenv("LKJIP_DEADLINE_DAY", raising=False)
    resources = {"lkjip": LkjipConfig(inputs_dir=str(inputs))}
    cursor = None
    for _ in range(2):  # a file counts once it looked the same twice
        result = berkas_masuk(dg.build_sensor_context(cursor=cursor, resources=resources))
        cursor = result.cursor
    slots = sorted((slot_of_key(r.partition_key).opd, str(slot_of_key(r.partition_key).period), r.job_name)
                   for r in result.run_requests)
    opd_a, opd_b = sample.folder_of(0), sample.folder_of(1)
    assert (opd_a, "2025-06", "laporan_bulanan") in slots and (opd_b, "2025-06", "laporan_bulanan") in slots
    assert all(r.tags["lkjip/opd"] in (opd_a, opd_b, "pemda") for r in result.run_requests)
    assert ("pemda", "2025-06", "rekap_pemda_bulanan") in [(r.tags["lkjip/opd"], r.partition_key, r.job_name)
                                                          for r in result.run_requests if r.job_name != "laporan_bulanan"]
    [added] = result.dynamic_partitions_requests
    assert sorted(added.partition_keys) == [opd_a, opd_b]  # the folder without referensi/ is no partition
    again = berkas_masuk(dg.build_sensor_context(cursor=cursor, resources=resources))
    assert not again.run_requests and "09-dinas-baru" in again.skip_reason.skip_message  # nothing new; the bare folder listed


def test_the_schedule_asks_for_every_opd_the_day_after_its_deadline(inputs, monkeypatch):
    monkeypatch.delenv("LKJIP_DEADLINE_DAY", raising=False)
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2025, 7, 11, 7, tzinfo=WITA),
                                        resources={"lkjip": LkjipConfig(inputs_dir=str(inputs))})
    requests = laporan_bulanan_terjadwal(context)
    assert sorted((slot_of_key(r.partition_key).opd, r.run_key) for r in requests) == [
        (sample.folder_of(0), f"jadwal-2025-06-{sample.folder_of(0)}"),
        (sample.folder_of(1), f"jadwal-2025-06-{sample.folder_of(1)}")]
    assert all(str(slot_of_key(r.partition_key).period) == "2025-06" and r.tags["lkjip/triwulan"] == "II"
               for r in requests)
    context = dg.build_schedule_context(scheduled_execution_time=datetime(2025, 7, 12, 7, tzinfo=WITA),
                                        resources={"lkjip": LkjipConfig(inputs_dir=str(inputs))})
    assert isinstance(laporan_bulanan_terjadwal(context), dg.SkipReason)


def test_a_new_pemda_wide_sipd_export_reruns_every_opd_month(tmp_path, monkeypatch):
    """``sipd/`` beside ``pemda/`` (one export for the whole Pemda) is part of every OPD's month."""
    from pipeline.samples import sipd as sipd_sample

    monkeypatch.delenv("LKJIP_DEADLINE_DAY", raising=False)
    sample.generate_pemda(tmp_path, 2)
    resources = {"lkjip": LkjipConfig(inputs_dir=str(tmp_path))}
    cursor = None
    for _ in range(2):
        cursor = berkas_masuk(dg.build_sensor_context(cursor=cursor, resources=resources)).cursor
    sipd_sample.write_sipd_xlsx(tmp_path / "sipd" / "LRA Pemda.xlsx", sipd_sample.sipd_rows())
    for _ in range(2):  # seen twice unchanged: complete
        result = berkas_masuk(dg.build_sensor_context(cursor=cursor, resources=resources))
        cursor = result.cursor
    asked = sorted((slot_of_key(r.partition_key).opd, str(slot_of_key(r.partition_key).period))
                   for r in result.run_requests)
    assert asked == [(sample.folder_of(0), "2025-06"), (sample.folder_of(1), "2025-06")]
    assert all(r.tags["lkjip/berkas"] == "sipd/LRA Pemda.xlsx" for r in result.run_requests)
    assert not berkas_masuk(dg.build_sensor_context(cursor=cursor, resources=resources)).run_requests
