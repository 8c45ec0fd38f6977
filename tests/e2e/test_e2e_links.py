"""End to end: a drop folder as an attacker or a careless copy leaves it.

Symbolic links (to /etc/passwd, to a valid workbook elsewhere on the disk, a
linked period folder) are listed as not read with the reason and never opened;
file names with line breaks are shown as they are and keep their bidang's row
in Pengumpulan.  One ``lkjip run``.
"""

from __future__ import annotations

import json
import os
import shutil
import threading
from pathlib import Path

import pytest
from openpyxl.utils.escape import unescape

from pipeline.intake.files import discover, link_reason
from pipeline.intake.loading import open_sources

SEKRETARIAT = "Realisasi Des 2024 Sekretariat.xlsx"
NL_NAME = "Realisasi Des 2024\nUPTD Diklat KUMKM.xlsx"
CRLF_NAME = "Realisasi Des 2024 Bidang\r\nKelembagaan rev2.xlsx"
CTRL_NAME = "Realisasi Des 2024 Bidang Pengawasan\x01(final).xlsx"


@pytest.fixture(scope="module")
def dropped(build, tmp_path_factory):
    root = tmp_path_factory.mktemp("links")
    inputs = build.copy_inputs(root / "inputs")
    real = inputs / "realisasi"
    outside = root / "di-luar"
    outside.mkdir()
    # a valid bidang workbook elsewhere on the disk, linked into the drop folder
    shutil.move(real / SEKRETARIAT, outside / SEKRETARIAT)
    (real / SEKRETARIAT).symlink_to(outside / SEKRETARIAT)
    (real / "passwd.xlsx").symlink_to("/etc/passwd")
    # a linked period folder holding a valid workbook
    (outside / "2024-11").mkdir()
    shutil.copy2(outside / SEKRETARIAT, outside / "2024-11" / "Sekretariat Nov.xlsx")
    (real / "2024-11").symlink_to(outside / "2024-11", target_is_directory=True)
    # names with line breaks, and one with a character Excel cannot hold
    (real / "Realisasi Des 2024 UPTD Diklat KUMKM.xlsx").rename(real / NL_NAME)
    (real / "Realisasi Des 2024 Bidang Kelembagaan rev2.xlsx").rename(real / CRLF_NAME)
    (real / "Realisasi Des 2024 Bidang Pengawasan (final).xlsx").rename(real / CTRL_NAME)
    outputs = root / "outputs"
    report = build.run_pipeline(inputs, outputs, period="2024-12")
    return report, outputs


def _text(value):
    return unescape(value) if isinstance(value, str) else value


def test_links_are_listed_as_not_read_with_the_reason(dropped):
    report, _ = dropped
    ringkasan = report.ringkasan()
    for name in (f"realisasi/{SEKRETARIAT}", "realisasi/passwd.xlsx", "realisasi/2024-11"):
        row = ringkasan[name]
        assert row["Status"] == "Ditolak", row
        assert not row["SHA-256"] and not row["Baris Dibaca"], row  # never opened, not even hashed
        assert "symlink" in row["Catatan"], row
        problems = report.problems(file=name, rule="file_unsafe")
        assert len(problems) == 1 and "symlink" in problems[0]["Pesan"]
    assert not [f for f in ringkasan if f.startswith("realisasi/2024-11/")]  # the linked folder was not entered


def test_a_linked_workbook_is_not_ingested_as_the_bidang_file(dropped):
    report, _ = dropped
    rows = {r["Bidang"]: r for r in report.records("Pengumpulan", "Bidang")}
    assert rows["Sekretariat"]["Status"] == "Belum Mengirim"
    assert not rows["Sekretariat"]["Berkas"]


def test_names_with_line_breaks_are_shown_as_they_are(dropped):
    report, outputs = dropped
    names = {_text(f) for f in report.ringkasan()}
    assert f"realisasi/{NL_NAME}" in names and f"realisasi/{CRLF_NAME}" in names
    shown_ctrl = f"realisasi/{CTRL_NAME}".replace("\x01", "")  # the one character Excel cannot hold
    assert shown_ctrl in names
    rows = {r["Bidang"]: r for r in report.records("Pengumpulan", "Bidang")}
    assert _text(rows["UPTD Diklat KUMKM"]["Berkas"]) == f"realisasi/{NL_NAME}"
    assert _text(rows["Bidang Kelembagaan dan Pemberdayaan Koperasi"]["Berkas"]) == f"realisasi/{CRLF_NAME}"
    assert _text(rows["Bidang Pengawasan Koperasi"]["Berkas"]) == shown_ctrl
    for bidang in ("UPTD Diklat KUMKM", "Bidang Kelembagaan dan Pemberdayaan Koperasi", "Bidang Pengawasan Koperasi"):
        assert rows[bidang]["Status"] in ("Tepat Waktu", "Terlambat")
    summary = json.loads((outputs / "2024-12" / "ringkasan.json").read_text(encoding="utf-8"))
    files = {f for r in summary["pengumpulan"] for f in r["files"]}
    assert f"realisasi/{NL_NAME}" in files and f"realisasi/{CRLF_NAME}" in files


def test_a_link_to_a_fifo_is_never_opened(tmp_path):
    """Opening a FIFO for reading blocks until a writer comes: if the link were
    followed, listing and reading the folder would never finish."""
    inputs = tmp_path / "inputs"
    (inputs / "realisasi").mkdir(parents=True)
    fifo = tmp_path / "pipa"
    os.mkfifo(fifo)
    (inputs / "realisasi" / "pipa.xlsx").symlink_to(fifo)
    (inputs / "odk").symlink_to(tmp_path, target_is_directory=True)  # a linked kind folder
    done: dict = {}

    def read():
        paths = discover(inputs, "realisasi") + discover(inputs, "odk")
        done["sources"] = open_sources(inputs, "realisasi", paths)

    worker = threading.Thread(target=read, daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "a symlinked FIFO was opened"
    reports = {s.report.file: s.report for s in done["sources"]}
    assert set(reports) == {"realisasi/pipa.xlsx", "odk"}
    assert {r.status for r in reports.values()} == {"Ditolak"}


def test_the_sensor_does_not_read_through_links(tmp_path):
    from pipeline.defs.automation.sensors import evaluate

    inputs = tmp_path / "inputs"
    (inputs / "realisasi" / "2024-12").mkdir(parents=True)
    fifo = tmp_path / "pipa"
    os.mkfifo(fifo)
    (inputs / "realisasi" / "2024-12" / "pipa.xlsx").symlink_to(fifo)
    done: dict = {}

    def look():
        _, cursor, _ = evaluate(inputs, None)
        done["requests"], _, _ = evaluate(inputs, cursor)

    worker = threading.Thread(target=look, daemon=True)
    worker.start()
    worker.join(timeout=120)
    assert not worker.is_alive(), "the sensor opened a symlinked FIFO"
    assert [r[0] for r in done["requests"]] == ["2024-12"]  # the month still runs and lists the link


def test_link_reason_for_a_file_inside_a_linked_folder(tmp_path):
    inputs = tmp_path / "inputs"
    (tmp_path / "elsewhere").mkdir()
    (tmp_path / "elsewhere" / "a.xlsx").write_bytes(b"x")
    (inputs / "realisasi").mkdir(parents=True)
    (inputs / "realisasi" / "2024-12").symlink_to(tmp_path / "elsewhere", target_is_directory=True)
    (inputs / "realisasi" / "biasa.xlsx").write_bytes(b"x")
    assert "folder realisasi/2024-12" in link_reason(inputs, inputs / "realisasi" / "2024-12" / "a.xlsx")
    assert link_reason(inputs, inputs / "realisasi" / "biasa.xlsx") is None
    assert link_reason(inputs, Path("/etc/passwd")) is not None
