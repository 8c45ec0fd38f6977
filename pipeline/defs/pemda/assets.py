"""A whole Pemda: each OPD-month's typed figures, and Bappeda's consolidation of a month.

``angka_opd`` is one of every OPD-month's assets (partitioned like the report): the typed
figures of that OPD's month (:class:`pipeline.domain.pemda.OpdFigures`), kept by the IO
manager.  ``rekap_pemda`` (monthly) loads every OPD's ``angka_opd`` of its month, never
their workbooks: an OPD whose month is missing or whose latest run failed is shown as such,
with the reason, and the others are complete.
"""


from datetime import datetime
from zoneinfo import ZoneInfo

import dagster as dg

from pipeline import settings
from pipeline.defs.types import DokumenLkjip, ReferensiIntake, Section, run_problems
from pipeline.defs.partitions import (MONTH_DIMENSION, OPD_DIMENSION, monthly_partitions, period_of,
                                      partition_key, report_partitions, slot_of, slot_of_key)
from pipeline.defs.resources import LkjipConfig
from pipeline.domain import pemda as dp
from pipeline.domain.figures import AngkaPeriode
from pipeline.intake import pemda as ip
from pipeline.intake.odk import OdkIntake
from pipeline.intake.realisasi import RealisasiIntake
from pipeline.intake.sipd import SipdIntake
from pipeline.problems import ERROR, WARNING, problem
from pipeline.report import pemda as rp
from pipeline.report.publish import publish
from pipeline.report.workbook import write_workbook

GROUP = "pemda"


@dg.asset(partitions_def=report_partitions, group_name="laporan", deps=["laporan_kinerja"])
def angka_opd(context: dg.AssetExecutionContext, referensi: ReferensiIntake, realisasi_bidang: RealisasiIntake,
              data_koperasi: OdkIntake, anggaran_sipd: SipdIntake, angka_periode: AngkaPeriode, lembar_kerja: Section,
              dokumen_lkjip: DokumenLkjip):
    """Angka bulan ini satu OPD untuk rekap Pemda (Bappeda), dari angka periode OPD itu: capaian IKU, anggaran
    per urusan, efisiensi, status pengumpulan, jumlah masalah, dan baris program Tabel E.81; dibuat setelah
    workbook OPD ditulis."""
    slot, ref, angka = slot_of(context), referensi.referensi, angka_periode
    year = slot.period.year
    iku = []
    for item in angka.iku:
        this = next((t for t in item.tahun if t.tahun == year), None)
        iku.append(dp.IkuFigure(item.kode, item.indikator, item.satuan, this.target if this else None,
                                this.realisasi if this else None, this.capaian if this else None,
                                this.kategori if this else None))
    # money once per sub kegiatan, and the efficiency's sums (the model keeps its per-sasaran percentages)
    pagu, spent, urusan, hemat, basis = dp.budget_figures(realisasi_bidang.sub, ref.cascading)
    problems = run_problems(referensi, realisasi_bidang, data_koperasi, anggaran_sipd, lembar_kerja, dokumen_lkjip)
    status: dict[str, int] = {}
    for row in angka.pengumpulan:
        status[row.status] = status.get(row.status, 0) + 1
    programs, sasaran = [], ""
    for row in angka.sepanjang_tahun.e81.rows:
        if row.level == "sasaran":
            sasaran = row.kode
        elif row.level == "program":
            programs.append(dp.ProgramFigure(sasaran, row.kode, row.uraian, row.rp.get(7),
                                             tuple(row.rp.get(c) for c in (8, 9, 10, 11)), row.rp.get(12)))
    figures = dp.OpdFigures(slot.opd, angka.instansi, ref.kode_skpd, str(slot.period), iku, pagu, spent, urusan,
                            hemat, basis, status, sum(1 for p in problems if p.severity == ERROR),
                            sum(1 for p in problems if p.severity == WARNING), programs,
                            tuple((file, code, n) for file, counts in sorted(anggaran_sipd.pemda_skpd.items())
                                  for code, n in sorted(counts.items())))
    return dg.Output(figures, metadata={"instansi": angka.instansi, "iku": len(iku), "program": len(programs)})


@dg.asset(partitions_def=monthly_partitions, group_name=GROUP)
def referensi_pemda(context: dg.AssetExecutionContext, lkjip: LkjipConfig) -> ip.PemdaReferensi:
    """Workbook induk Pemda (pemda/referensi/): RPJMD, IKU Pemda dan targetnya, Realisasi IKU, Cascading Pemda."""
    ref, sources = ip.read_pemda(lkjip.inputs, settings=lkjip.settings)
    context.add_output_metadata({"berkas": ref.file or "-", "iku": ref.iku.height, "cascading": len(ref.cascading)})
    ref.problems = [p for s in sources for p in s.problems]  # travels with it to the rekap's Validasi sheet
    return ref


def _latest_failure(instance: dg.DagsterInstance, key: str) -> str | None:
    """Why the latest run of an OPD-month failed, or None when it did not fail (or never ran)."""
    runs = instance.get_runs(filters=dg.RunsFilter(tags={"dagster/partition": key}), limit=1)
    if not runs or runs[0].status != dg.DagsterRunStatus.FAILURE:
        return None
    for record in instance.all_logs(runs[0].run_id, of_type=dg.DagsterEventType.STEP_FAILURE):
        data = record.dagster_event.step_failure_data if record.dagster_event else None
        if data and data.error:
            error = data.error
            while error.cause is not None:
                error = error.cause
            lines = (error.message or "").strip().splitlines()
            if lines:
                return f"run terakhir gagal: {lines[-1][:300]}"
    return "run terakhir gagal"


def consolidate(period, ref: ip.PemdaReferensi, layout: ip.PemdaLayout | None, figures: dict[str, dp.OpdFigures],
                failures: dict[str, str]) -> rp.Rekap:
    """The rekap of a month from every OPD's figures (``failures``: OPD -> why its month is missing)."""
    opds_known = sorted(set(layout.opds if layout else ()) | set(figures))
    statuses: dict[str, dp.OpdStatus] = {}
    for opd in opds_known:
        if opd in failures:
            statuses[opd] = dp.OpdStatus(opd, None, failures[opd])
        elif opd in figures:
            statuses[opd] = dp.OpdStatus(opd, figures[opd])
        else:
            statuses[opd] = dp.OpdStatus(opd, None, "laporan bulan ini belum dibuat (run OPD belum berhasil)")
    problems = list(ref.problems)
    if layout is not None:
        problems += ip.missing_referensi(layout)
        for opd in layout.without_referensi:
            statuses[opd] = dp.OpdStatus(opd, None, "folder tanpa referensi/")
    for opd, status in statuses.items():
        if not status.complete:
            problems.append(problem("opd_failed", file=f"{opd}/", value=opd, month=str(period), reason=status.reason))
    identities = [ip.OpdIdentity(f.opd, f.instansi, f.kode_skpd, tuple(i.kode_iku for i in f.iku))
                  for f in figures.values() if f.opd in statuses and statuses[f.opd].complete]
    problems += ip.duplicate_opds(identities)
    unfinished = ("" if all(s.complete for s in statuses.values())
                  else " (OPD yang laporannya belum selesai tidak ikut dicocokkan)")
    problems += [problem("sipd_skpd_unclaimed", file=file, column="Kode SKPD", value=code, count=rows, where=unfinished)
                 for file, code, rows in dp.unclaimed_skpd(s.figures for s in statuses.values() if s.figures)]
    links, link_problems = ip.resolve_cascading(ref, identities, opds_known)
    problems += link_problems
    iku = ref.indicators(period.year)
    results = dp.pemda_iku(iku, ref.stated_for(period.year), links, statuses, ref.skala)
    complete = [s.figures for s in statuses.values() if s.figures is not None]
    return rp.Rekap(ref.nama, period, statuses, results, dp.evaluasi_rkpd(iku, links, statuses),
                    dp.totals(complete), dp.budget_by_urusan(complete), problems)


@dg.asset(
    partitions_def=monthly_partitions,
    group_name=GROUP,
    ins={"angka_opd": dg.AssetIn(
        partition_mapping=dg.MultiToSingleDimensionPartitionMapping(partition_dimension_name=MONTH_DIMENSION),
        metadata={"allow_missing_partitions": True})},
)
def rekap_pemda(context: dg.AssetExecutionContext, lkjip: LkjipConfig, referensi_pemda: ip.PemdaReferensi,
                angka_opd):
    """Rekap Pemda untuk Bappeda (rekap-pemda-<YYYY-MM>.xlsx): status, capaian IKU, anggaran, efisiensi dan
    masalah setiap OPD, IKU Pemda dari Cascading Pemda, Evaluasi RKPD, anggaran per OPD dan urusan; dan draf
    LKjIP Pemda (laporan-kinerja-pemda-<YYYY-MM>.docx)."""
    period = period_of(context)
    layout = ip.pemda_layout(lkjip.inputs)
    if isinstance(angka_opd, dp.OpdFigures):  # a Pemda of one OPD: the IO manager gives the figures, not a dict
        angka_opd = {partition_key(angka_opd.period, angka_opd.opd): angka_opd}
    figures: dict[str, dp.OpdFigures] = {}
    for key, value in (angka_opd or {}).items():
        slot = slot_of_key(key)
        if slot.period == period and not slot.single_office:
            figures[slot.opd] = value
    failures = {}
    for opd in sorted(set(layout.opds if layout else ()) | set(figures)):
        reason = _latest_failure(context.instance, str(partition_key(period, opd)))
        if reason:
            failures[opd] = reason
    rekap = consolidate(period, referensi_pemda, layout, figures, failures)
    return dg.Output(str(write_rekap(rekap, lkjip.outputs, referensi_pemda)),
                     metadata={"opd_lengkap": sum(1 for s in rekap.opds.values() if s.complete),
                               "opd": len(rekap.opds), "masalah": len(rekap.problems)})


def write_rekap(rekap: rp.Rekap, outputs, ref: ip.PemdaReferensi):
    """Publish the rekap workbook and the Pemda's document under ``<outputs>/pemda/<YYYY-MM>/``."""
    from pipeline.report.publish import _atomic_write

    made_at = datetime.now(ZoneInfo(settings.TIMEZONE)).replace(microsecond=0)
    folder = outputs / ip.PEMDA_FOLDER
    sheets = rp.rekap_sheets(rekap)
    path = publish(lambda tmp: write_workbook(sheets, tmp), folder, str(rekap.period), made_at, name=rp.REKAP_NAME)
    content = rp.pemda_document(rekap, ref.kepala)
    _atomic_write(folder / str(rekap.period) / rp.DOKUMEN_NAME.format(period=rekap.period),
                  lambda tmp: tmp.write_bytes(content))
    return path


__all__ = ["angka_opd", "referensi_pemda", "rekap_pemda", "consolidate", "write_rekap", "OPD_DIMENSION"]
