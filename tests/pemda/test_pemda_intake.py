"""Reading a Pemda's drop folder: which folders are OPD, the Pemda workbook, and its bad input."""

import shutil
from pathlib import Path

import pytest

from pipeline.intake import pemda as ip
from pipeline.samples import pemda as sample

ROOT = Path(__file__).resolve().parents[2]


def test_a_single_office_folder_is_not_a_pemda(tmp_path):
    assert ip.pemda_layout(ROOT / "inputs") is None
    assert ip.pemda_layout(tmp_path) is None  # an empty folder neither
    (tmp_path / "odk").mkdir()
    assert ip.pemda_layout(tmp_path) is None


def test_opd_folders_are_those_with_referensi_and_others_are_listed(tmp_path):
    for name in ("01 Dinkes", "dinas-koperasi-ukm"):
        (tmp_path / name / "referensi").mkdir(parents=True)
    (tmp_path / "pemda" / "referensi").mkdir(parents=True)
    (tmp_path / "sipd").mkdir()  # the Pemda's one budget export: not an OPD
    (tmp_path / ".cache" / "referensi").mkdir(parents=True)  # hidden: ignored
    (tmp_path / "dinas-baru" / "realisasi").mkdir(parents=True)  # an OPD that forgot its referensi
    (tmp_path / "catatan").mkdir()  # nothing of an OPD in it
    layout = ip.pemda_layout(tmp_path)
    assert layout.opds == ("01 Dinkes", "dinas-koperasi-ukm")
    assert layout.without_referensi == ("dinas-baru",) and layout.has_pemda
    [p] = ip.missing_referensi(layout)
    assert p.severity == "Error" and "dinas-baru" in p.message and "OPD lain tetap diolah" in p.message


@pytest.fixture(scope="module")
def pemda_folder(tmp_path_factory):
    out = tmp_path_factory.mktemp("pemda")
    sample.write_pemda_referensi(out, 2)
    return out


def test_the_pemda_workbook_is_read(pemda_folder):
    ref, sources = ip.read_pemda(pemda_folder)
    assert [s.report.file for s in sources] == ["pemda/referensi/Referensi Pemda.xlsx"]
    assert not [p for s in sources for p in s.problems]
    assert (ref.nama, ref.tahun_awal, ref.tahun_akhir, ref.batas_pengumpulan) == (sample.NAMA_PEMDA, 2025, 2029, 10)
    assert ref.kepala == "Ir. I Made Contoh, M.T."
    iku = {i.kode_iku: i for i in ref.indicators(2025)}
    assert (iku["P1"].sumber, iku["P1"].target, iku["P3"].sumber, iku["P3"].target) == ("OPD", 3.3, "MANUAL", 75.0)
    assert ref.stated_for(2025) == {"P3": 76.1}
    assert [(r["kode_iku_pemda"], r["opd"], r["kode_iku_opd"], r["bobot"]) for r in ref.cascading] == [
        ("P1", "01-dinkop-jatim", "S2", None), ("P2", "01-dinkop-jatim", "S3", 2.0),
        ("P2", sample.instansi_of(1), "S2", 1.0)]


def test_cascading_rows_resolve_by_folder_or_nama_instansi_and_unknown_ones_are_named(pemda_folder):
    ref, _ = ip.read_pemda(pemda_folder)
    ref.cascading += [
        {"kode_iku_pemda": "P1", "opd": "Dinas Pariwisata", "kode_iku_opd": "S1", "bobot": None, "_row": 9},
        {"kode_iku_pemda": "P9", "opd": "01-dinkop-jatim", "kode_iku_opd": "S1", "bobot": None, "_row": 10},
        {"kode_iku_pemda": "P1", "opd": "02-diskop-bali", "kode_iku_opd": "S7", "bobot": None, "_row": 11},
    ]
    identities = [ip.OpdIdentity("01-dinkop-jatim", sample.instansi_of(0), None, ("S1", "S2", "S3")),
                  ip.OpdIdentity("02-diskop-bali", sample.instansi_of(1), "X", ("T1", "S1", "S2"))]
    links, problems = ip.resolve_cascading(ref, identities, ["01-dinkop-jatim", "02-diskop-bali"])
    assert [(lk.kode_iku_pemda, lk.opd, lk.kode_iku_opd, lk.bobot) for lk in links] == [
        ("P1", "01-dinkop-jatim", "S2", None), ("P2", "01-dinkop-jatim", "S3", 2.0), ("P2", "02-diskop-bali", "S2", 1.0)]
    messages = [p.message for p in problems]
    assert len(messages) == 3 and all(p.severity == "Error" for p in problems)
    assert "OPD 'Dinas Pariwisata' di Cascading Pemda tidak dikenal" in messages[0]
    assert "Kode IKU Pemda 'P9'" in messages[1] and "P1, P2, P3" in messages[1]
    assert "Kode IKU 'S7'" in messages[2] and "referensi OPD '02-diskop-bali'" in messages[2]
    assert all(p.sheet == "Cascading Pemda" and p.file.startswith("pemda/referensi/") for p in problems)
    assert [p.row for p in problems] == [9, 10, 11]


def test_two_opd_with_the_same_nama_instansi_or_kode_skpd_are_one_error_naming_both():
    identities = [ip.OpdIdentity("a", "Dinas Kesehatan", "1.02.01"), ip.OpdIdentity("b", "DINAS  kesehatan", None),
                  ip.OpdIdentity("c", "Dinas Sosial", "1.02.01"), ip.OpdIdentity("d", "Dinas PU", None)]
    problems = ip.duplicate_opds(identities)
    assert [p.message for p in problems] == [
        "Nama Instansi 'DINAS  kesehatan' dipakai oleh dua OPD: folder 'a' dan folder 'b'; "
        "setiap OPD harus punya Nama Instansi sendiri",
        "Kode SKPD '1.02.01' dipakai oleh dua OPD: folder 'a' dan folder 'c'; setiap OPD harus punya Kode SKPD sendiri",
    ]


def test_a_missing_sheet_and_a_bad_sumber_are_reported(tmp_path):
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    ws.title = "IKU Pemda"
    ws.append(["Kode IKU", "Level", "Tujuan/Sasaran", "Indikator", "Sumber", "2025"])
    ws.append(["P1", "Sasaran", "S", "I", "BPS", 3])
    (tmp_path / "pemda" / "referensi").mkdir(parents=True)
    wb.save(tmp_path / "pemda" / "referensi" / "rpjmd.xlsx")
    ref, sources = ip.read_pemda(tmp_path)
    messages = [p.message for s in sources for p in s.problems]
    assert any("Cascading Pemda" in m and "tidak ditemukan" in m for m in messages)
    assert any("'BPS'" in m and "MANUAL, OPD" in m for m in messages)


def test_the_referensi_reads_kode_skpd(tmp_path):
    from pipeline.intake.referensi import read_referensi

    folder = sample.write_bali(tmp_path, 1)
    shutil.rmtree(folder / "realisasi")
    ref, _ = read_referensi(folder)
    assert (ref.instansi, ref.kode_skpd) == (sample.instansi_of(1), sample.kode_skpd_of(1))


def test_the_generator_writes_a_whole_year_for_a_backfill(tmp_path):
    """``--bulan 12``: the Bali kind's six bidang and the health kind's five send every month of the year; the
    Jawa Timur kind its June.  The health kind is an OPD of another urusan, with a Kode SKPD of its own."""
    from pipeline.intake.realisasi import latest_period
    from pipeline.intake.referensi import read_referensi
    from pipeline.samples import pemda as sample

    written = sample.generate_pemda(tmp_path, 3, months=12)
    jatim, bali, dinkes = (written[sample.folder_of(i)] for i in range(3))
    assert latest_period(bali) == latest_period(dinkes) == f"{sample.YEAR}-12"
    assert len(list((bali / "realisasi").rglob("*.xlsx"))) == 6 * 12
    assert len(list((dinkes / "realisasi").rglob("*.xlsx"))) == 5 * 12
    assert latest_period(jatim) == sample.PERIOD
    ref, _ = read_referensi(dinkes)
    assert (ref.instansi, ref.kode_skpd) == (sample.instansi_of(2), "1.02.0.00.0.00.03.0000")
