"""The one job: every asset of the monthly report, for one month."""

import dagster as dg

from pipeline.defs.partitions import monthly_partitions, report_partitions

laporan_job = dg.define_asset_job(
    name="laporan_bulanan",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("pemda"),
    partitions_def=report_partitions,
    # the steps are light (Excel is read in a sandboxed child process anyway): one process per
    # run, not one per step, keeps a scheduled or sensor run as fast as `lkjip run`
    executor_def=dg.in_process_executor,
    description="Membaca berkas masukan satu bulan dan menulis laporan kinerja konsolidasi.",
)

# a whole Pemda: Bappeda's rekap of a month, from every OPD's figures (pipeline/defs/pemda)
rekap_job = dg.define_asset_job(
    name="rekap_pemda_bulanan",
    selection=dg.AssetSelection.groups("pemda"),
    partitions_def=monthly_partitions,
    executor_def=dg.in_process_executor,
    description="Rekap Pemda satu bulan dari angka setiap OPD (Bappeda).",
)
