"""The one job: every asset of the monthly report, for one month."""

import dagster as dg

from pipeline.defs.partitions import report_partitions

laporan_job = dg.define_asset_job(
    name="laporan_bulanan",
    selection=dg.AssetSelection.all() - dg.AssetSelection.groups("pemda"),
    partitions_def=report_partitions,
    # the steps are light (Excel is read in a sandboxed child process anyway): one process per
    # run, not one per step, keeps a scheduled or sensor run as fast as `lkjip run`
    executor_def=dg.in_process_executor,
    description="Membaca berkas masukan satu bulan dan menulis laporan kinerja konsolidasi.",
)
