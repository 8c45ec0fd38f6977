"""End to end: hostile and broken files dropped next to the sample inputs, one ``lkjip run``.

A zip bomb, a billion-laughs DTD, a macro project, an encrypted (OLE2) file, a
legacy .xls renamed .xlsx, a truncated copy, a 0-byte file and a sheet with a
cell at XFD1048576, in ``realisasi/`` and in ``odk/`` (plus an Excel file
renamed .csv).  Each is rejected in ``Ringkasan`` with its reason, the run ends
with exit 0, and the figures of the good files are exactly the published ones.
"""

from __future__ import annotations

import pytest

REASON_WORDS = {
    "bom zip.xlsx": "bom zip",
    "billion laughs.xlsx": "DOCTYPE",
    "makro.xlsx": "makro",
    "sandi.xlsx": "kata sandi",
    "lama diganti nama.xlsx": ".xls lama",
    "terpotong.xlsx": "belum lengkap",
    "kosong.xlsx": "belum lengkap",
    "rentang XFD.xlsx": "rentang sel tidak wajar",
}


@pytest.fixture(scope="module")
def dropped(build, tmp_path_factory):
    root = tmp_path_factory.mktemp("hostile")
    inputs = build.copy_inputs(root / "inputs")
    made = {}
    for kind in ("realisasi", "odk"):
        for name, rule in build.hostile_files(inputs / kind, root / "scratch", "Kiriman").items():
            made[f"{kind}/Kiriman {name}"] = rule
    excel_as_csv = inputs / "odk" / "ODK ekspor.csv"
    excel_as_csv.write_bytes(build.simple_xlsx(root / "scratch" / "x.xlsx").read_bytes())
    made["odk/ODK ekspor.csv"] = "file_not_readable"
    report = build.run_pipeline(inputs, root / "outputs")
    return report, made


def test_each_hostile_file_is_rejected_with_its_reason(dropped):
    report, made = dropped
    rows = report.ringkasan()
    for name, rule in made.items():
        assert name in rows, name
        row = rows[name]
        assert row["Status"] == "Ditolak", name
        assert row["Baris Dibaca"] == row["Baris Diterima"] == row["Baris Ditolak"] == 0, name
        problems = report.problems(name)
        assert [p["Aturan"] for p in problems] == [rule], (name, problems)
        assert problems[0]["Tingkat"] == "Error"
        word = REASON_WORDS.get(name.split("Kiriman ", 1)[-1])
        if word:
            assert word in problems[0]["Pesan"] and word in row["Catatan"], (name, problems[0]["Pesan"])
        if name.endswith("kosong.xlsx"):
            assert row["Ukuran (byte)"] == 0


def test_every_file_balances(dropped):
    report, _ = dropped
    for name, r in report.ringkasan().items():
        assert r["Baris Dibaca"] == r["Baris Diterima"] + r["Baris Ditolak"], name


def test_good_figures_unchanged(dropped, golden):
    report, _ = dropped
    rows = report.records("Realisasi Anggaran", "Level")
    total = next(r for r in rows if r["Level"] == "Jumlah")
    assert total["Pagu (Rp)"] == golden["tabel_3_8_total"]["pagu"]
    assert total["Realisasi (Rp)"] == golden["tabel_3_8_total"]["realisasi"]
    assert sum(1 for r in rows if r["Level"] != "Jumlah") == 50
    iku = {(r["Kode IKU"], r["Tahun"]): r for r in report.records("IKU", "Kode IKU")}
    assert iku[("S1", 2024)]["Realisasi"] * 100 == pytest.approx(19.61, abs=0.005)
    assert iku[("S2", 2024)]["Realisasi"] * 100 == pytest.approx(3.66, abs=0.005)


def test_no_formula_in_the_report(dropped):
    report, _ = dropped
    for ws in report.wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}"
