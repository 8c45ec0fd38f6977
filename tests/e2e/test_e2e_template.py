"""``lkjip template``: a blank workbook for one bidang, filled in and validated without an Error."""

from __future__ import annotations

from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "inputs"
BIDANG = "Bidang Pengawasan Koperasi"


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("template")
    assert main(["template", "--bidang", BIDANG, "--period", "2025-01", "--inputs", str(INPUTS), "--out", str(out)]) == 0
    found = list(out.glob("*.xlsx"))
    assert len(found) == 1
    return found[0]


def table(ws) -> tuple[int, list[tuple]]:
    rows = list(ws.iter_rows(values_only=True))
    header = next(i for i, r in enumerate(rows) if r and r[0] == "Kode")
    return header + 1, [r for r in rows[header + 1:] if r and r[0]]


def test_rows_of_the_bidang_with_targets_and_pagu(template):
    ws = load_workbook(template)["Realisasi"]
    _, rows = table(ws)
    codes = [r[0] for r in rows]
    assert codes == ["2.17.03", "2.17.03.1.01", "2.17.03.1.01.0003", "2.17.03.1.02", "2.17.03.1.02.0001"]
    by_code = {r[0]: r for r in rows}
    sub = by_code["2.17.03.1.01.0003"]
    assert sub[1] == "Penguatan Tata Kelola Kelembagaan Koperasi" and sub[3] == "Unit"
    assert sub[4] == 218 and sub[6] == 49_999_500  # target and pagu filled
    assert sub[5] is None and sub[7] is None  # realisation left to the bidang
    assert "Januari 2025" in [c for r in ws.iter_rows(max_row=4, values_only=True) for c in r if c]


def test_data_validation_on_the_cells_to_fill(template):
    ws = load_workbook(template)["Realisasi"]
    header, rows = table(ws)
    covered = {str(ref) for dv in ws.data_validations.dataValidation for ref in dv.sqref.ranges}
    for offset, r in enumerate(rows):
        excel_row = header + 1 + offset
        if r[0].count(".") == 5:
            assert {f"F{excel_row}", f"H{excel_row}"} <= covered
    assert all(dv.type == "decimal" for dv in ws.data_validations.dataValidation)
    for row in ws.iter_rows():
        for cell in row:
            assert cell.data_type != "f"


def test_filled_template_validates_clean(template, tmp_path, capsys):
    wb = load_workbook(template)
    ws = wb["Realisasi"]
    header, rows = table(ws)
    for offset, r in enumerate(rows):
        excel_row = header + 1 + offset
        if r[0].count(".") == 5:
            ws[f"F{excel_row}"] = r[4]  # realisasi = target
            ws[f"H{excel_row}"] = int(r[6] * 0.9)
    filled = tmp_path / "realisasi" / "Realisasi Jan 2025 Pengawasan.xlsx"
    filled.parent.mkdir()
    wb.save(filled)
    code = main(["validate", str(filled), "--inputs", str(INPUTS)])
    out = capsys.readouterr().out
    assert code == 0, out
    assert "0 Error" in out and "periode 2025-01" in out and "0 ditolak" in out


def test_unknown_bidang_lists_the_known_ones(tmp_path, capsys):
    code = main(["template", "--bidang", "Bidang Fiktif", "--period", "2025-01", "--inputs", str(INPUTS),
                 "--out", str(tmp_path)])
    err = capsys.readouterr().err
    assert code == 1
    assert "Bidang Fiktif" in err and BIDANG in err and "Sekretariat" in err
    assert not list(tmp_path.glob("*.xlsx"))
