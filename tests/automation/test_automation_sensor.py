import json
import os
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import pytest

from pipeline.defs.automation import sensors
from pipeline.defs.automation.schedules import period_of
from pipeline.defs.automation.sensors import berkas_masuk, period_from_path, reporting_period
from pipeline.defs.resources import LkjipConfig

WITA = ZoneInfo("Asia/Makassar")


class Ticker:
    """Runs the sensor tick after tick, carrying the cursor like the daemon does."""

    def __init__(self, inputs: Path):
        self.inputs = inputs
        self.cursor = None

    def __call__(self) -> list[dg.RunRequest]:
        context = dg.build_sensor_context(
            cursor=self.cursor,
            resources={"lkjip": LkjipConfig(inputs_dir=str(self.inputs), outputs_dir=str(self.inputs / ".out"))},
        )
        result = berkas_masuk(context)
        assert isinstance(result, dg.SensorResult)
        assert result.cursor is not None
        json.loads(result.cursor)  # the cursor is JSON
        self.cursor = result.cursor
        return list(result.run_requests or [])


def bump_mtime(path: Path, seconds: int = 5) -> None:
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + seconds * 1_000_000_000))


@pytest.fixture
def drop(tmp_path):
    inputs = tmp_path / "inputs"
    folder = inputs / "realisasi" / "bidang-ukm" / "2024-12"
    folder.mkdir(parents=True)
    return inputs, folder


def test_sensor_definition():
    assert berkas_masuk.default_status == dg.DefaultSensorStatus.RUNNING
    assert [j.name for j in berkas_masuk.jobs] == ["laporan_bulanan", "rekap_pemda_bulanan"]  # the rekap: a Pemda's pemda/ folder


def test_partial_copy_then_stable_then_unchanged_then_changed(drop):
    inputs, folder = drop
    tick = Ticker(inputs)
    target = folder / "realisasi.xlsx"

    target.write_bytes(b"PK\x03\x04 first half")
    assert tick() == []  # first look: not known to be stable yet
    with open(target, "ab") as fh:  # the copy is still going on
        fh.write(b" second half")
    assert tick() == []  # size changed between looks: still copying

    requests = tick()  # same size and mtime twice: stable
    assert len(requests) == 1
    first = requests[0]
    assert period_of(first.partition_key) == "2024-12"
    assert first.tags["lkjip/periode"] == "2024-12"
    assert first.run_key.startswith("2024-12-")

    assert tick() == []  # nothing changed
    assert tick() == []

    target.write_bytes(b"PK\x03\x04 corrected file")
    bump_mtime(target)
    assert tick() == []  # changed: wait for it to be stable
    requests = tick()
    assert len(requests) == 1
    assert period_of(requests[0].partition_key) == "2024-12"
    assert requests[0].run_key != first.run_key


def test_same_size_edit_reruns_and_same_content_does_not(drop):
    inputs, folder = drop
    tick = Ticker(inputs)
    target = folder / "a.xlsx"
    target.write_bytes(b"AAAA")
    tick()
    [first] = tick()

    # rewritten with the very same bytes (e.g. copied again): no new run
    target.write_bytes(b"AAAA")
    bump_mtime(target)
    assert tick() == [] and tick() == []

    # same name, same size, other content: a new run
    target.write_bytes(b"BBBB")
    bump_mtime(target, 10)
    tick()
    [second] = tick()
    assert second.run_key != first.run_key


def test_lock_and_hidden_files_are_ignored(drop):
    inputs, folder = drop
    tick = Ticker(inputs)
    (folder / "~$realisasi.xlsx").write_bytes(b"lock")
    (folder / ".hidden.xlsx").write_bytes(b"x")
    (inputs / ".git").mkdir()
    (inputs / ".git" / "HEAD").write_bytes(b"ref")
    assert tick() == [] and tick() == []
    (folder / "~$realisasi.xlsx").write_bytes(b"lock changed")
    assert tick() == [] and tick() == []


def test_only_the_affected_period_runs(tmp_path):
    inputs = tmp_path / "inputs"
    nov = inputs / "realisasi" / "2024_11"
    dec = inputs / "realisasi" / "2024" / "12"
    nov.mkdir(parents=True)
    dec.mkdir(parents=True)
    (nov / "a.xlsx").write_bytes(b"nov")
    (dec / "a.xlsx").write_bytes(b"dec")
    tick = Ticker(inputs)
    tick()
    assert sorted(period_of(r.partition_key) for r in tick()) == ["2024-11", "2024-12"]

    (dec / "b.xlsx").write_bytes(b"dec 2")
    tick()
    assert [period_of(r.partition_key) for r in tick()] == ["2024-12"]

    # a partial file in one month does not hold back another month
    (nov / "c.xlsx").write_bytes(b"partial")
    (dec / "b.xlsx").write_bytes(b"dec 2 fixed")
    bump_mtime(dec / "b.xlsx")
    tick()
    with open(nov / "c.xlsx", "ab") as fh:
        fh.write(b" more")
    assert [period_of(r.partition_key) for r in tick()] == ["2024-12"]
    assert [period_of(r.partition_key) for r in tick()] == ["2024-11"]


def test_file_without_month_in_path_is_the_reporting_period(tmp_path):
    inputs = tmp_path / "inputs"
    (inputs / "odk").mkdir(parents=True)
    (inputs / "odk" / "export.csv").write_bytes(b"a,b\n1,2\n")
    tick = Ticker(inputs)
    tick()
    [request] = tick()
    assert period_of(request.partition_key) == reporting_period()


def test_big_files_are_hashed_once(drop, monkeypatch):
    inputs, folder = drop
    (folder / "odk.csv").write_bytes(b"x" * 3_000_000)
    calls = []
    real = sensors.file_sha256
    monkeypatch.setattr(sensors, "file_sha256", lambda p: calls.append(p) or real(p))
    tick = Ticker(inputs)
    for _ in range(5):
        tick()
    assert len(calls) == 1


def test_period_from_path():
    assert period_from_path(("realisasi", "2024-12", "a.xlsx")) == "2024-12"
    assert period_from_path(("realisasi", "2024_12", "a.xlsx")) == "2024-12"
    assert period_from_path(("realisasi", "2024", "12", "a.xlsx")) == "2024-12"
    assert period_from_path(("2024-11", "bidang", "a.xlsx")) == "2024-11"
    assert period_from_path(("realisasi", "2024-13", "a.xlsx")) is None
    assert period_from_path(("odk", "2024-12.csv")) is None
    assert period_from_path(("12", "a.xlsx")) is None


def test_reporting_period_is_previous_month_in_wita():
    assert reporting_period(datetime(2025, 1, 5, tzinfo=WITA)) == "2024-12"
    # 2025-02-28 17:00 UTC is already 1 March in Bali
    assert reporting_period(datetime(2025, 2, 28, 17, tzinfo=ZoneInfo("UTC"))) == "2025-02"


def test_periods_outside_partitions_are_not_requested(tmp_path):
    inputs = tmp_path / "inputs"
    (inputs / "2019-05").mkdir(parents=True)
    (inputs / "2019-05" / "a.xlsx").write_bytes(b"old")
    tick = Ticker(inputs)
    assert tick() == [] and tick() == []


def test_garbage_cursor_is_reset(drop):
    inputs, folder = drop
    (folder / "a.xlsx").write_bytes(b"a")
    tick = Ticker(inputs)
    tick.cursor = "not json"
    assert tick() == []
    assert len(tick()) == 1


def test_definitions_load_with_schedule_and_sensor():
    from pipeline.defs.automation.schedules import laporan_bulanan_terjadwal
    from pipeline.defs.jobs import laporan_job

    defs = dg.Definitions(
        assets=[dg.AssetSpec("placeholder", partitions_def=laporan_job.partitions_def)],
        jobs=[laporan_job],
        schedules=[laporan_bulanan_terjadwal],
        sensors=[berkas_masuk],
        resources={"lkjip": LkjipConfig()},
    )
    defs.resolve_all_job_defs()
    assert defs.resolve_schedule_def("laporan_bulanan_terjadwal")
    assert defs.resolve_sensor_def("berkas_masuk")


def test_run_requests_resolve_against_the_job(drop):
    """What the daemon does with a request: validate its partition against the job."""
    from pipeline.defs.jobs import laporan_job
    from pipeline.defs.partitions import monthly_partitions, report_partitions, slot_of_key

    inputs, folder = drop
    (folder / "a.xlsx").write_bytes(b"a")
    @dg.asset(partitions_def=report_partitions)
    def placeholder() -> None:
        return None

    defs = dg.Definitions(
        assets=[placeholder],
        jobs=[laporan_job],
        sensors=[berkas_masuk],
        resources={"lkjip": LkjipConfig(inputs_dir=str(inputs))},
    )
    cursor = None
    instance = dg.DagsterInstance.ephemeral()
    instance.add_dynamic_partitions("opd", ["-"])  # the sensor's own request adds it in the daemon
    for _ in range(2):
        context = dg.build_sensor_context(
            cursor=cursor, definitions=defs, resources={"lkjip": LkjipConfig(inputs_dir=str(inputs))},
            instance=instance,
        )
        with dg.partition_loading_context(dynamic_partitions_store=instance):  # as the daemon does
            data = berkas_masuk.evaluate_tick(context)
        cursor = data.cursor
    [request] = data.run_requests
    assert monthly_partitions.has_partition_key(request.partition_key.split("|")[0])
    assert slot_of_key(request.partition_key).opd == "-"  # a single office
    assert period_of(request.partition_key) == "2024-12"


def test_the_sensor_records_when_each_content_arrived(drop, dagster_home):
    """The first stable look records the file's arrival (its mtime) in the instance's ledger; a later
    touch of the same content does not move it, a correction is a new arrival."""
    from pipeline.intake.arrivals import Ledger, file_sha256

    inputs, folder = drop
    tick = Ticker(inputs)
    target = folder / "tiba.xlsx"
    target.write_bytes(b"PK\x03\x04 arrival test " + str(os.getpid()).encode())
    arrived = datetime(2025, 1, 13, 9, 0, tzinfo=WITA).timestamp()
    os.utime(target, (arrived, arrived))
    tick()
    tick()
    ledger = Ledger(inputs=inputs)
    assert ledger.path.parent == Path(dagster_home)
    first = ledger.get(file_sha256(target))
    assert first.arrived_at == datetime(2025, 1, 13, 9, 0, tzinfo=WITA) and first.via == "sensor"
    assert first.file == "realisasi/bidang-ukm/2024-12/tiba.xlsx"
    bump_mtime(target, 3600)
    tick()
    tick()
    assert ledger.get(file_sha256(target)) == first
