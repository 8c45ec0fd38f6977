"""`lkjip run` as the output contract describes it: exit codes, defaults, re-runs."""

from __future__ import annotations

import shutil

import pytest
from openpyxl import load_workbook

from pipeline.cli import main
from pipeline.settings import PROJECT_ROOT

SAMPLE_INPUTS = PROJECT_ROOT / "inputs"


def _values(path) -> dict[str, list[tuple]]:
    wb = load_workbook(path)
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def test_no_referensi_gives_a_one_line_reason_and_no_workbook(tmp_path, capsys):
    inputs = tmp_path / "inputs"
    shutil.copytree(SAMPLE_INPUTS / "realisasi", inputs / "realisasi")
    (inputs / "referensi").mkdir()
    code = main(["run", "--inputs", str(inputs), "--outputs", str(tmp_path / "out")])
    err = capsys.readouterr().err.strip().splitlines()
    assert code != 0
    assert err and "referensi" in err[-1].lower()
    assert not list((tmp_path / "out").rglob("*.xlsx"))


def test_a_month_nobody_reported_still_gives_a_workbook(tmp_path):
    """Bad or missing inputs never stop the run: every bidang shows as not submitted."""
    out = tmp_path / "out"
    assert main(["run", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(out), "--period", "2025-01"]) == 0
    wb = load_workbook(out / "2025-01" / "laporan-kinerja-2025-01.xlsx")
    header, *rows = [r for r in wb["Pengumpulan"].iter_rows(min_row=5, values_only=True) if r[0]]
    rows = [dict(zip(header, r, strict=True)) for r in rows]
    assert len(rows) == 6 and {r["Status"] for r in rows} == {"Belum Mengirim"}
    assert {r["Wajib Lapor"] for r in rows} == {"Ya"}
    ringkasan = {r[0]: r for r in wb["Ringkasan"].iter_rows(values_only=True) if r[0]}
    december = ringkasan["realisasi/Realisasi Des 2024 Sekretariat.xlsx"]
    assert december[2] == "Periode lain"  # the December file is not reused for January


@pytest.mark.slow  # a second run of the sample; tests/e2e/test_e2e_office.py checks the same on every cell
def test_rerun_with_unchanged_inputs_gives_the_same_contents(sample_report, tmp_path):
    """Only the 'Dibuat' (made at) line of Ringkasan may differ between two runs."""
    out = tmp_path / "out"
    assert main(["run", "--inputs", str(SAMPLE_INPUTS), "--outputs", str(out)]) == 0
    first, second = _values(sample_report), _values(out / "2024-12" / "laporan-kinerja-2024-12.xlsx")
    assert first.keys() == second.keys()
    for name in first:
        a = [r for r in first[name] if not (r and isinstance(r[0], str) and r[0].startswith("Dibuat:"))]
        b = [r for r in second[name] if not (r and isinstance(r[0], str) and r[0].startswith("Dibuat:"))]
        assert a == b, name
    history = list((out / "2024-12" / "riwayat").glob("laporan-kinerja-2024-12-*.xlsx"))
    assert len(history) == 1
