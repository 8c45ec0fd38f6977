"""The folder sensor asks for the month the run reads a file as, for every form the input contract allows."""

from __future__ import annotations

import os
import shutil
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import dagster as dg
import openpyxl
import pytest

from pipeline.defs.automation import sensors
from pipeline.defs.automation.schedules import period_of
from pipeline.defs.automation.sensors import berkas_masuk, reporting_period
from pipeline.defs.resources import LkjipConfig
from pipeline.intake.realisasi import latest_period, read_realisasi
from pipeline.intake.referensi import Referensi
from pipeline.settings import PROJECT_ROOT

WITA = ZoneInfo("Asia/Makassar")
HEADER = ["Kode", "Uraian", "Indikator", "Satuan", "Target", "Realisasi", "Pagu", "Realisasi Anggaran"]
ROW = ["2.17.02.1.01.0001", "Pendataan koperasi", "Jumlah koperasi terdata", "Unit", 100, 90, 50_000_000, 45_000_000]
HEAD = ["PEMERINTAH PROVINSI BALI", "LAPORAN REALISASI FISIK DAN KEUANGAN"]


def realisasi(path: Path, title: list[list]) -> Path:
    """A bidang's workbook: title rows (each a list of cells), an empty row, the header, one sub kegiatan."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Realisasi"
    for cells in title:
        ws.append(cells)
    ws.append([])
    ws.append(HEADER)
    ws.append(ROW)
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


class Ticker:
    def __init__(self, inputs: Path):
        self.inputs, self.cursor = inputs, None

    def __call__(self) -> list[dg.RunRequest]:
        context = dg.build_sensor_context(cursor=self.cursor,
                                          resources={"lkjip": LkjipConfig(inputs_dir=str(self.inputs))})
        result = berkas_masuk(context)
        self.cursor = result.cursor
        return list(result.run_requests or [])

    def settle(self) -> list[str]:
        """Two looks (a file must be stable), then the months asked for."""
        self()
        return sorted(period_of(r.partition_key) for r in self())


def run_reads(inputs: Path) -> str | None:
    """The month the run reads: the realisation intake with no period given chooses the latest
    month it read (the rule of `lkjip run`'s default, ``latest_period``), and uses its files."""
    intake = read_realisasi(inputs, Referensi(file="referensi.xlsx"))
    used = {s.report.period for s in intake.sources if s.report.status == "Dibaca"}
    assert used == ({intake.period} if intake.period else set())
    return intake.period or None


FORMS = [
    ("title_only", "realisasi/Realisasi Bidang UKM.xlsx", [*map(lambda t: [t], HEAD), ["Bulan: Desember 2024"]], "2024-12"),
    ("label_pair", "realisasi/ukm.xlsx", [[HEAD[1]], ["Periode", "2024-12"]], "2024-12"),
    ("folder_one_digit_month", "realisasi/2024-1/ukm.xlsx", [[HEAD[1]]], "2024-01"),
    ("folder_dash", "realisasi/bidang-ukm/2024-12/ukm.xlsx", [[HEAD[1]]], "2024-12"),
    ("folder_underscore", "realisasi/2024_12/ukm.xlsx", [[HEAD[1]]], "2024-12"),
    ("folder_year_month", "realisasi/2024/12/ukm.xlsx", [[HEAD[1]]], "2024-12"),
    ("title_month_tahun", "realisasi/ukm.xlsx", [["LAPORAN REALISASI FISIK DAN KEUANGAN BULAN NOVEMBER TAHUN 2024"]], "2024-11"),
    ("label_month_and_tahun", "realisasi/ukm.xlsx", [[HEAD[1]], ["Bulan", "Oktober"], ["Tahun", 2024]], "2024-10"),
    ("title_and_folder_agree", "realisasi/2024-09/ukm.xlsx", [["Bulan: September 2024"]], "2024-09"),
]


@pytest.mark.parametrize("name, rel, title, expected", FORMS, ids=[f[0] for f in FORMS])
def test_the_sensor_asks_for_the_month_the_run_reads(tmp_path, name, rel, title, expected):
    inputs = tmp_path / "inputs"
    realisasi(inputs / rel, title)
    assert run_reads(inputs) == expected
    assert Ticker(inputs).settle() == [expected]


def test_a_period_less_file_asks_for_nothing(tmp_path):
    inputs = tmp_path / "inputs"
    realisasi(inputs / "realisasi" / "ukm.xlsx", [[HEAD[1]]])  # no month in title or folder
    assert run_reads(inputs) is None
    assert Ticker(inputs).settle() == []


def test_a_refused_file_outside_a_month_folder_asks_for_nothing(tmp_path):
    inputs = tmp_path / "inputs"
    (inputs / "realisasi").mkdir(parents=True)
    (inputs / "realisasi" / "rusak.xlsx").write_bytes(b"PK\x03\x04 not a workbook")
    (inputs / "realisasi" / "lama.xls").write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600)
    assert run_reads(inputs) is None
    assert Ticker(inputs).settle() == []


def test_title_and_folder_disagreeing_never_asks_for_the_title_month(tmp_path):
    """The run refuses the file (period_conflict); only its folder's month, whose report lists the refusal."""
    inputs = tmp_path / "inputs"
    realisasi(inputs / "realisasi" / "2024-12" / "ukm.xlsx", [["Bulan: November 2024"]])
    assert run_reads(inputs) is None
    assert Ticker(inputs).settle() == ["2024-12"]


def test_period_less_files_join_the_latest_month(tmp_path):
    inputs = tmp_path / "inputs"
    realisasi(inputs / "realisasi" / "nov.xlsx", [["Bulan: November 2024"]])
    realisasi(inputs / "realisasi" / "des.xlsx", [["Bulan: Desember 2024"]])
    tick = Ticker(inputs)
    assert tick.settle() == ["2024-11", "2024-12"]
    realisasi(inputs / "realisasi" / "tanpa-bulan.xlsx", [[HEAD[1]]])
    assert tick.settle() == ["2024-12"]  # not the month before today


def test_sample_inputs_ask_for_december_2024_only(tmp_path):
    """The sample files state their month only in their title: the first `lkjip serve` builds December 2024."""
    inputs = tmp_path / "inputs"
    shutil.copytree(PROJECT_ROOT / "inputs", inputs)
    tick = Ticker(inputs)
    assert tick.settle() == ["2024-12"] == [run_reads(inputs)] == [latest_period(inputs)]
    assert reporting_period() != "2024-12"

    # the planner edits the referensi: the latest month with realisation files is re-run
    [referensi] = (inputs / "referensi").glob("*.xlsx")
    with open(referensi, "ab") as fh:
        fh.write(b"\0")  # any change of content
    assert tick.settle() == ["2024-12"]
    assert tick.settle() == []


def test_referensi_alone_asks_for_the_reporting_period(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(PROJECT_ROOT / "inputs" / "referensi", inputs / "referensi")
    now = datetime(2025, 3, 4, 9, tzinfo=WITA)
    state = None
    for _ in range(2):
        requests, state, _ = sensors.evaluate(inputs, state, now=now)
    assert [p for p, _, _ in requests] == ["2025-02"]


def test_the_period_is_learned_once_per_content(tmp_path, monkeypatch):
    inputs = tmp_path / "inputs"
    path = realisasi(inputs / "realisasi" / "ukm.xlsx", [["Bulan: Desember 2024"]])
    learned: list[list[str]] = []
    real = sensors.learn_periods
    monkeypatch.setattr(sensors, "learn_periods", lambda i, rels, settings=None: learned.append(rels) or real(i, rels, settings))
    tick = Ticker(inputs)
    assert tick.settle() == ["2024-12"]
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 5_000_000_000))  # touched, same content
    shutil.copy(path, inputs / "realisasi" / "salinan.xlsx")  # same content, same folder
    assert tick.settle() == ["2024-12"]  # a new file in the month: its report changes
    assert learned == [["realisasi/ukm.xlsx"]]  # but nothing was read again

    realisasi(path, [["Bulan: November 2024"]])  # new content: read again
    assert tick.settle() == ["2024-11", "2024-12"]
    assert learned[-1] == ["realisasi/ukm.xlsx"]
