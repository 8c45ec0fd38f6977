"""One SIPD export for the whole Pemda (``sipd/`` beside ``pemda/``), split by Kode SKPD: each OPD's run uses
its own rows, an OPD whose referensi names no Kode SKPD is told why the export is not used, and rows of an
SKPD that is no OPD are used by none."""

import json
from datetime import date

import pytest
from openpyxl import load_workbook

from pipeline.samples import pemda as sample
from pipeline.samples import sipd as sipd_sample

pytestmark = pytest.mark.slow
PERIOD = sample.PERIOD
JATIM, BALI = sample.folder_of(0), sample.folder_of(1)
EXPORT = "LRA SIPD Pemda per 30 Juni 2025.xlsx"
STRANGER = "9.99.0.00.0.00.99.0000"  # an SKPD with no OPD folder


@pytest.fixture(scope="module")
def run(tmp_path_factory, dagster_home):
    from pipeline.cli import main

    inputs = tmp_path_factory.mktemp("pemda-sipd")
    sample.generate_pemda(inputs, 2)
    rows = [dict(r, kode_skpd=sample.kode_skpd_of(1)) for r in sipd_sample.sipd_rows()]
    rows += [dict(r, kode_skpd=STRANGER) for r in sipd_sample.sipd_rows()[:3]]
    sipd_sample.write_sipd_xlsx(inputs / "sipd" / EXPORT, rows, cutoff=date(2025, 6, 30))
    outputs = tmp_path_factory.mktemp("pemda-sipd-out")
    code = main(["run", "--inputs", str(inputs), "--outputs", str(outputs), "--period", PERIOD])
    return outputs, code


def _texts(path, sheet) -> list[str]:
    return [str(v) for row in load_workbook(path)[sheet].iter_rows(values_only=True) for v in row if v is not None]


def test_the_pemda_export_is_the_budget_of_the_opd_it_names(run):
    outputs, code = run
    assert code == 0
    workbook = outputs / BALI / PERIOD / f"laporan-kinerja-{PERIOD}.xlsx"
    assert "Rekonsiliasi" in load_workbook(workbook).sheetnames
    ringkasan = " ".join(_texts(workbook, "Ringkasan"))
    assert f"../sipd/{EXPORT}" in ringkasan  # the Pemda's file, told apart from the OPD's own sipd/
    validasi = " ".join(_texts(workbook, "Validasi"))
    assert f"Kode SKPD {sample.kode_skpd_of(1)} (referensi) tidak ada" not in validasi  # its own rows were found
    # SIPD's figures are the budget (its realisasi, of the whole export's year, differs from June's files);
    # the stranger SKPD's three rows count for nobody
    own = sipd_sample.sipd_rows()
    summary = json.loads((outputs / BALI / PERIOD / "ringkasan.json").read_text(encoding="utf-8"))
    assert summary["utama"]["anggaran"]["pagu"] == pytest.approx(sum(r["nilai"] for r in own))
    assert summary["utama"]["anggaran"]["realisasi"] == pytest.approx(sum(r["realisasi_rill"] for r in own))


def test_an_opd_without_kode_skpd_is_told_how_to_use_it_and_still_complete(run):
    """The Jawa Timur kind's referensi names no Kode SKPD: the Pemda's export cannot be split for it."""
    outputs, _ = run
    workbook = outputs / JATIM / PERIOD / f"laporan-kinerja-{PERIOD}.xlsx"
    validasi = " ".join(_texts(workbook, "Validasi"))
    assert "Kode SKPD OPD ini tidak diisi di lembar Renstra referensi" in validasi
    assert f"../sipd/{EXPORT}" in validasi
    assert "Rekonsiliasi" in load_workbook(workbook).sheetnames  # the export is listed, with why it is not used
    assert (outputs / "pemda" / PERIOD / f"rekap-pemda-{PERIOD}.xlsx").is_file()


def test_the_rekap_lists_the_rows_of_an_skpd_that_no_opd_uses(run):
    """The stranger SKPD's three rows are used by no OPD's report: Bappeda's Validasi sheet says so, per Kode
    SKPD, with the export's file named under the Pemda's folder (not as an OPD sees it)."""
    outputs, _ = run
    rekap = outputs / "pemda" / PERIOD / f"rekap-pemda-{PERIOD}.xlsx"
    rows = [r for r in load_workbook(rekap)["Validasi"].iter_rows(values_only=True)
            if any("tidak dipakai OPD mana pun" in str(v) for v in r)]
    texts = [" ".join(str(v) for v in r if v is not None) for r in rows]
    assert len(texts) == 1, texts  # the Bali OPD's own code is claimed
    assert f"sipd/{EXPORT}" in texts[0] and "../" not in texts[0]
    assert f"3 baris ekspor SIPD Pemda dengan Kode SKPD {STRANGER}" in texts[0]
