"""A Pemda of three OPD of different kinds plus pemda/, one broken OPD and one without referensi, in one
``lkjip run``: each OPD's outputs equal its single-office run's, the others are complete, and the rekap's
figures (computed here independently from each OPD's own run summary) hold."""

import json
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from pipeline.samples import pemda as sample

pytestmark = pytest.mark.slow
PERIOD = sample.PERIOD
JATIM, BALI, DINKES = sample.folder_of(0), sample.folder_of(1), sample.folder_of(2)  # three kinds
BROKEN, BARE = "04-dinas-rusak", "05-dinas-baru"


@pytest.fixture(scope="module")
def pemda(tmp_path_factory, dagster_home):
    from pipeline.cli import main

    inputs = tmp_path_factory.mktemp("pemda-inputs")
    sample.generate_pemda(inputs, 3)
    (inputs / BROKEN / "referensi").mkdir(parents=True)  # a referensi that is no workbook: its run fails
    (inputs / BROKEN / "referensi" / "Referensi.xlsx").write_bytes(b"bukan workbook")
    shutil.copytree(inputs / JATIM / "realisasi", inputs / BROKEN / "realisasi")
    (inputs / BARE / "realisasi").mkdir(parents=True)  # an OPD folder without referensi/
    outputs = tmp_path_factory.mktemp("pemda-outputs")
    with pytest.MonkeyPatch.context() as mp:  # fresh workers after each OPD: the four OPD-months in two pools
        mp.setattr("pipeline.runs.OPD_PER_WORKER", 1)
        code = main(["run", "--inputs", str(inputs), "--outputs", str(outputs), "--period", PERIOD])
    return inputs, outputs, code


@pytest.fixture(scope="module")
def single(tmp_path_factory, pemda, dagster_home):
    """The three OPD folders run as single offices, as before a Pemda existed."""
    from pipeline.cli import main

    inputs, _, _ = pemda
    out = {}
    for opd in (JATIM, BALI, DINKES):
        out[opd] = tmp_path_factory.mktemp(f"single-{opd}")
        assert main(["run", "--inputs", str(inputs / opd), "--outputs", str(out[opd]), "--period", PERIOD]) == 0
    return out


def _values(path: Path) -> dict:
    wb = load_workbook(path)
    return {ws.title: [[v for v in row if not (isinstance(v, str) and v.startswith("Dibuat"))]
                       for row in ws.iter_rows(values_only=True)] for ws in wb.worksheets}


def _sheet(path: Path, name: str) -> list[tuple]:
    return [r for r in load_workbook(path)[name].iter_rows(values_only=True)]


def _summary(outputs: Path, opd: str) -> dict:
    return json.loads((outputs / opd / PERIOD / "ringkasan.json").read_text(encoding="utf-8"))


def test_every_opd_with_good_input_is_complete_and_the_broken_one_stops_nobody(pemda):
    _, outputs, code = pemda
    assert code == 1  # an OPD failed: said in the exit code, everything else written
    for opd in (JATIM, BALI, DINKES):
        for name in (f"laporan-kinerja-{PERIOD}.xlsx", f"laporan-kinerja-{PERIOD}.docx", f"evaluasi-renja-{PERIOD}.xlsx"):
            assert (outputs / opd / PERIOD / name).is_file(), (opd, name)
    assert not (outputs / BROKEN / PERIOD / f"laporan-kinerja-{PERIOD}.xlsx").exists()
    assert (outputs / "pemda" / PERIOD / f"rekap-pemda-{PERIOD}.xlsx").is_file()
    assert (outputs / "pemda" / PERIOD / f"laporan-kinerja-pemda-{PERIOD}.docx").is_file()
    assert not (outputs / PERIOD).exists()  # nothing written as if the Pemda were one office


def test_each_opd_outputs_equal_its_single_office_run(pemda, single):
    _, outputs, _ = pemda
    for opd, alone in single.items():
        for name in (f"laporan-kinerja-{PERIOD}.xlsx", f"evaluasi-renja-{PERIOD}.xlsx"):
            assert _values(outputs / opd / PERIOD / name) == _values(alone / PERIOD / name), (opd, name)


def test_rekap_per_opd_is_each_opds_own_figures_and_rates_are_ratios_of_sums(pemda):
    _, outputs, _ = pemda
    rows = {r[0]: r for r in _sheet(outputs / "pemda" / PERIOD / f"rekap-pemda-{PERIOD}.xlsx", "Rekap OPD")[5:]}
    assert set(rows) == {JATIM, BALI, DINKES, BROKEN, BARE, "JUMLAH"}
    pagu = spent = 0
    for opd in (JATIM, BALI, DINKES):
        s = _summary(outputs, opd)
        row = rows[opd]
        assert row[1] == s["instansi"] and row[3] == "Lengkap"
        statuses = [b["status"] for b in s["pengumpulan"]]
        assert row[5:8] == (statuses.count("Tepat Waktu"), statuses.count("Terlambat"), statuses.count("Belum Mengirim"))
        assert row[8] == len(s["utama"]["iku"])
        assert row[10] == pytest.approx(s["utama"]["anggaran"]["pagu"])
        assert row[11] == pytest.approx(s["utama"]["anggaran"]["realisasi"])
        assert row[12] == pytest.approx(s["utama"]["anggaran"]["capaian"] / 100)
        assert (row[14], row[15]) == (s["problems"]["Error"], s["problems"]["Peringatan"])
        pagu += s["utama"]["anggaran"]["pagu"]
        spent += s["utama"]["anggaran"]["realisasi"]
    total = rows["JUMLAH"]
    assert total[10] == pytest.approx(pagu) and total[11] == pytest.approx(spent)
    assert total[12] == pytest.approx(spent / pagu)  # the ratio of the sums
    mean = sum(rows[o][12] for o in (JATIM, BALI, DINKES)) / 3
    assert abs(total[12] - mean) > 1e-6  # ... which is not the mean of the OPD's percentages
    assert rows[BROKEN][3] == "Gagal / belum ada" and "referensi" in rows[BROKEN][4].lower()
    assert rows[BARE][3] == "Gagal / belum ada" and "tanpa referensi" in rows[BARE][4]


def test_iku_pemda_from_cascading_pemda(pemda):
    _, outputs, _ = pemda
    iku = {r[0]: r for r in _sheet(outputs / "pemda" / PERIOD / f"rekap-pemda-{PERIOD}.xlsx", "IKU Pemda")[5:]}
    jatim = {i["kode"]: i for i in _summary(outputs, JATIM)["utama"]["iku"]}
    bali = {i["kode"]: i for i in _summary(outputs, BALI)["utama"]["iku"]}
    # P1: one OPD indicator, its realisasi against the Pemda's target 3,3
    assert iku["P1"][6] == pytest.approx(jatim["S2"]["realisasi"])
    assert iku["P1"][7] == pytest.approx(jatim["S2"]["realisasi"] / 3.3)
    # P2: two OPD indicators weighted 2:1, the mean of their capaian; no realisasi of its own
    expected = (2 * jatim["S3"]["capaian"] + 1 * bali["S2"]["capaian"]) / 3
    assert iku["P2"][6] == "N/A" and iku["P2"][7] == pytest.approx(expected / 100)
    assert "Rata-rata tertimbang" in iku["P2"][9]
    # P3: MANUAL, stated by the Pemda
    assert iku["P3"][6] == 76.1 and iku["P3"][7] == pytest.approx(76.1 / 75)
    # P4: the health office's Angka Kematian Ibu (Negatif) against the Pemda's target 95: (2 x 95 - realisasi) / 95
    dinkes = {i["kode"]: i for i in _summary(outputs, DINKES)["utama"]["iku"]}
    assert dinkes["S1"]["realisasi"] == 84.5  # as the health office's referensi states it
    assert iku["P4"][6] == pytest.approx(84.5) and iku["P4"][7] == pytest.approx((2 * 95 - 84.5) / 95)


def test_budget_per_urusan_sums_every_opd_of_each_urusan(pemda):
    """Two cooperative offices (2.17) and a health office that also serves family planning (1.02, 2.14)."""
    _, outputs, _ = pemda
    rows = [r for r in _sheet(outputs / "pemda" / PERIOD / f"rekap-pemda-{PERIOD}.xlsx", "Anggaran per Urusan")
            if r and isinstance(r[0], str) and r[0][:1].isdigit()]
    assert {r[0].split()[0] for r in rows} == {"1.02", "2.14", "2.17"}


def _e81_programs(outputs: Path, opd: str) -> dict[str, tuple]:
    """(sasaran, pagu Rp, realisasi Rp) of every program row of the OPD's own Evaluasi Renja sheet."""
    rows = _sheet(outputs / opd / PERIOD / f"laporan-kinerja-{PERIOD}.xlsx", "Evaluasi Renja")
    head = next(i for i, r in enumerate(rows) if r[0] == "(1) No")
    names = rows[head]
    pagu = next(i for i, n in enumerate(names) if n and n.startswith("(7)") and n.endswith("Rp"))
    real = next(i for i, n in enumerate(names) if n and n.startswith("(12)") and n.endswith("Rp"))
    return {r[3]: (r[1], r[pagu], r[real]) for r in rows[head + 1:] if r[2] == "Program"}


def test_evaluasi_rkpd_consolidates_the_opd_e81_program_rows(pemda):
    _, outputs, _ = pemda
    rows = _sheet(outputs / "pemda" / PERIOD / f"rekap-pemda-{PERIOD}.xlsx", "Evaluasi RKPD")[5:]
    totals = [i for i, r in enumerate(rows) if r[1] is None and r[2] is None]
    for start, end in zip(totals, totals[1:] + [len(rows)]):  # a sasaran's total is the sum of its programs
        members = rows[start + 1:end]
        assert rows[start][4] == pytest.approx(sum(m[4] or 0 for m in members))
        assert rows[start][9] == pytest.approx(sum(m[9] or 0 for m in members))
    groups = {rows[s][0].split()[0]: rows[s + 1:e] for s, e in zip(totals, totals[1:] + [len(rows)])}
    # P1 <- the Jawa Timur office's S2: its programs as its own E.81 shows them (2.17.07 sent nothing yet)
    jatim = _e81_programs(outputs, JATIM)
    assert [(r[1], r[2], r[4], r[9]) for r in groups["P1"]] == [
        (sample.instansi_of(0), kode, pytest.approx(v[1]), pytest.approx(v[2])) for kode, v in jatim.items()
        if v[0] == "Meningkatnya Wirausaha yang Produktif" and v[1] not in (None, "N/A")] != []
    # P2 <- Jawa Timur's S3 (no program serves it) and Bali's S2: Bali's S2 programs
    bali = _e81_programs(outputs, BALI)
    expected = sorted((kode, pytest.approx(v[1]), pytest.approx(v[2])) for kode, v in bali.items()
                      if v[0] == "Terwujudnya UMKM dan Wirausaha yang Berdaya Saing dan Produktif")
    assert sorted((r[2], r[4], r[9]) for r in groups["P2"]) == expected and len(expected) == 3


def test_the_rekap_lists_the_broken_opd_and_the_folder_without_referensi(pemda):
    _, outputs, _ = pemda
    rows = _sheet(outputs / "pemda" / PERIOD / f"rekap-pemda-{PERIOD}.xlsx", "Validasi")
    messages = " | ".join(str(r[-1]) for r in rows)
    assert f"Folder OPD '{BARE}' tidak punya folder referensi/" in messages
    assert f"Laporan OPD '{BROKEN}' bulan {PERIOD} tidak tersedia" in messages


def test_the_pemda_document_holds_the_rpjmd_iku_and_every_opd(pemda):
    from docx import Document

    _, outputs, _ = pemda
    doc = Document(str(outputs / "pemda" / PERIOD / f"laporan-kinerja-pemda-{PERIOD}.docx"))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert sample.NAMA_PEMDA in text and "Bab III Akuntabilitas Kinerja" in text
    assert "Rata-rata tertimbang" in text  # P2 says how its capaian was made
    cells = {c.text for t in doc.tables for row in t.rows for c in row.cells}
    assert {"P1", "P2", "P3", sample.instansi_of(0), sample.instansi_of(1), BROKEN, "Gagal / belum ada"} <= cells


def test_without_a_period_the_pemda_month_is_the_latest_of_any_opd(tmp_path):
    """``lkjip run`` of a Pemda without ``--period``: each OPD's latest month is found side by side (one
    process per core) and the Pemda's month is the latest of them."""
    from pipeline.runs import _latest_periods

    sample.generate_pemda(tmp_path, 2, months=12)  # the Jawa Timur kind sends June, the Bali kind every month
    found = _latest_periods(tmp_path, [sample.folder_of(0), sample.folder_of(1)])
    assert found == [PERIOD, f"{sample.YEAR}-12"]
