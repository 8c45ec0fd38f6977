from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from openpyxl import Workbook

from pipeline.domain.submissions import (
    LATE,
    MISSING,
    ON_TIME,
    Received,
    collection_period,
    deadline_for,
    submission_status,
)
from pipeline.intake.referensi import deadline_day_from_referensi, deadline_day_in_effect
from pipeline.settings import resolve

WITA = ZoneInfo("Asia/Makassar")
UTC = ZoneInfo("UTC")


def test_deadline_is_end_of_day_in_the_next_month():
    assert deadline_for("2024-12", 10) == datetime(2025, 1, 10, 23, 59, 59, tzinfo=WITA)
    assert deadline_for("2024-01", 31) == datetime(2024, 2, 29, 23, 59, 59, tzinfo=WITA)
    assert deadline_for("2024-05", 10, tz="UTC") == datetime(2024, 6, 10, 23, 59, 59, tzinfo=UTC)
    with pytest.raises(ValueError):
        deadline_for("2024-13", 10)
    with pytest.raises(ValueError):
        deadline_for("2024-12", 0)


def test_statuses():
    deadline = deadline_for("2024-12", 10)
    received = [
        Received("Bidang UKM", "ukm.xlsx", datetime(2025, 1, 9, 15, 0, tzinfo=WITA)),
        Received("Bidang Koperasi", "kop.xlsx", datetime(2025, 1, 11, 8, 0, tzinfo=WITA)),
        # last second of the due day is still on time
        Received("Sekretariat", "sek.xlsx", datetime(2025, 1, 10, 23, 59, 59, 500000, tzinfo=WITA)),
    ]
    rows = submission_status(
        "2024-12", ["Bidang UKM", "Bidang Koperasi", "Sekretariat", "Bidang Pengawasan"], received, deadline
    )
    assert [(r.bidang, r.status) for r in rows] == [
        ("Bidang UKM", ON_TIME),
        ("Bidang Koperasi", LATE),
        ("Sekretariat", ON_TIME),
        ("Bidang Pengawasan", MISSING),
    ]
    missing = rows[3]
    assert missing.files == [] and missing.received_at is None and missing.deadline == deadline


def test_timezones_are_compared_in_wita():
    deadline = deadline_for("2024-12", 10)
    # 16:30 UTC on the 10th is 00:30 WITA on the 11th: late
    late = Received("A", "a.xlsx", datetime(2025, 1, 10, 16, 30, tzinfo=UTC))
    # naive times are WITA
    on_time = Received("B", "b.xlsx", datetime(2025, 1, 10, 23, 0))
    rows = submission_status("2024-12", ["A", "B"], [late, on_time], deadline)
    assert [r.status for r in rows] == [LATE, ON_TIME]


def test_latest_time_and_all_files_and_correction_after_deadline():
    deadline = deadline_for("2024-12", 10)
    received = [
        Received("bidang  ukm", "revisi.xlsx", datetime(2025, 1, 12, 9, 0, tzinfo=WITA)),
        Received("Bidang UKM", "awal.xlsx", datetime(2025, 1, 8, 9, 0, tzinfo=WITA)),
    ]
    [row] = submission_status("2024-12", ["Bidang UKM"], received, deadline)
    assert row.status == ON_TIME  # first file was on time; a later correction is fine
    assert row.files == ["awal.xlsx", "revisi.xlsx"]
    assert row.received_at == datetime(2025, 1, 12, 9, 0, tzinfo=WITA)


def test_earlier_month_file_is_not_reused():
    deadline = deadline_for("2024-12", 10)
    received = [Received("Bidang UKM", "nov.xlsx", datetime(2024, 12, 5, tzinfo=WITA), period="2024-11")]
    [row] = submission_status("2024-12", ["Bidang UKM"], received, deadline)
    assert row.status == MISSING and row.files == []


def test_unexpected_bidang_is_listed_after_expected():
    deadline = deadline_for("2024-12", 10)
    received = [Received("Bidang Baru", "x.xlsx", datetime(2025, 1, 2, tzinfo=WITA))]
    rows = submission_status("2024-12", ["Bidang UKM"], received, deadline)
    assert [(r.bidang, r.status) for r in rows] == [("Bidang UKM", MISSING), ("Bidang Baru", ON_TIME)]
    assert rows[1].as_dict()["received_at"].startswith("2025-01-02T00:00:00+08:00")


def _referensi(path, label_row):
    wb = Workbook()
    wb.active.title = "Petunjuk"
    ws = wb.create_sheet("Renstra")
    ws.append(["Rencana Strategis 2024-2026"])
    ws.append(label_row)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


@pytest.mark.parametrize(
    "row, day",
    [
        (["Batas Pengumpulan", 12], 12),
        (["Batas pengumpulan berkas", None, "tanggal 7"], 7),
        (["BATAS PENGUMPULAN: tanggal 15 bulan berikutnya"], 15),
        (["Batas Pengumpulan", datetime(2025, 1, 20)], 20),
        (["Sesuatu lain", 12], None),
        (["Batas Pengumpulan", "tidak ada"], None),
    ],
)
def test_deadline_day_from_referensi(tmp_path, row, day):
    path = _referensi(tmp_path / "master.xlsx", row)
    assert deadline_day_from_referensi(path) == day


def test_deadline_day_in_effect_order(tmp_path):
    assert deadline_day_in_effect(tmp_path, resolve({})) == 10
    assert deadline_day_in_effect(None, resolve({})) == 10
    assert deadline_day_in_effect(tmp_path, resolve({"LKJIP_DEADLINE_DAY": "14"})) == 14
    assert deadline_day_in_effect(tmp_path, resolve({"LKJIP_DEADLINE_DAY": "14"}, deadline_day=8)) == 8
    _referensi(tmp_path / "referensi" / "master.xlsx", ["Batas Pengumpulan", 5])
    (tmp_path / "referensi" / "~$master.xlsx").write_bytes(b"lock")
    assert deadline_day_in_effect(tmp_path, resolve({"LKJIP_DEADLINE_DAY": "14"}, deadline_day=8)) == 5


@pytest.mark.parametrize("now, collected", [
    (datetime(2025, 1, 10, 23, 59, 59, tzinfo=WITA), "2024-12"),  # the last second of December's deadline
    (datetime(2025, 1, 11, 0, 0, 0, tzinfo=WITA), "2025-01"),
    (datetime(2025, 3, 1, 8, 0, tzinfo=WITA), "2025-02"),
])
def test_collection_period(now, collected):
    assert str(collection_period(now, 10)) == collected
    assert str(collection_period(datetime(2025, 3, 1, 8, 0, tzinfo=WITA), 31)) == "2025-02"  # due 2025-03-31
