"""Reading SIPD exports: aliases, Indonesian numbers, 2021 codes, the cut-off date, a Pemda-wide export,
and every bad input with its cell and Indonesian message; nothing lost."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import polars as pl
import pytest

from pipeline.intake.files import OTHER_PERIOD, REJECTED
from pipeline.intake.realisasi import read_realisasi
from pipeline.intake.referensi import Referensi, read_referensi
from pipeline.intake.sipd import apply_to_realisasi, read_sipd
from pipeline.problems import ERROR, WARNING
from pipeline.samples.sipd import KODE_SKPD, sipd_rows, write_sipd_csv, write_sipd_xlsx

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "inputs"
PERIOD = "2024-12"


def _row(sub="2.17.02.1.01.0001", akun="5.1.02.01.01.0024", pagu=1_000_000, real=500_000, skpd=KODE_SKPD,
         nama="Fasilitasi Izin Usaha Simpan Pinjam", nama_akun="Belanja Alat Tulis Kantor") -> dict:
    return {"kode_skpd": skpd, "nama_skpd": "Dinas", "kode_sub_giat": sub, "nama_sub_giat": nama, "kode_akun": akun,
            "nama_akun": nama_akun, "nilai": pagu, "realisasi_rill": real}


def _balanced(intake) -> None:
    for s in intake.sources:
        assert s.report.rows_read == s.report.rows_accepted + s.report.rows_rejected, s.report
        if s.report.rows_rejected or s.report.status == REJECTED:
            assert any(p.severity == ERROR for p in s.problems), s.report.file


def _read(tmp_path, rows, ref=None, period=PERIOD, name="lra.csv", **kwargs):
    path = tmp_path / "sipd" / name
    (write_sipd_xlsx if name.endswith(".xlsx") else write_sipd_csv)(path, rows, **kwargs)
    intake = read_sipd(tmp_path, ref or Referensi(file=""), period)
    _balanced(intake)
    return intake


def test_the_bundled_export_is_read_whole():
    intake = read_sipd(SAMPLE, read_referensi(SAMPLE)[0], PERIOD)
    _balanced(intake)
    assert intake.problems == []
    assert intake.cutoff == dt.date(2024, 12, 31)
    assert intake.rows.height == len(sipd_rows()) == intake.sources[0].report.rows_accepted
    assert intake.sources[0].report.period == PERIOD
    assert "31 Desember 2024" in intake.sources[0].report.note


def test_aliases_indonesian_numbers_and_a_tanggal_column(tmp_path):
    rows = [{**_row(), "nilai": "1.250.000,00", "realisasi_rill": "Rp 1.000.000", "tanggal": "30/11/2024"}]
    rename = {"kode_sub_giat": "Kode Sub Kegiatan", "nama_sub_giat": "Nama Sub Kegiatan", "kode_akun": "Kode Rekening",
              "nama_akun": "Uraian Rekening", "nilai": "Pagu Anggaran", "realisasi_rill": "Realisasi Anggaran",
              "kode_skpd": "Kode SKPD", "tanggal": "Per Tanggal"}
    columns = ("kode_skpd", "kode_sub_giat", "nama_sub_giat", "kode_akun", "nama_akun", "nilai", "realisasi_rill",
               "tanggal")
    intake = _read(tmp_path, rows, columns=columns, rename=rename, title=["LAPORAN REALISASI ANGGARAN"],
                   period="2024-11")
    assert intake.problems == []
    r = intake.rows.row(0, named=True)
    assert (r["pagu"], r["realisasi_anggaran"], r["kode"]) == (1_250_000, 1_000_000, "2.17.02.1.01.0001")
    assert intake.cutoff == dt.date(2024, 11, 30)


def test_two_digit_codes_of_2021_exports_join_the_four_digit_ones(tmp_path):
    rows = [_row(sub="2.17.02.1.01.01", akun="5.1.02.01.01.0024", pagu=600, real=100),
            _row(sub="2.17.02.1.01.0001", akun="5.1.02.04.01.0001", pagu=400, real=300)]
    intake = _read(tmp_path, rows)
    assert intake.problems == []
    assert set(intake.rows["kode"]) == {"2.17.02.1.01.0001"}
    from pipeline.domain.sipd import per_sub_kegiatan

    total = per_sub_kegiatan(intake.used).row(0, named=True)
    assert (total["pagu"], total["realisasi_anggaran"], total["rekening"]) == (1000, 400, 2)


def test_a_sub_kegiatan_run_together_with_an_account_code(tmp_path):
    intake = _read(tmp_path, [_row(), _row(sub="2.17.02.1.01.0001.5.1.02.01.01.0024", akun="5.1.02.04.01.0001")],
                   name="lra.xlsx")
    [found] = intake.problems
    assert (found.severity, found.rule, found.file, found.sheet, found.cell) == (
        ERROR, "code_invalid", "sipd/lra.xlsx", "Realisasi", "C8")
    assert "tersambung dengan kode rekening" in found.message
    assert intake.sources[0].report.rows_rejected == 1 and intake.rows.height == 1


def test_a_program_code_and_a_bad_account_code_are_rejected(tmp_path):
    intake = _read(tmp_path, [_row(sub="2.17.02"), _row(akun="4.1.01.01"), _row(akun="5.1.02.04.01.0001")])
    rules = sorted((p.rule, p.cell) for p in intake.problems)
    assert rules == [("akun_invalid", "E7"), ("code_invalid", "C6")]
    assert all(p.severity == ERROR for p in intake.problems)
    assert "sub kegiatan (6 bagian" in next(p.message for p in intake.problems if p.rule == "code_invalid")
    assert intake.sources[0].report.rows_rejected == 2


def test_a_negative_pagu(tmp_path):
    intake = _read(tmp_path, [_row(pagu=-5_000_000, real=0), _row(akun="5.1.02.04.01.0001")])
    [found] = intake.problems
    assert (found.severity, found.rule, found.cell, found.column) == (ERROR, "number_negative", "G6", "Pagu")
    assert "tidak boleh negatif" in found.message


def test_realisasi_above_pagu_is_kept_with_a_warning(tmp_path):
    intake = _read(tmp_path, [_row(pagu=1_000_000, real=1_500_000)])
    [found] = intake.problems
    assert (found.severity, found.rule, found.cell) == (WARNING, "realisasi_over_pagu", "H6")
    assert found.message == "Realisasi anggaran Rp 1.500.000 melebihi pagu Rp 1.000.000"
    assert intake.rows.height == 1


def test_a_duplicated_row_within_and_across_files_of_one_cutoff(tmp_path):
    write_sipd_csv(tmp_path / "sipd" / "b.csv", [_row()])
    intake = _read(tmp_path, [_row(), _row()], name="a.csv")
    found = sorted((p.file, p.cell, p.rule) for p in intake.problems)
    assert found == [("sipd/a.csv", "E7", "sipd_duplicate"), ("sipd/b.csv", "E6", "sipd_duplicate")]
    assert {p.severity for p in intake.problems} == {ERROR}
    assert "sipd/a.csv baris 6" in next(p.message for p in intake.problems if p.file == "sipd/b.csv")
    assert intake.rows.height == 1


def test_realisasi_rencana_is_not_the_realisation(tmp_path):
    columns = ("kode_skpd", "kode_sub_giat", "kode_akun", "nilai", "realisasi_rencana")
    rows = [{**_row(), "realisasi_rencana": 10}, {**_row(akun="5.1.02.04.01.0001"), "realisasi_rencana": 10}]
    intake = _read(tmp_path, rows, columns=columns, name="lra.xlsx")
    [found] = intake.problems
    assert (found.severity, found.rule, found.cell) == (ERROR, "sipd_realisasi_rencana", "E6")
    assert "realisasi_rill" in found.message and "rencana" in found.message
    report = intake.sources[0].report
    assert (report.status, report.rows_read, report.rows_rejected) == (REJECTED, 2, 2)
    assert intake.rows.height == 0 and intake.cutoff is None


def test_a_pemda_wide_export_needs_the_opds_kode_skpd(tmp_path):
    rows = [_row(), _row(skpd="1.02.0.00.0.00.01.0000", sub="1.02.02.1.01.0001"), _row(akun="5.1.02.04.01.0001")]
    intake = _read(tmp_path, rows)
    [found] = intake.problems
    assert (found.severity, found.rule, found.cell) == (ERROR, "sipd_skpd_missing", "A5")
    assert "Kode SKPD" in found.message and "2 SKPD" in found.message
    assert intake.sources[0].report.rows_rejected == 3

    ref = Referensi(file="", kode_skpd=" 2.17.0.00.0.00.01.0000 ")
    (tmp_path / "sipd" / "lra.csv").unlink()
    intake = _read(tmp_path, rows, ref=ref)
    assert intake.problems == []
    assert set(intake.rows["kode"]) == {"2.17.02.1.01.0001"} and intake.rows.height == 2
    assert "1 baris milik SKPD lain" in intake.sources[0].report.note

    (tmp_path / "sipd" / "lra.csv").unlink()
    intake = _read(tmp_path, rows, ref=Referensi(file="", kode_skpd="9.99.0.00.0.00.01.0000"))
    [found] = intake.problems
    assert (found.severity, found.rule, found.cell) == (WARNING, "sipd_skpd_absent", "A5")
    assert "9.99.0.00.0.00.01.0000" in found.message and intake.cutoff is None


def test_the_cutoff_from_the_title_or_the_folder_else_an_error(tmp_path):
    intake = _read(tmp_path, [_row()], title=["LRA", "s.d. Bulan November 2024"], period="2024-11")
    assert intake.cutoff == dt.date(2024, 11, 30)
    write_sipd_csv(tmp_path / "sipd" / "2024-10" / "lra.csv", [_row()], title=["LRA"])
    intake = read_sipd(tmp_path, Referensi(file=""), "2024-10")
    assert intake.cutoff == dt.date(2024, 10, 31)
    november = next(s for s in intake.sources if s.report.file == "sipd/lra.csv").report
    assert november.status == OTHER_PERIOD
    write_sipd_csv(tmp_path / "sipd" / "tanpa tanggal.csv", [_row()], title=["LRA"])
    intake = read_sipd(tmp_path, Referensi(file=""), "2024-10")
    _balanced(intake)
    [found] = [p for p in intake.problems if p.rule == "sipd_date_missing"]
    assert found.file == "sipd/tanpa tanggal.csv" and found.severity == ERROR


def test_a_cutoff_outside_the_periods_month_is_a_warning(tmp_path):
    intake = _read(tmp_path, [_row()], period="2025-01", title=["Per Tanggal 31 Desember 2024"])
    assert intake.cutoff is None  # no export of 2025: the bidang's figures stand
    intake = read_sipd(tmp_path, Referensi(file=""), "2024-12")
    assert intake.problems == []
    (tmp_path / "sipd" / "lra.csv").unlink()
    intake = _read(tmp_path, [_row()], period="2024-12", title=["Per Tanggal 30 November 2024"])
    [found] = intake.problems
    assert (found.severity, found.rule) == (WARNING, "sipd_cutoff_outside")
    assert "30 November 2024" in found.message and "Desember 2024" in found.message
    assert intake.cutoff == dt.date(2024, 11, 30)


def _realisasi(tmp_path, money: bool = True, month: str = "Desember", name: str = "bidang.xlsx",
               spent: int = 400_000) -> Path:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "Realisasi"
    ws.append(["LAPORAN REALISASI"])
    ws.append([f"Bulan: {month} 2024"])
    ws.append([])
    ws.append(["Kode", "Uraian", "Indikator", "Satuan", "Target", "Realisasi", "Pagu", "Realisasi Anggaran"])
    ws.append(["2.17.02.1.01.0001", "Fasilitasi", "Jumlah", "Koperasi", 10, 10,
               1_000_000 if money else None, spent if money else None])
    ws.append(["2.17.02.1.02.0001", "Fasilitasi Cabang", "Jumlah", "Koperasi", 5, 5, None, None])
    path = tmp_path / "realisasi" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def test_budget_columns_may_stay_empty_where_sipd_gives_them(tmp_path):
    _realisasi(tmp_path)
    without = read_realisasi(tmp_path, Referensi(file=""), PERIOD)
    assert {(p.rule, p.cell) for p in without.problems} == {("required", "G6"), ("required", "H6")}
    write_sipd_csv(tmp_path / "sipd" / "lra.csv", [
        _row(pagu=1_000_000, real=500_000),  # the bidang says 400.000
        _row(sub="2.17.02.1.02.0001", pagu=300_000, real=200_000),  # the bidang left it empty
        _row(sub="2.17.04.1.01.0001", nama="Tidak dilaporkan", pagu=70_000, real=0)])
    ref = Referensi(file="")
    intake = read_realisasi(tmp_path, ref, PERIOD)
    assert intake.problems == [] and intake.sub.height == 2
    sipd = read_sipd(tmp_path, ref, PERIOD)
    found = apply_to_realisasi(intake, sipd, ref)
    money = {r["kode"]: (r["pagu"], r["realisasi_anggaran"]) for r in intake.sub.iter_rows(named=True)}
    assert money == {"2.17.02.1.01.0001": (1_000_000, 500_000), "2.17.02.1.02.0001": (300_000, 200_000),
                     "2.17.04.1.01.0001": (70_000, 0)}
    by_rule = {p.rule: p for p in found}
    assert set(by_rule) == {"sipd_difference", "sipd_not_reported"}
    diff = by_rule["sipd_difference"]
    assert (diff.severity, diff.file, diff.cell) == (WARNING, "realisasi/bidang.xlsx", "H5")
    assert diff.message == ("Sub kegiatan 2.17.02.1.01.0001: Realisasi Anggaran menurut bidang Rp 400.000 "
                            "(realisasi/bidang.xlsx), menurut SIPD Rp 500.000 (sipd/lra.csv); selisih Rp 100.000; "
                            "angka SIPD yang dipakai")
    assert by_rule["sipd_not_reported"].file == "sipd/lra.csv" and by_rule["sipd_not_reported"].cell == "C8"
    assert [(d.kode, d.kind) for d in intake.rekonsiliasi] == [("2.17.02.1.01.0001", "Berbeda"),
                                                               ("2.17.04.1.01.0001", "Hanya di SIPD")]


def test_without_sipd_for_the_year_the_bidang_figures_stand(tmp_path):
    _realisasi(tmp_path)
    write_sipd_csv(tmp_path / "sipd" / "lra.csv", [_row(sub="2.17.02.1.02.0001")], title=["Per 31/12/2023"])
    ref = Referensi(file="")
    intake = read_realisasi(tmp_path, ref, PERIOD)
    found = apply_to_realisasi(intake, read_sipd(tmp_path, ref, PERIOD), ref)
    assert intake.sub.select("kode", "pagu", "realisasi_anggaran").rows() == [("2.17.02.1.01.0001", 1_000_000, 400_000)]
    assert [(p.rule, p.cell, p.severity) for p in found] == [("sipd_money_required", "G6", ERROR),
                                                             ("sipd_money_required", "H6", ERROR)]
    assert found[0].message.startswith("Kolom Pagu wajib diisi: sub kegiatan 2.17.02.1.02.0001 tidak ada di "
                                       "ekspor SIPD tahun 2024 (tidak ada)")
    assert intake.rekonsiliasi == [] and intake.sub["kode"].to_list() == ["2.17.02.1.01.0001"]
    report = intake.sources[0].report
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (2, 1, 1)
    assert found[0] in intake.sources[0].problems


@pytest.mark.parametrize("engine", ["native", "gx"])
def test_the_suite_gives_the_same_problems_with_both_engines(tmp_path, monkeypatch, engine):
    from pipeline import settings

    monkeypatch.setenv(settings.ENV["expectations_engine"], engine)
    intake = _read(tmp_path, [_row(pagu=-1, real=0), _row(akun="6.1"), _row(sub="2.17.02.1.01")])
    assert sorted((p.rule, p.cell) for p in intake.problems) == [
        ("akun_invalid", "E7"), ("code_invalid", "C8"), ("number_negative", "G6")]


def test_rows_read_equal_accepted_plus_rejected_on_a_messy_export(tmp_path):
    rows = [_row(), _row(), _row(pagu=-1), _row(sub="x.y"), _row(akun="5.1.02.04.01.0001", real=None),
            _row(akun="5.1.02.02.01.0003", pagu=None)]
    intake = _read(tmp_path, rows)
    report = intake.sources[0].report
    assert (report.rows_read, report.rows_accepted, report.rows_rejected) == (6, 2, 4)
    assert intake.rows.filter(pl.col("kode_akun") == "5.1.02.04.01.0001")["realisasi_anggaran"].to_list() == [0]


def test_lkjip_validate_reads_sipd_files(tmp_path, capsys):
    from pipeline.cli import cmd_validate

    inside = write_sipd_csv(tmp_path / "sipd" / "lra.csv", [_row(), _row(pagu=-1)])
    outside = write_sipd_xlsx(tmp_path / "unduhan" / "ekspor sipd.xlsx", sipd_rows())
    assert cmd_validate([inside, outside], tmp_path, annotate=False, out=None) == 1
    out = capsys.readouterr().out
    assert f"{inside}: Dibaca; 2 baris dibaca, 1 diterima, 1 ditolak; 1 Error, 0 Peringatan; periode 2024-12" in out
    assert "lra!G7 [Pagu]: Nilai -1 pada kolom Pagu tidak boleh negatif" in out
    assert f"{outside}: Dibaca; {len(sipd_rows())} baris dibaca, {len(sipd_rows())} diterima, 0 ditolak; 0 Error" in out


def test_the_template_says_the_budget_may_stay_empty_and_such_a_file_is_accepted(tmp_path):
    from pipeline.domain.periods import Period
    from pipeline.report.realisasi_template import SIPD_NOTE, build_template

    wb = build_template("Sekretariat", Period(2025, 1), SAMPLE)  # the sample inputs have a SIPD export
    assert wb["Realisasi"]["A4"].value == SIPD_NOTE
    ws = wb["Realisasi"]
    for row in ws.iter_rows(min_row=6):
        for cell in row[6:8]:
            cell.value = None  # the bidang leaves the budget to SIPD
    (tmp_path / "realisasi").mkdir()
    wb.save(tmp_path / "realisasi" / "sekretariat.xlsx")
    write_sipd_csv(tmp_path / "sipd" / "lra.csv", [_row()], title=["Per Tanggal 31 Januari 2025"])
    ref = read_referensi(SAMPLE)[0]
    intake = read_realisasi(tmp_path, ref, "2025-01")
    assert intake.period == "2025-01" and intake.sub.height > 0
    assert not [p for p in intake.problems if p.severity == ERROR]
    assert intake.sources[0].report.rows_rejected == 0

    no_sipd = tmp_path / "tanpa"
    shutil.copytree(SAMPLE / "referensi", no_sipd / "referensi")
    assert build_template("Sekretariat", Period(2025, 1), no_sipd)["Realisasi"]["A4"].value is None


def test_validate_and_the_upload_check_accept_an_empty_budget_when_the_drop_folder_has_sipd(tmp_path):
    from pipeline.intake.validate import check_files

    staged = _realisasi(tmp_path / "unggahan")  # outside the drop folder, as an upload is checked
    drop = tmp_path / "inputs"
    shutil.copytree(SAMPLE / "referensi", drop / "referensi")
    [(report, problems)] = check_files([staged], drop)
    assert {(p.rule, p.cell) for p in problems if p.severity == ERROR} == {("required", "G6"), ("required", "H6")}
    write_sipd_csv(drop / "sipd" / "lra.csv", [_row()])  # SIPD lacks the second sub kegiatan
    [(report, problems)] = check_files([staged], drop)
    assert {(p.rule, p.cell) for p in problems if p.severity == ERROR} == {("sipd_money_required", "G6"),
                                                                         ("sipd_money_required", "H6")}
    assert report.rows_rejected == 1
    write_sipd_csv(drop / "sipd" / "lra.csv", [_row(), _row(sub="2.17.02.1.02.0001", pagu=300_000, real=0)])
    [(report, problems)] = check_files([staged], drop)
    assert not [p for p in problems if p.severity == ERROR] and report.rows_rejected == 0
    [difference] = problems  # the bidang's 400.000 against SIPD's 500.000, before the file is sent
    assert (difference.rule, difference.cell) == ("sipd_difference", "H5")


def test_an_earlier_month_uses_an_export_of_its_own_month(tmp_path):
    from pipeline.intake.year import read_year

    _realisasi(tmp_path, month="Oktober", name="oktober.xlsx", spent=100_000)
    _realisasi(tmp_path, month="November", name="november.xlsx", spent=200_000)
    _realisasi(tmp_path, month="Desember", name="desember.xlsx", spent=400_000)
    write_sipd_csv(tmp_path / "sipd" / "nov.csv", [_row(real=250_000)], title=["Per Tanggal 30 November 2024"])
    write_sipd_csv(tmp_path / "sipd" / "des.csv", [_row(real=450_000)], title=["Per Tanggal 31 Desember 2024"])
    ref = Referensi(file="")
    intake = read_year(tmp_path, ref, PERIOD)
    sipd = read_sipd(tmp_path, ref, PERIOD)
    assert sipd.files == ["sipd/des.csv"]
    assert next(s for s in sipd.sources if s.report.file == "sipd/nov.csv").report.status == OTHER_PERIOD
    apply_to_realisasi(intake, sipd, ref)

    def spent(month_intake):
        return month_intake.sub.filter(pl.col("kode") == "2.17.02.1.01.0001")["realisasi_anggaran"].item()

    assert spent(intake) == 450_000
    assert spent(intake.earlier["2024-11"]) == 250_000  # November's own export
    assert spent(intake.earlier["2024-10"]) == 100_000  # no October export: the bidang's figure
    assert [d.bidang_value for d in intake.rekonsiliasi if d.kind == "Berbeda"] == [400_000]


def test_tabel_2_3_from_the_rekening_codes_when_the_referensi_states_none():
    from pipeline.domain.angka import anggaran_jenis_belanja
    from pipeline.intake.sipd import with_anggaran

    stated = read_referensi(SAMPLE)[0]
    sipd = read_sipd(SAMPLE, stated, PERIOD)
    assert with_anggaran(stated, sipd) is stated  # the planner's own Anggaran sheet wins
    ref = with_anggaran(Referensi(file="", instansi="Dinas"), sipd)
    table = anggaran_jenis_belanja(ref)
    rows = {r.jenis_belanja: (r.pagu_awal, r.pagu_pergeseran, r.selisih) for r in table.baris}
    assert rows["Belanja Pegawai"] == (None, 12_285_642_851, None)  # no pagu awal in an export: no selisih
    assert rows["Belanja Modal Peralatan dan Mesin"][1] == 760_700_350
    assert (table.pagu_awal, table.pagu_pergeseran, table.selisih) == (None, 26_251_229_311, None)
