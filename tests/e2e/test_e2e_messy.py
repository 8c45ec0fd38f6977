"""End to end: the bundled inputs plus messy files of every kind, through ``lkjip run`` once.

The sample inputs are copied to tmp_path and files are dropped next to them:
a bidang's workbook full of mistakes (text numbers, bad codes, duplicates,
subtotals and a JUMLAH that do not add up, formula-like text, control
characters, a hidden sheet with the preferred name), two versions of the same
file, files of another month or without a period, extra ODK exports (xlsx and
CSV, with duplicates, a NIK above 2^53, unknown regions), files of formats we
do not read, lock and hidden files, and a referensi with a stated IKU and an
expected sub kegiatan nobody sent.  Every assertion reads the WRITTEN workbook.
"""

from __future__ import annotations

import pytest
from openpyxl import load_workbook

NOW = 1_736_000_000.0  # a fixed "now" for modification times (January 2025)
MESSY = "realisasi/2024-12/Realisasi Des 2024 Bidang Lain (berantakan).xlsx"
DUP_OLD = "realisasi/Realisasi 2.17.09 versi lama.xlsx"
DUP_NEW = "realisasi/Realisasi 2.17.09 versi baru.xlsx"
CONFLICT = "realisasi/2024-11/Realisasi konflik periode.xlsx"
NO_PERIOD = "realisasi/Realisasi tanpa periode.xlsx"
NOVEMBER = "realisasi/2024-11/Realisasi Nov 2024 Pengawasan.xlsx"
ODK_XLSX = "odk/ODK tambahan.xlsx"
ODK_CSV = "odk/ODK susulan.csv"
ODK_CSV_BOM = "odk/ODK susulan utf8.csv"
REFERENSI = "referensi/Referensi LKjIP Diskop UKM Bali 2024.xlsx"
BIG_NIK = "9007199254740993"  # 2^53 + 1: a float would make it ...992
HYPERLINK = '=HYPERLINK("http://x","klik")'
CONTROL = "CTRLPLACEHOLDER"
CONTROL_REGION = "CTRLREGION"

# rows of the messy workbook, in the contract's column order:
# kode, uraian, indikator, satuan, target, realisasi, pagu, realisasi anggaran
SUB_GOOD = [
    # (excel-ish label, row)
    ["2.17.04.1.01.0001", "Pelatihan Dasar Koperasi", "Jumlah peserta", "Orang", 10, 10, "Rp. 1.234.567,00", "Rp 1.234.567,-"],
    ["2.17.04.1.01.0002", "Fasilitasi Koperasi", "Jumlah koperasi", "Unit", 10, 12, 218_410_700, 250_000_000],
    ["2.17.04.1.01.03", HYPERLINK, "Jumlah dokumen", "Dokumen", 5, 5, "2.000.000", "1.000.000"],
    ["2.17.04.1.02.0001", "@SUM(A1)", "Jumlah laporan", "Laporan", 1, 1, 1.234, "1.234"],
    ["2.17.04.1.02.0002", CONTROL, "Jumlah UMKM", "UMKM", 3, 3, "Rp\u00a03.000.000", "3.000.000"],
]
# accepted money of each sub kegiatan (pagu, realisasi anggaran)
ACCEPTED = {
    "2.17.04.1.01.0001": (1_234_567, 1_234_567),
    "2.17.04.1.01.0002": (218_410_700, 250_000_000),
    "2.17.04.1.01.0003": (2_000_000, 1_000_000),
    "2.17.04.1.02.0001": (1.234, 1_234),
    "2.17.04.1.02.0002": (3_000_000, 3_000_000),
}


def messy_rows() -> list[list]:
    k1 = [c for c in ACCEPTED if c.startswith("2.17.04.1.01.")]
    k2 = [c for c in ACCEPTED if c.startswith("2.17.04.1.02.")]
    pagu = {k: sum(ACCEPTED[c][0] for c in codes) for k, codes in (("k1", k1), ("k2", k2))}
    spent = {k: sum(ACCEPTED[c][1] for c in codes) for k, codes in (("k1", k1), ("k2", k2))}
    return [
        # the program's stated pagu is wrong (subtotal_mismatch); its realisasi is right
        ["2.17.04", "PROGRAM LAIN-LAIN", "Persentase layanan", "%", 100, 100, 999, round(spent["k1"] + spent["k2"])],
        ["2.17.04.1.01", "+1+1", "Jumlah kegiatan", "Kegiatan", 1, 1, round(pagu["k1"]), round(spent["k1"])],
        *SUB_GOOD[:3],
        None,  # an empty row between kegiatan blocks
        ["2.17.04.1.02", "-2", "Jumlah kegiatan", "Kegiatan", 1, 1, round(pagu["k2"]), round(spent["k2"])],
        *SUB_GOOD[3:],
        # rejected rows
        ["2.17.04.1.02.0003", "Pagu negatif", "x", "Unit", 1, 1, "(1.000)", "0"],
        ["2.17.04.1.02.0004", "Pagu ambigu", "x", "Unit", 1, 1, "1,234.56", "0"],
        ["2.17.07.1.01.0002.5.1.02.04.01.0008", "Kode tersambung rekening", "x", "Unit", 1, 1, 5_000, 5_000],
        ["2.17.2.1.01.0001", "Kode program satu digit", "x", "Unit", 1, 1, 5_000, 5_000],
        ["Lain-lain", "Kode berupa teks", "x", "Unit", 1, 1, 5_000, 5_000],
        ["2.17.04.1.01.0001", "Pelatihan Dasar Koperasi (dobel)", "Jumlah peserta", "Orang", 10, 10, 7_777, 7_777],
        # JUMLAH: pagu wrong (total_mismatch); realisasi right, counting every readable sub kegiatan
        # row above it (the duplicate row included, as an Excel SUM would)
        [None, "JUMLAH", None, None, None, None, 1, round(spent["k1"] + spent["k2"]) + 7_777],
    ]


# Excel rows of the messy sheet: title 3 lines + empty + two header rows (5, 6) -> data from row 7
FIRST = 7
ROW_OF = {
    "program": FIRST, "k1": FIRST + 1, "2.17.04.1.01.0001": FIRST + 2, "2.17.04.1.01.0002": FIRST + 3,
    "2.17.04.1.01.0003": FIRST + 4, "k2": FIRST + 6, "2.17.04.1.02.0001": FIRST + 7, "2.17.04.1.02.0002": FIRST + 8,
    "negatif": FIRST + 9, "ambigu": FIRST + 10, "rekening": FIRST + 11, "satu digit": FIRST + 12, "teks": FIRST + 13,
    "dobel": FIRST + 14, "jumlah": FIRST + 15,
}
REJECTED_ROWS = 6


def dup_rows(spent: int) -> list[list]:
    return [
        ["2.17.09", "PROGRAM DUPLIKAT", "Persentase", "%", 100, 100, 100_000_000, spent],
        ["2.17.09.1.01", "Kegiatan duplikat", "Jumlah", "Unit", 1, 1, 100_000_000, spent],
        ["2.17.09.1.01.0001", "Sub kegiatan duplikat", "Jumlah", "Unit", 1, 1, 100_000_000, spent],
    ]


ODK_ROWS = [
    # NIK, Nama, Kabupaten, Jenis, Status, Tahun Buku, Anggota, Modal Sendiri, Modal Luar, Volume Usaha, SHU, Digital, Tanggal
    [BIG_NIK, "Koperasi Raksasa", "Kab. Badung", "KSP", "Aktif", 2021, 10, 1000, 0, 1_000_000, -5, "Ya", "2025-01-01"],
    ["510101000000001", "Koperasi NIK Pendek", "Badung", "KSP", "Aktif", 2021, 10, 1000, 0, 1_000_000, 5, "Ya", "2025-01-01"],
    ["5101010000000002", "Koperasi Rumus", HYPERLINK, "KSP", "Aktif", 2021, 10, 1000, 0, 1_000_000, 5, "Ya", "2025-01-01"],
    ["5101010000000003", "Koperasi Huruf Kecil", "KOTA DENPASAR", "KSP", "aktif", 2021, 10, 1000, 0, 1_000_000, 5, "tidak", "2025-01-01"],
    ["5101010000000004", "Koperasi Digital Ragu", "Gianyar", "KSP", "Aktif", 2021, 10, 1000, 0, 1_000_000, 5, "Mungkin", "2025-01-01"],
    ["5101010000000005", "Koperasi Versi Lama", "Gianyar", "KSP", "Aktif", 2021, 10, 1000, 0, 1_000_000, 5, "Ya", "2024-06-01"],
    ["5101010000000005", "Koperasi Versi Baru", "Gianyar", "KSP", "Aktif", 2021, 11, 1000, 0, 2_000_000, 5, "Ya", "2024-12-01"],
    ["5101010000000007", "Koperasi Kontrol", CONTROL_REGION, "KSP", "Aktif", 2021, 10, 1000, 0, 1_000_000, 5, "Ya", "2025-01-01"],
]
ODK_XLSX_REJECTED = {"510101000000001", "5101010000000002", "5101010000000004", "5101010000000007"}
CSV_ROWS = [
    [BIG_NIK, "Koperasi Raksasa (pembaruan) Ñ", "Badung", "KSP", "Aktif", 2021, 12, "1.000", "0", "1.500.000", "-5", "Ya", "2025-01-10"],
    ["5101010000000010", "Koperasi Café Sejahtera", "Tabanan", "KSP", "Tidak Aktif", 2021, 9, "1.000", "0", "900.000", "0", "Tidak", "2025-01-02"],
]
CSV_BOM_ROWS = [
    ["5101010000000011", "Koperasi Bom UTF-8 ÷", "Bangli", "KSU", "Aktif", 2021, 9, "1000", "0", "800000", "0", "Ya", "2025-01-02"],
]
UNSUPPORTED = {
    "realisasi/laporan.pdf": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n",
    "realisasi/catatan.docx": b"PK\x03\x04 not really a docx",
    "realisasi/lama.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
    "realisasi/makro.xlsm": b"PK\x03\x04 macro workbook",
    "realisasi/calc.ods": b"PK\x03\x04 opendocument",
    "odk/ekspor.xls": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 600,
    "odk/ekspor.ods": b"PK\x03\x04 opendocument",
    "referensi/catatan.pdf": b"%PDF-1.4\n",
}
IGNORED = ["realisasi/~$Realisasi Des 2024 Sekretariat.xlsx", "realisasi/.tersembunyi.xlsx", "odk/~$ODK Bali.xlsx",
           "odk/.tersembunyi.csv", "realisasi/.cache/salinan.xlsx"]


def build_inputs(build, root):
    inputs = build.copy_inputs(root / "inputs")
    # the referensi: a stated realisasi that differs from the computed one, and an expected sub kegiatan
    ref_path = inputs / REFERENSI
    wb = load_workbook(ref_path)
    wb["Realisasi IKU"].append(["S1", 2024, "20,00%", "LKjIP 2024 (ditetapkan)"])  # Indonesian percent text
    wb["Bidang"].append(["2.17.03.1.01.0009", "Bidang Pengawasan Koperasi"])
    wb.save(ref_path)

    hidden_rows = [["2.17.04.1.01.0001", "Lembar tersembunyi", "x", "Unit", 1, 1, 9_999_999_999, 9_999_999_999]]
    build.realisasi_xlsx(inputs / MESSY, messy_rows(), sheet="Data", two_row_header=True, before=["Petunjuk"],
                         hidden={"Realisasi": hidden_rows}, control={CONTROL: "Bimtek\x01\x07 UMKM"}, mtime=NOW - 100)
    build.realisasi_xlsx(inputs / DUP_OLD, dup_rows(50_000_000), mtime=NOW - 3600)
    build.realisasi_xlsx(inputs / DUP_NEW, dup_rows(80_000_000), mtime=NOW - 60)
    build.realisasi_xlsx(inputs / CONFLICT, dup_rows(1), mtime=NOW)
    build.realisasi_xlsx(inputs / NO_PERIOD, dup_rows(1), title=["LAPORAN REALISASI FISIK DAN KEUANGAN"], mtime=NOW)
    november = [["2.17.03.1.01.0003", "Penguatan Tata Kelola", "x", "Unit", 218, 100, 49_999_500, 1]]
    build.realisasi_xlsx(inputs / NOVEMBER, november, title=["Bulan: November 2024"], mtime=NOW)

    build.odk_xlsx(inputs / ODK_XLSX, ODK_ROWS, mtime=NOW - 3600)
    build.replace_text(inputs / ODK_XLSX, {CONTROL_REGION: "Kota_x0001__x0007_ Atlantis"})
    build.odk_csv(inputs / ODK_CSV, CSV_ROWS, delimiter=";", encoding="cp1252")
    build.odk_csv(inputs / ODK_CSV_BOM, CSV_BOM_ROWS, delimiter=",", encoding="utf-8", bom=True)

    for name, data in UNSUPPORTED.items():
        (inputs / name).write_bytes(data)
    for name in IGNORED:
        (inputs / name).parent.mkdir(parents=True, exist_ok=True)
        (inputs / name).write_bytes(b"\x00garbage")
    return inputs


@pytest.fixture(scope="module")
def report(build, tmp_path_factory):
    root = tmp_path_factory.mktemp("messy")
    inputs = build_inputs(build, root)
    return build.run_pipeline(inputs, root / "outputs")


def one(report, file, rule, **match):
    found = [p for p in report.problems(file, rule) if all(p[k] == v for k, v in match.items())]
    assert len(found) == 1, (rule, match, report.problems(file))
    return found[0]


# --- the account of every file -----------------------------------------------------------


def test_every_file_is_accounted_for(report):
    rows = report.ringkasan()
    listed = set(rows)
    for name in [MESSY, DUP_OLD, DUP_NEW, CONFLICT, NO_PERIOD, NOVEMBER, ODK_XLSX, ODK_CSV, ODK_CSV_BOM, *UNSUPPORTED]:
        assert name in listed, name
    for name in IGNORED:  # lock and hidden files: silently ignored, not even listed
        assert name not in listed
        assert not report.problems(name)
    for name, r in rows.items():
        assert r["Baris Dibaca"] == r["Baris Diterima"] + r["Baris Ditolak"], name
        assert len(r["SHA-256"]) == 64, name
        if r["Status"] == "Ditolak" or r["Baris Ditolak"]:
            assert any(p["Tingkat"] == "Error" for p in report.problems(name)), name


@pytest.mark.parametrize("name", sorted(UNSUPPORTED))
def test_unsupported_formats_are_rejected_with_a_reason(report, name):
    row = report.ringkasan()[name]
    assert row["Status"] == "Ditolak"
    assert "tidak didukung" in row["Catatan"]
    p = one(report, name, "file_format_unsupported")
    assert p["Tingkat"] == "Error" and p["Nilai"] == "." + name.rsplit(".", 1)[1]


def test_period_conflict_and_missing(report):
    rows = report.ringkasan()
    conflict = rows[CONFLICT]
    assert conflict["Status"] == "Ditolak"
    assert conflict["Baris Dibaca"] == 3 and conflict["Baris Ditolak"] == 3
    p = one(report, CONFLICT, "period_conflict")
    assert "Desember 2024" in p["Pesan"] and "November 2024" in p["Pesan"]
    missing = rows[NO_PERIOD]
    assert missing["Status"] == "Ditolak" and missing["Baris Dibaca"] == 3 and missing["Baris Ditolak"] == 3
    one(report, NO_PERIOD, "period_missing")


def test_another_month_is_listed_not_used(report):
    row = report.ringkasan()[NOVEMBER]
    assert row["Status"] == "Periode lain" and row["Periode"] == "2024-11"
    assert row["Baris Dibaca"] == row["Baris Diterima"] + row["Baris Ditolak"] == 1
    tree = {r["Kode"]: r for r in report.records("Realisasi Anggaran", "Level")}
    assert tree["2.17.03.1.01.0003"]["Realisasi (Rp)"] == 38_267_910  # December's figure, not November's


# --- realisation: the messy workbook ------------------------------------------------------


def test_messy_workbook_account(report):
    row = report.ringkasan()[MESSY]
    assert row["Status"] == "Dibaca" and row["Periode"] == "2024-12"
    # program, 2 kegiatan, 5 sub kegiatan accepted; 6 rows rejected; JUMLAH and the empty row are not data
    assert (row["Baris Dibaca"], row["Baris Diterima"], row["Baris Ditolak"]) == (14, 8, REJECTED_ROWS)


def test_figures_of_the_good_rows(report):
    tree = {r["Kode"]: r for r in report.records("Realisasi Anggaran", "Level")}
    for code, (pagu, spent) in ACCEPTED.items():
        assert tree[code]["Pagu (Rp)"] == round(pagu), code
        assert tree[code]["Realisasi (Rp)"] == spent, code
    # a hidden sheet named 'Realisasi' does not win over the visible table
    assert tree["2.17.04.1.01.0001"]["Uraian"] == "Pelatihan Dasar Koperasi"
    # the program is recomputed from its sub kegiatan, not taken as stated (999)
    assert tree["2.17.04"]["Pagu (Rp)"] == round(sum(p for p, _ in ACCEPTED.values()))
    assert "2.17.04.1.02.0003" not in tree and "2.17.04.1.02.0004" not in tree


def test_text_numbers_and_ambiguous_ones(report):
    p = one(report, MESSY, "number_invalid")
    # the two-row header puts Pagu in column F, Realisasi Fisik in G and Realisasi Keuangan in H
    assert p["Sel/Baris"] == f"F{ROW_OF['ambigu']}" and p["Nilai"] == "1,234.56" and p["Kolom"] == "Pagu"
    neg = one(report, MESSY, "number_negative")
    assert neg["Sel/Baris"] == f"F{ROW_OF['negatif']}" and neg["Tingkat"] == "Error"
    # a numeric 1.234 is one rupiah and a bit; the text "1.234" is one thousand two hundred thirty-four
    over = one(report, MESSY, "realisasi_over_pagu", **{"Sel/Baris": f"H{ROW_OF['2.17.04.1.02.0001']}"})
    assert over["Pesan"] == "Realisasi anggaran Rp 1.234 melebihi pagu Rp 1"


def test_realisasi_over_pagu_and_target(report):
    row = ROW_OF["2.17.04.1.01.0002"]
    p = one(report, MESSY, "realisasi_over_pagu", **{"Sel/Baris": f"H{row}"})
    assert p["Tingkat"] == "Peringatan"
    assert p["Pesan"] == "Realisasi anggaran Rp 250.000.000 melebihi pagu Rp 218.410.700"
    t = one(report, MESSY, "realisasi_over_target")
    assert t["Sel/Baris"] == f"G{row}" and t["Tingkat"] == "Peringatan" and "12" in t["Pesan"] and "10" in t["Pesan"]


def test_malformed_codes(report):
    found = {p["Sel/Baris"]: p for p in report.problems(MESSY, "code_invalid")}
    assert set(found) == {f"A{ROW_OF[k]}" for k in ("rekening", "satu digit", "teks")}
    assert all(p["Tingkat"] == "Error" and p["Kolom"] == "Kode" for p in found.values())
    assert "kode rekening" in found[f"A{ROW_OF['rekening']}"]["Pesan"]
    assert found[f"A{ROW_OF['teks']}"]["Nilai"] == "Lain-lain"
    # one problem per bad cell: no extra 'wajib diisi' for a code that was there but malformed
    assert not [p for p in report.problems(MESSY, "required")]


def test_duplicate_within_a_file(report):
    p = one(report, MESSY, "duplicate_row")
    assert p["Sel/Baris"] == f"baris {ROW_OF['dobel']}" and p["Nilai"] == "2.17.04.1.01.0001"
    assert f"baris {ROW_OF['2.17.04.1.01.0001']}" in p["Pesan"]


def test_subtotal_and_total_rows(report):
    sub = one(report, MESSY, "subtotal_mismatch", Kolom="Pagu")
    assert "2.17.04" in sub["Pesan"] and sub["Tingkat"] == "Peringatan"
    assert sub["Sel/Baris"] == f"F{ROW_OF['program']}"  # the program row's Pagu cell
    assert all("2.17.04" in p["Pesan"] for p in report.problems(MESSY, "subtotal_mismatch"))
    total = one(report, MESSY, "total_mismatch")
    assert total["Sel/Baris"] == f"F{ROW_OF['jumlah']}" and total["Kolom"] == "Pagu" and total["Tingkat"] == "Peringatan"


def test_newest_file_wins(report):
    tree = {r["Kode"]: r for r in report.records("Realisasi Anggaran", "Level")}
    assert tree["2.17.09.1.01.0001"]["Realisasi (Rp)"] == 80_000_000
    lost = report.problems(DUP_OLD, "duplicate_superseded")
    assert {p["Nilai"] for p in lost} == {"2.17.09", "2.17.09.1.01", "2.17.09.1.01.0001"}
    sub = next(p for p in lost if p["Nilai"] == "2.17.09.1.01.0001")
    assert sub["Tingkat"] == "Error" and sub["Sel/Baris"] == "baris 8" and DUP_NEW in sub["Pesan"]
    rows = report.ringkasan()
    assert rows[DUP_OLD]["Baris Ditolak"] == 3 and rows[DUP_NEW]["Baris Ditolak"] == 0


def test_cross_checks_against_the_referensi(report):
    unknown = {p["Nilai"] for p in report.problems(rule="unknown_sub_kegiatan")}
    assert set(ACCEPTED) <= unknown and "2.17.09.1.01.0001" in unknown
    missing = one(report, REFERENSI, "missing_sub_kegiatan")
    assert missing["Nilai"] == "2.17.03.1.01.0009" and "Bidang Pengawasan Koperasi" in missing["Pesan"]
    one(report, REFERENSI, "budget_mismatch")
    override = one(report, REFERENSI, "iku_override")
    assert override["Tingkat"] == "Peringatan" and "2024" in override["Pesan"]
    iku = {(r["Kode IKU"], r["Tahun"]): r for r in report.records("IKU", "Kode IKU")}
    assert iku[("S1", 2024)]["Realisasi"] == pytest.approx(0.20)  # the stated value is used


# --- ODK -----------------------------------------------------------------------------------


def test_odk_rules(report):
    assert one(report, ODK_XLSX, "nik_invalid")["Nilai"] == "510101000000001"
    regions = {p["Nilai"] for p in report.problems(ODK_XLSX, "unknown_region")}
    assert regions == {HYPERLINK, "Kota Atlantis"}  # control characters removed
    allowed = one(report, ODK_XLSX, "value_not_allowed")
    assert allowed["Nilai"] == "Mungkin" and allowed["Kolom"] == "Digital" and allowed["Sel/Baris"].startswith("L")
    assert not [p for p in report.problems(ODK_XLSX) if p["Nilai"] in ("aktif", "tidak")]


def test_odk_duplicates_latest_update_wins(report):
    within = [p for p in report.problems(ODK_XLSX, "duplicate_superseded") if p["Nilai"] == "5101010000000005"]
    assert len(within) == 1 and within[0]["Sel/Baris"] == "baris 10"  # title 2 + empty + header 4 -> data from 5
    across = [p for p in report.problems(ODK_XLSX, "duplicate_superseded") if p["Nilai"] == BIG_NIK]
    assert len(across) == 1 and ODK_CSV in across[0]["Pesan"]  # the NIK above 2^53 survives, digit for digit


def test_odk_accounts(report):
    rows = report.ringkasan()
    xlsx = rows[ODK_XLSX]
    assert xlsx["Baris Dibaca"] == len(ODK_ROWS)
    # rejected: NIK, 2 regions, digital, plus two superseded rows (within the file and by the CSV)
    assert xlsx["Baris Ditolak"] == len(ODK_XLSX_REJECTED) + 2
    assert (rows[ODK_CSV]["Baris Dibaca"], rows[ODK_CSV]["Baris Ditolak"]) == (2, 0)
    assert (rows[ODK_CSV_BOM]["Baris Dibaca"], rows[ODK_CSV_BOM]["Baris Ditolak"]) == (1, 0)


# --- the report is values only -------------------------------------------------------------


def test_no_formula_anywhere_and_text_stays_text(report):
    wb = report.wb
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{ws.title}!{cell.coordinate}"
                if isinstance(cell.value, str):
                    assert not any(ord(ch) < 32 and ch not in "\t\n\r" for ch in cell.value), f"{ws.title}!{cell.coordinate}"
    tree = {r["Kode"]: r for r in report.records("Realisasi Anggaran", "Level")}
    assert tree["2.17.04.1.01.0003"]["Uraian"] == HYPERLINK
    assert tree["2.17.04.1.02.0001"]["Uraian"] == "@SUM(A1)"
    assert tree["2.17.04.1.01"]["Uraian"] == "+1+1"
    assert tree["2.17.04.1.02"]["Uraian"] == "-2"
    assert tree["2.17.04.1.02.0002"]["Uraian"] == "Bimtek UMKM"
    ws = wb["Realisasi Anggaran"]
    for r in ws.iter_rows():
        for cell in r:
            if cell.value in (HYPERLINK, "@SUM(A1)", "+1+1", "-2"):
                assert cell.data_type == "s"


def test_the_sample_programs_are_untouched(report, golden):
    tree = {r["Kode"]: r for r in report.records("Realisasi Anggaran", "Level")}
    total = next(r for r in report.records("Realisasi Anggaran", "Level") if r["Level"] == "Jumlah")
    extra_pagu = round(sum(p for p, _ in ACCEPTED.values())) + 100_000_000
    extra_spent = sum(s for _, s in ACCEPTED.values()) + 80_000_000
    assert total["Pagu (Rp)"] == golden["tabel_3_8_total"]["pagu"] + extra_pagu
    assert total["Realisasi (Rp)"] == golden["tabel_3_8_total"]["realisasi"] + extra_spent
    assert tree["2.17.03"]["Pagu (Rp)"] == 150_908_620 and tree["2.17.03"]["Realisasi (Rp)"] == 127_986_135
