"""Every definition loads, as `dagster dev` and the daemon would load it."""

import dagster as dg

from pipeline.definitions import defs

EXPECTED_ASSETS = {
    "referensi", "realisasi_bidang", "data_koperasi", "anggaran_sipd", "realisasi_iku", "pengumpulan", "angka_periode",
    "lembar_kerja", "dokumen_lkjip", "laporan_kinerja", "evaluasi_renja_bappeda", "angka_opd",
    "referensi_pemda", "rekap_pemda",
}


def test_definitions_load_and_validate():
    definitions = defs()
    dg.Definitions.validate_loadable(definitions)
    keys = {key.to_user_string() for a in definitions.assets for key in a.keys}
    assert keys == EXPECTED_ASSETS  # a step per asset costs every OPD-month its events: few, on purpose
    repo = definitions.get_repository_def()
    assert repo.get_job("laporan_bulanan").partitions_def is not None
    assert {s.name for s in repo.schedule_defs}
    assert {s.name for s in repo.sensor_defs}


def test_every_asset_is_monthly_in_wita_and_documented():
    for asset in defs().assets:
        assert asset.partitions_def is not None
        months = getattr(asset.partitions_def, "partitions_defs", None)  # an OPD-month: its month dimension
        months = next(d.partitions_def for d in months if d.name == "bulan") if months else asset.partitions_def
        assert months.timezone == "Asia/Makassar"
        for key in asset.keys:
            assert asset.specs_by_key[key].description, f"{key} has no docstring"


def test_intake_assets_have_blocking_checks():
    checks = {}
    for asset in defs().assets:
        for spec in asset.check_specs:
            checks[(spec.asset_key.to_user_string(), spec.name)] = spec.blocking
    for name in ("referensi", "realisasi_bidang", "data_koperasi"):
        assert checks[(name, "tidak_ada_baris_hilang")] is True


def test_assets_hand_on_typed_results():
    """The IKU result and the submission rows are assets of their own, with their types (checked by Dagster)."""
    import typing
    from dataclasses import fields

    from pipeline.defs.types import Section
    from pipeline.domain.figures import AngkaPeriode
    from pipeline.domain.iku import IkuResult
    from pipeline.domain.submissions import SubmissionRow

    types = {key.to_user_string(): a.op.output_defs[0].dagster_type for a in defs().assets for key in a.keys}
    assert types["realisasi_iku"].typing_type is IkuResult
    assert types["angka_periode"].typing_type is AngkaPeriode  # the period's figures, computed once
    assert types["pengumpulan"].typing_type == typing.List[SubmissionRow]  # noqa: UP006 - how Dagster spells list[...]
    assert {f.name for f in fields(Section)} == {"tables", "problems"}
