"""The one job: every asset of the monthly report, for one month."""

import dagster as dg

from pipeline.defs.partitions import monthly_partitions

laporan_job = dg.define_asset_job(
    name="laporan_bulanan",
    selection=dg.AssetSelection.all(),
    partitions_def=monthly_partitions,
    description="Membaca berkas masukan satu bulan dan menulis laporan kinerja konsolidasi.",
)
