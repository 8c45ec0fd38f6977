"""``lkjip validate``: the run's reading and rules for one file, printed; ``--annotate`` marks a copy."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.cli import main

ROOT = Path(__file__).resolve().parents[2]
INPUTS = ROOT / "inputs"
GOOD = INPUTS / "realisasi" / "Realisasi Des 2024 Bidang Pengawasan (final).xlsx"
HYPERLINK = '=HYPERLINK("http://x","klik")'

# title 3 lines + empty + header (row 5): data from row 6
BAD_ROWS = [
    ["2.17.03", "PROGRAM PENGAWASAN DAN PEMERIKSAAN KOPERASI", "Persentase", "%", 7, 7, 150_908_620, 127_986_135],
    ["2.17.03.1.01", HYPERLINK, "Jumlah", "Unit", 218, 218, 49_999_500, 38_267_910],
    ["2.17.03.1.01.0003", "Penguatan Tata Kelola", "Jumlah", "Unit", 218, 218, 49_999_500, 60_000_000],  # row 8
    ["2.17.03.1.02", "Pemeriksaan KSP", "Jumlah", "Unit", 86, 86, 100_909_120, 89_718_225],
    ["2.17.03.1.02.0001", "Pelaksanaan Pemeriksaan", "Jumlah", "Unit", 86, 86, "1,234.56", 89_718_225],  # row 10
    ["2.17.03.1.02.0001.5.1.02", "Kode tersambung rekening", "Jumlah", "Unit", 1, 1, 1, 1],  # row 11
    ["2.17.03.1.02.0002", "Tanpa realisasi anggaran", "Jumlah", "Unit", 1, 1, 1_000, None],  # row 12
]


def run(capsys, *args) -> tuple[int, str]:
    code = main(["validate", *map(str, args), "--inputs", str(INPUTS)])
    return code, capsys.readouterr().out


def test_good_file(tmp_path, capsys):
    path = shutil.copy(GOOD, tmp_path / "good.xlsx")
    code, out = run(capsys, path)
    assert code == 0
    assert out.splitlines()[0].endswith("Dibaca; 5 baris dibaca, 5 diterima, 0 ditolak; 0 Error, 0 Peringatan; periode 2024-12")


@pytest.fixture
def bad_file(build, tmp_path) -> Path:
    return build.realisasi_xlsx(tmp_path / "realisasi" / "2024-12" / "Realisasi Pengawasan.xlsx", BAD_ROWS)


def test_bad_file_lists_problems_with_cells(bad_file, capsys):
    code, out = run(capsys, bad_file)
    assert code == 1
    assert "7 baris dibaca, 4 diterima, 3 ditolak; 3 Error" in out
    # money is required on sub kegiatan rows (the program and kegiatan rows are subtotals)
    assert "Realisasi!H12 [Realisasi Anggaran]: Kolom Realisasi Anggaran wajib diisi" in out
    assert "Realisasi!G10 [Pagu]" in out and "1,234.56" in out
    assert "Realisasi!A11 [Kode]" in out and "kode rekening" in out
    assert "Realisasi!H8 [Realisasi Anggaran]: Realisasi anggaran Rp 60.000.000 melebihi pagu Rp 49.999.500" in out


def test_annotated_copy(bad_file, tmp_path, capsys):
    out_dir = tmp_path / "catatan"
    code = main(["validate", str(bad_file), "--inputs", str(INPUTS), "--annotate", "--out", str(out_dir)])
    assert code == 1
    target = out_dir / "Realisasi Pengawasan (catatan).xlsx"
    assert target.exists() and str(target) in capsys.readouterr().out
    wb = load_workbook(target)
    ws = wb["Realisasi"]
    assert ws["G10"].comment is not None and "bukan angka" in ws["G10"].comment.text
    assert ws["A11"].comment is not None and "Error" in ws["A11"].comment.text
    assert ws["H8"].comment is not None and "melebihi pagu" in ws["H8"].comment.text
    notes = list(wb["Catatan Validasi"].iter_rows(values_only=True))
    assert notes[0][:2] == ("Tingkat", "Lembar") and len(notes) >= 4
    for sheet in wb.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate}"
    assert ws["B7"].value == HYPERLINK and ws["B7"].data_type == "s"


@pytest.mark.parametrize("kind", ["realisasi", "odk"])
def test_hostile_files_exit_1_without_a_crash(build, tmp_path, capsys, kind):
    made = build.hostile_files(tmp_path / kind, tmp_path / "scratch", "Kiriman")
    paths = [tmp_path / kind / f"Kiriman {name}" for name in made]
    code = main(["validate", *map(str, paths), "--inputs", str(INPUTS), "--annotate", "--out", str(tmp_path / "out")])
    out = capsys.readouterr().out
    assert code == 1
    for name, rule in made.items():
        line = next(line for line in out.splitlines() if line.startswith(str(tmp_path / kind / f"Kiriman {name}")))
        assert "Ditolak" in line and "1 Error" in line, line
    assert "belum lengkap" in out and "bom zip" in out
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").iterdir())  # no copy of a refused file


def test_odk_csv_is_validated(build, tmp_path, capsys):
    rows = [["5101010000000001", "Koperasi Café", "Badung", "KSP", "aktif", 2024, 9, "1.000", "0", "900.000", "0", "Ya", "2025-01-02"],
            ["510101000000002", "Koperasi Pendek", "Badung", "KSP", "Aktif", 2024, 9, "1.000", "0", "900.000", "0", "Ya", "2025-01-02"]]
    path = build.odk_csv(tmp_path / "odk" / "ekspor.csv", rows, delimiter=";", encoding="cp1252")
    code, out = run(capsys, path)
    assert code == 1
    assert "2 baris dibaca, 1 diterima, 1 ditolak" in out and "510101000000002" in out


def test_odd_headers_offset_table_and_period_label(tmp_path, capsys):
    """Header names in any case and punctuation, the table starting at C4, the period in the next cell."""
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Lembar1"
    ws["C1"] = "Periode"
    ws["D1"] = "2024-12"
    header = ["KODE  REKENING", "nama program/kegiatan/sub kegiatan", "Indikator-Kinerja", "Sat.", "TARGET FISIK",
              "Realisasi  Fisik", "Pagu Anggaran (Rp.)", "REALISASI KEUANGAN (RP)"]
    data = [["2.17.03", "PROGRAM", "x", "%", 7, 7, 1_000, 900],
            ["2.17.03.1.01", "Kegiatan", "x", "Unit", 1, 1, 1_000, 900],
            ["2.17.03.1.01.03", "Sub", "x", "Unit", 1, 1, "Rp. 1.000,00", "(900)"]]
    for j, name in enumerate(header):
        ws.cell(row=4, column=3 + j, value=name)
    for i, values in enumerate(data):
        for j, value in enumerate(values):
            ws.cell(row=5 + i, column=3 + j, value=value)
    path = tmp_path / "odd.xlsx"
    wb.save(path)
    code, out = run(capsys, path)
    assert code == 1  # the negative realisasi anggaran "(900)"
    assert "3 baris dibaca, 2 diterima, 1 ditolak" in out and "periode 2024-12" in out
    assert "Lembar1!J7 [Realisasi Anggaran]" in out and "negatif" in out


def test_a_nik_typed_as_a_number_is_flagged_at_its_cell(build, tmp_path, capsys):
    """Excel keeps 15 digits of a number: a NIK typed as one may have lost its last digit."""
    rows = [["5101010000000001", "Koperasi Teks", "Badung", "KSP", "Aktif", 2024, 9, 1000, 0, 900000, 0, "Ya", "2025-01-02"],
            [5101010000000020, "Koperasi Angka", "Badung", "KSP", "Aktif", 2024, 9, 1000, 0, 900000, 0, "Ya", "2025-01-02"]]
    path = build.odk_xlsx(tmp_path / "odk" / "ekspor.xlsx", rows)
    code, out = run(capsys, path)
    flagged = [line for line in out.splitlines() if "disimpan sebagai angka" in line]
    assert len(flagged) == 1 and "5101010000000020" in flagged[0] and "Peringatan" in flagged[0]
    assert code == 0  # a warning: the row is used


PENGAWASAN = "realisasi/Realisasi Des 2024 Bidang Pengawasan (final).xlsx"


def _shown(p: dict) -> str:
    """A Validasi row as ``lkjip validate`` prints it."""
    where = "!".join(x for x in (p["Lembar"], p["Sel/Baris"]) if x)
    column = f" [{p['Kolom']}]" if p["Kolom"] else ""
    return f"  {p['Tingkat']:<10} {where or '-'}{column}: {p['Pesan']}"


def test_a_kegiatan_subtotal_that_does_not_add_up_is_reported_by_validate_as_by_the_run(build, tmp_path, capsys):
    """The kegiatan row's pagu differs from the sum of its sub kegiatan: validate and the run say so at its cell."""
    import os

    inputs = build.copy_inputs(tmp_path / "inputs")
    path = inputs / PENGAWASAN
    stat = path.stat()
    wb = load_workbook(path)
    assert wb["Realisasi"]["A8"].value == "2.17.03.1.01" and wb["Realisasi"]["G8"].value == "Rp. 49.999.500,00"
    wb["Realisasi"]["G8"] = "Rp. 59.999.500,00"  # its one sub kegiatan (row 9) has Rp 49.999.500
    wb.save(path)
    os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))

    code = main(["validate", str(path), "--inputs", str(inputs)])
    out = capsys.readouterr().out
    assert code == 0  # a Peringatan: the sub kegiatan are used, the kegiatan's figure is recomputed
    assert out.splitlines()[0].endswith("5 baris dibaca, 5 diterima, 0 ditolak; 0 Error, 1 Peringatan; periode 2024-12")
    expected = ("  Peringatan Realisasi!G8 [Pagu]: Kegiatan 2.17.03.1.01: Pagu tertulis Rp 59.999.500, "
                "sedangkan jumlah sub kegiatannya Rp 49.999.500")
    assert out.splitlines()[1:] == [expected]

    # the run on the same folder: the same problem, at the same cell, with the same words
    report = build.run_pipeline(inputs, tmp_path / "outputs")
    found = report.problems(PENGAWASAN)
    assert [p["Aturan"] for p in found] == ["subtotal_mismatch"] and found[0]["Sel/Baris"] == "G8"
    assert [_shown(p) for p in found] == [expected]

    # and every other realisation file: validate prints exactly the run's Validasi rows about it
    others = sorted(p for p in (inputs / "realisasi").rglob("*.xlsx") if p != path)
    assert others
    main(["validate", *map(str, others), "--inputs", str(inputs)])
    out = capsys.readouterr().out
    for other in others:
        name = other.relative_to(inputs).as_posix()
        block = out.split(f"{other}: ", 1)[1].split(f"\n{inputs}", 1)[0].splitlines()[1:]
        assert sorted(block) == sorted(_shown(p) for p in report.problems(name)), name
