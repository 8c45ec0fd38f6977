import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook, load_workbook

from pipeline.report.publish import publish, read_summary, write_summary
from pipeline.settings import report_path

WITA = ZoneInfo("Asia/Makassar")
PROJECT = Path(__file__).resolve().parents[2]


def workbook_writer(text):
    def write(path: Path) -> None:
        wb = Workbook()
        wb.active["A1"] = text
        wb.save(path)

    return write


def test_publish_writes_report_and_history(tmp_path):
    made = datetime(2025, 1, 11, 7, 0, 5, tzinfo=WITA)
    final = publish(workbook_writer("v1"), tmp_path, "2024-12", made)
    assert final == report_path(tmp_path, "2024-12")
    assert load_workbook(final).active["A1"].value == "v1"
    history = tmp_path / "2024-12" / "riwayat" / "laporan-kinerja-2024-12-20250111-070005.xlsx"
    assert load_workbook(history).active["A1"].value == "v1"

    # made_at in UTC is named in WITA
    publish(workbook_writer("v2"), tmp_path, "2024-12", datetime(2025, 1, 12, 1, 0, 0, tzinfo=ZoneInfo("UTC")))
    assert load_workbook(final).active["A1"].value == "v2"
    names = sorted(p.name for p in (tmp_path / "2024-12" / "riwayat").iterdir())
    assert names == [
        "laporan-kinerja-2024-12-20250111-070005.xlsx",
        "laporan-kinerja-2024-12-20250112-090000.xlsx",
    ]
    assert sorted(p.name for p in (tmp_path / "2024-12").iterdir()) == ["laporan-kinerja-2024-12.xlsx", "riwayat"]


def test_failed_write_keeps_previous_report(tmp_path):
    final = publish(workbook_writer("good"), tmp_path, "2024-12", datetime(2025, 1, 11, 7, tzinfo=WITA))

    def broken(path: Path) -> None:
        path.write_bytes(b"PK\x03\x04 half a zip")
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        publish(broken, tmp_path, "2024-12", datetime(2025, 1, 12, 7, tzinfo=WITA))
    assert load_workbook(final).active["A1"].value == "good"
    assert sorted(p.name for p in final.parent.iterdir()) == ["laporan-kinerja-2024-12.xlsx", "riwayat"]
    assert len(list((final.parent / "riwayat").iterdir())) == 1

    # a writer that "succeeds" but leaves garbage is refused too
    with pytest.raises(RuntimeError):
        publish(lambda p: p.write_bytes(b"not a workbook"), tmp_path, "2024-12", datetime(2025, 1, 13, tzinfo=WITA))
    with pytest.raises(RuntimeError):
        publish(lambda p: None, tmp_path, "2024-12", datetime(2025, 1, 13, tzinfo=WITA))
    assert load_workbook(final).active["A1"].value == "good"
    assert sorted(p.name for p in final.parent.iterdir()) == ["laporan-kinerja-2024-12.xlsx", "riwayat"]


KILLED_WRITER = textwrap.dedent(
    """
    import sys, time
    from datetime import datetime
    from pathlib import Path
    from pipeline.report.publish import publish

    def write(path):
        with open(path, "wb") as fh:
            fh.write(b"PK\\x03\\x04" + b"x" * 100000)
            fh.flush()
            Path(sys.argv[2]).write_text(str(path))  # tell the test we are mid-write
            time.sleep(120)

    publish(write, Path(sys.argv[1]), "2024-12", datetime(2025, 1, 12, 7))
    """
)


def test_sigkill_mid_write_keeps_previous_report(tmp_path):
    outputs = tmp_path / "out"
    final = publish(workbook_writer("good"), outputs, "2024-12", datetime(2025, 1, 11, 7, tzinfo=WITA))
    flag = tmp_path / "writing"
    proc = subprocess.Popen(
        [sys.executable, "-c", KILLED_WRITER, str(outputs), str(flag)],
        cwd=PROJECT,
        env={**os.environ, "PYTHONPATH": str(PROJECT)},
    )
    try:
        deadline = time.monotonic() + 30
        while not flag.exists():
            assert proc.poll() is None, "writer exited early"
            assert time.monotonic() < deadline, "writer never started writing"
            time.sleep(0.05)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

    temp = Path(flag.read_text())
    assert temp.parent == final.parent  # written next to the report
    assert temp.name.startswith(".")  # hidden: never listed or served
    assert load_workbook(final).active["A1"].value == "good"
    visible = sorted(p.name for p in final.parent.iterdir() if not p.name.startswith("."))
    assert visible == ["laporan-kinerja-2024-12.xlsx", "riwayat"]

    # the next publish still works, and old leftovers get cleaned up
    old = time.time() - 7200
    os.utime(temp, (old, old))
    publish(workbook_writer("next"), outputs, "2024-12", datetime(2025, 1, 13, 7, tzinfo=WITA))
    assert load_workbook(final).active["A1"].value == "next"
    assert not temp.exists()


def test_summary_roundtrip(tmp_path):
    summary = {
        "period": "2024-12",
        "made_at": datetime(2025, 1, 11, 7, tzinfo=WITA),
        "workbook": "laporan-kinerja-2024-12.xlsx",
        "problems": {"Error": 2, "Peringatan": 5},
        "pengumpulan": [
            {"bidang": "Bidang UKM", "status": "Tepat Waktu", "files": ["ukm.xlsx"],
             "received_at": "2025-01-09T10:00:00+08:00", "errors": 2, "warnings": 1},
        ],
    }
    path = write_summary(tmp_path, "2024-12", summary)
    assert path == tmp_path / "2024-12" / "ringkasan.json"
    data = read_summary(tmp_path, "2024-12")
    assert data["made_at"] == "2025-01-11T07:00:00+08:00"
    assert data["pengumpulan"][0]["bidang"] == "Bidang UKM"
    assert json.loads(path.read_text(encoding="utf-8")) == data
    assert [p.name for p in path.parent.iterdir()] == ["ringkasan.json"]
    assert read_summary(tmp_path, "2024-11") is None
    path.write_text("{broken", encoding="utf-8")
    assert read_summary(tmp_path, "2024-12") is None
