"""The arrival ledger: the first sighting of a file content decides when it arrived."""

from __future__ import annotations

import multiprocessing
import os
from datetime import datetime
from zoneinfo import ZoneInfo

from pipeline.intake.arrivals import (
    FOLDER_RECORD,
    VIA_RUN,
    VIA_SENSOR,
    Arrival,
    Ledger,
    file_sha256,
    record_upload,
    write_folder_record,
)

WITA = ZoneInfo("Asia/Makassar")


def _file(path, data: bytes, when: datetime):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def test_a_new_content_counts_from_its_mtime_and_never_moves(tmp_path):
    inputs = tmp_path / "inputs"
    path = _file(inputs / "realisasi" / "a.xlsx", b"isi", datetime(2025, 7, 13, 9, 0, tzinfo=WITA))
    ledger = Ledger(tmp_path / "home" / "ledger.sqlite", inputs)
    first = ledger.seen(path, VIA_SENSOR)
    assert first.arrived_at == datetime(2025, 7, 13, 9, 0, tzinfo=WITA)
    assert (first.file, first.via) == ("realisasi/a.xlsx", VIA_SENSOR)
    # touched, copied, renamed: the same content keeps its first arrival, also after a restart
    os.utime(path, (datetime(2025, 8, 1, tzinfo=WITA).timestamp(),) * 2)
    moved = path.rename(inputs / "realisasi" / "b.xlsx")
    again = Ledger(tmp_path / "home" / "ledger.sqlite", inputs).seen(moved, VIA_RUN)
    assert again == first
    # another content is another arrival
    path.write_bytes(b"koreksi")
    os.utime(path, (datetime(2025, 7, 14, tzinfo=WITA).timestamp(),) * 2)
    assert ledger.seen(path, VIA_RUN).arrived_at == datetime(2025, 7, 14, tzinfo=WITA)


def test_the_folder_record_gives_earlier_arrivals(tmp_path):
    inputs = tmp_path / "inputs"
    path = _file(inputs / "realisasi" / "a.xlsx", b"isi", datetime(2026, 12, 1, tzinfo=WITA))  # a fresh checkout
    sha = file_sha256(path)
    write_folder_record(inputs, [Arrival(sha, datetime(2025, 1, 9, 14, 20, tzinfo=WITA), "realisasi/a.xlsx", "berkas")])
    assert (inputs / FOLDER_RECORD).is_file()
    ledger = Ledger(tmp_path / "ledger.sqlite", inputs)
    assert ledger.seen(path, VIA_RUN).arrived_at == datetime(2025, 1, 9, 14, 20, tzinfo=WITA)
    # a ledger without the folder's record counts from the mtime
    assert Ledger(tmp_path / "other.sqlite").seen(path, VIA_RUN).arrived_at == datetime(2026, 12, 1, tzinfo=WITA)


def test_an_upload_arrives_when_it_is_uploaded(tmp_path):
    inputs = tmp_path / "inputs"
    path = _file(inputs / "realisasi" / "u.xlsx", b"unggahan", datetime(2025, 7, 9, tzinfo=WITA))
    got = record_upload(path, inputs, datetime(2025, 7, 10, 22, 0, tzinfo=WITA), ledger=tmp_path / "l.sqlite")
    assert got.arrived_at == datetime(2025, 7, 10, 22, 0, tzinfo=WITA) and got.via == "unggah"


def _record_many(args):
    ledger, hour = args
    seen = Ledger(ledger)
    return [seen.record(f"{i:064x}", datetime(2025, 7, 1, hour, tzinfo=WITA), f"f{i}", VIA_SENSOR).arrived_at.hour
            for i in range(40)]


def test_two_processes_recording_at_once_agree_on_the_first(tmp_path):
    ledger = tmp_path / "ledger.sqlite"
    with multiprocessing.get_context("spawn").Pool(2) as pool:
        a, b = pool.map(_record_many, [(ledger, 8), (ledger, 9)])
    assert a == b  # for every content, both saw the one arrival that was recorded first
    assert set(a) <= {8, 9}
