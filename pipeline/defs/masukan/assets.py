"""Reading the drop folder: the referensi, the bidang's realisation files and the ODK export.

Each asset reads one kind of input, cleans and validates it (expectation suites
in ``expectations/``), and keeps an account of every file.  A blocking check
makes sure nothing was lost: for every file, rows read = accepted + rejected,
and every rejected row or file has an ``Error`` saying why.
"""

import dagster as dg

from pipeline.defs.partitions import office_config, period_of, report_partitions, slot_of
from pipeline.defs.resources import LkjipConfig
from pipeline.defs.types import ReferensiIntake
from pipeline.intake.arrivals import record_sources
from pipeline.intake.loading import SourceFile
from pipeline.intake.odk import OdkIntake, read_odk
from pipeline.intake.realisasi import RealisasiIntake
from pipeline.intake.sipd import SipdIntake, apply_to_realisasi, read_sipd
from pipeline.intake.year import read_year
from pipeline.intake.referensi import read_referensi
from pipeline.problems import ERROR

GROUP = "masukan"


def _release(sources: list[SourceFile]) -> None:
    """Drop the raw cells once read: only the account and the clean rows travel on."""
    for source in sources:
        source.sheets = []
        source.located = None


def account_check(sources: list[SourceFile]) -> dg.AssetCheckResult:
    """Rows read = accepted + rejected for every file; every rejection has an Error."""
    unbalanced = [s.report.file for s in sources if not s.report.balanced]
    unexplained = [s.report.file for s in sources
                   if (s.report.rows_rejected or s.report.status == "Ditolak")
                   and not any(p.severity == ERROR for p in s.problems)]
    return dg.AssetCheckResult(
        check_name="tidak_ada_baris_hilang",
        passed=not unbalanced and not unexplained,
        metadata={
            "berkas": len(sources),
            "baris_dibaca": sum(s.report.rows_read for s in sources),
            "baris_ditolak": sum(s.report.rows_rejected for s in sources),
            "tidak_seimbang": ", ".join(unbalanced) or "-",
            "ditolak_tanpa_alasan": ", ".join(unexplained) or "-",
        },
    )


def _check(asset: str) -> list[dg.AssetCheckSpec]:
    return [dg.AssetCheckSpec("tidak_ada_baris_hilang", asset=asset, blocking=True,
                              description="Baris dibaca = diterima + ditolak untuk setiap berkas, dan setiap penolakan punya Error.")]


@dg.asset(partitions_def=report_partitions, group_name=GROUP, check_specs=_check("referensi"))
def referensi(context: dg.AssetExecutionContext, lkjip: LkjipConfig):
    """Workbook induk perencana: IKU dan targetnya, Renstra, cascading program ke sasaran,
    bidang penanggung jawab, statistik kabupaten/kota, dan anggaran per jenis belanja."""
    office = office_config(context, lkjip)
    ref, sources = read_referensi(office.inputs, settings=lkjip.settings)  # sandbox limits, expectation engine
    record_sources(sources, office.inputs, keep=not context.instance.is_ephemeral)
    problems = [p for s in sources for p in s.problems]
    _release(sources)
    yield dg.Output(ReferensiIntake(ref, sources, problems), metadata={"berkas": ref.file, "iku": ref.iku.height})
    yield account_check(sources)


@dg.asset(partitions_def=report_partitions, group_name=GROUP, check_specs=_check("anggaran_sipd"))
def anggaran_sipd(context: dg.AssetExecutionContext, lkjip: LkjipConfig, referensi: ReferensiIntake):
    """Ekspor Laporan Realisasi Anggaran SIPD (opsional): pagu dan realisasi per sub kegiatan dan
    rekening, baris OPD ini saja (ekspor se-Pemda dipilah menurut Kode SKPD), dan ekspor (tanggal
    posisi data) yang dipakai periode ini."""
    period, office = str(period_of(context)), office_config(context, lkjip)
    pemda = None if slot_of(context).single_office else lkjip.inputs  # the Pemda's own sipd/, split by Kode SKPD
    intake = read_sipd(office.inputs, referensi.referensi, period, settings=office.settings, pemda=pemda)
    record_sources(intake.own_sources, office.inputs, keep=not context.instance.is_ephemeral)
    _release(intake.sources)
    yield dg.Output(intake, metadata={"rekening": intake.rows.height, "berkas": len(intake.sources),
                                      "tanggal_posisi": str(intake.cutoff or "-")})
    yield account_check(intake.sources)


@dg.asset(partitions_def=report_partitions, group_name=GROUP, check_specs=_check("realisasi_bidang"))
def realisasi_bidang(context: dg.AssetExecutionContext, lkjip: LkjipConfig, referensi: ReferensiIntake,
                     anggaran_sipd: SipdIntake):
    """Berkas realisasi bulanan setiap bidang untuk periode ini: keluaran dan anggaran per
    sub kegiatan, dibersihkan dan diperiksa (kode, angka, jumlah, duplikat antar berkas), beserta
    bulan-bulan sebelumnya di tahun yang sama dan Desember tahun-tahun Renstra sebelumnya.
    Bila SIPD memberi anggaran tahun ini, pagu dan realisasi anggarannya yang dipakai."""
    period, lkjip = str(period_of(context)), office_config(context, lkjip)
    intake = read_year(lkjip.inputs, referensi.referensi, period, settings=lkjip.settings)
    apply_to_realisasi(intake, anggaran_sipd, referensi.referensi)  # SIPD's budget, before any figure
    record_sources(intake.sources, lkjip.inputs, keep=not context.instance.is_ephemeral)  # decides on time / late
    _release(intake.sources)
    yield dg.Output(intake, metadata={"sub_kegiatan": intake.sub.height, "berkas": len(intake.sources),
                                      "masalah": len(intake.problems)})
    yield account_check(intake.sources)


@dg.asset(partitions_def=report_partitions, group_name=GROUP, check_specs=_check("data_koperasi"))
def data_koperasi(context: dg.AssetExecutionContext, lkjip: LkjipConfig, referensi: ReferensiIntake):
    """Ekspor Online Data Koperasi (ODK): satu baris per koperasi per tahun buku, duplikat
    (NIK, Tahun Buku) diselesaikan dengan Tanggal Update terbaru."""
    office = office_config(context, lkjip)
    intake = read_odk(office.inputs, referensi.referensi, settings=lkjip.settings)
    record_sources(intake.sources, office.inputs, keep=not context.instance.is_ephemeral)
    _release(intake.sources)
    yield dg.Output(intake, metadata={"baris": intake.rows.height, "berkas": len(intake.sources)})
    yield account_check(intake.sources)


__all__ = ["ReferensiIntake", "anggaran_sipd", "data_koperasi", "realisasi_bidang", "referensi", "RealisasiIntake",
           "OdkIntake", "SipdIntake"]
