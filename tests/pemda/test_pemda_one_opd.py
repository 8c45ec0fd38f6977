"""A Pemda of one OPD (a kabupaten starting with its first OPD folder beside pemda/): the rekap reads the
one OPD's figures (Dagster's IO manager gives a lone upstream partition as itself, not as a dict)."""

import pytest
from openpyxl import load_workbook

from pipeline.samples import pemda as sample

pytestmark = pytest.mark.slow


def test_a_pemda_of_one_opd_gets_its_rekap(tmp_path, monkeypatch):
    from pipeline.cli import main

    monkeypatch.setenv("DAGSTER_HOME", str(tmp_path / "home"))  # an instance that knows only this OPD
    inputs, outputs = tmp_path / "inputs", tmp_path / "outputs"
    sample.generate_pemda(inputs, 1)
    assert main(["run", "--inputs", str(inputs), "--outputs", str(outputs), "--period", sample.PERIOD]) == 0
    rekap = outputs / "pemda" / sample.PERIOD / f"rekap-pemda-{sample.PERIOD}.xlsx"
    rows = {r[0]: r for r in load_workbook(rekap)["Rekap OPD"].iter_rows(values_only=True)}
    opd = sample.folder_of(0)
    assert rows[opd][1] == sample.instansi_of(0) and rows[opd][3] == "Lengkap"
