"""What a bidang's submission would change (pipeline.intake.submission_check), on the sample inputs."""

import shutil
from pathlib import Path

from openpyxl import load_workbook

from pipeline.intake.referensi import read_referensi
from pipeline.intake.submission_check import FIGURE_RULES, compare_submission

SAMPLE = Path(__file__).resolve().parents[2] / "inputs"
WIRA = "Bidang Kewirausahaan"
WIRA_FILE = "realisasi/2024-12/Lap Realisasi Bidang Kewirausahaan.xlsx"


def staged(tmp_path, change):
    wb = load_workbook(SAMPLE / WIRA_FILE)
    change(wb.active)
    path = tmp_path / "baru" / "realisasi" / "bidang-kewirausahaan" / "2024-12" / "Realisasi.xlsx"
    path.parent.mkdir(parents=True)
    wb.save(path)
    return path


def test_totals_before_and_after_and_the_files_replaced(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE, inputs)
    ref, _ = read_referensi(inputs)
    new = staged(tmp_path, lambda ws: ws.__setitem__("H10", 449688500))
    found = compare_submission(inputs, ref, new, tmp_path / "baru", WIRA, "2024-12")
    assert found.current_files == [WIRA_FILE] and found.shared_files == []
    assert found.before == {"pagu": 989684630.0, "realisasi_anggaran": 925679759.0, "sub_kegiatan": 2}
    assert found.after["realisasi_anggaran"] == 1325679759.0 and found.after["sub_kegiatan"] == 2
    assert found.decreases == []  # no November file


def test_a_figure_below_last_months_cumulative_is_found(tmp_path):
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE, inputs)
    november = inputs / "realisasi" / "2024-11" / "Lap Realisasi Bidang Kewirausahaan.xlsx"
    november.parent.mkdir()
    shutil.copy(SAMPLE / WIRA_FILE, november)
    ref, _ = read_referensi(inputs)
    new = staged(tmp_path, lambda ws: ws.__setitem__("H10", 40000000))  # below November's 49.688.500
    found = compare_submission(inputs, ref, new, tmp_path / "baru", WIRA, "2024-12")
    [drop] = found.decreases
    assert drop.rule == "cumulative_decrease" and drop.rule in FIGURE_RULES
    assert drop.cell == "H10" and "Rp 40.000.000" in drop.message and "Rp 49.688.500" in drop.message
    assert "November 2024" in drop.message
